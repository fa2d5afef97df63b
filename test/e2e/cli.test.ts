import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { COMMAND_USAGES } from '../../src/cli/usage.js';
import { createDb } from '../../src/db/client.js';
import { columnsOf, periodOf } from '../../src/scoring/index.js';
import { createEmptyDatabase } from '../support/db.js';
import { pdfText } from '../support/pdf-text.js';
import { ROOT, runSkm } from '../support/run.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

// jsqr's module.exports is the function itself (see test/unit/qr.test.ts).
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('skm command line', () => {
  let empty: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    empty = await createEmptyDatabase('skm_cli');
  });
  afterAll(async () => {
    await empty?.drop();
  });

  it('bad arguments give a clear message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage/],
      [['frobnicate'], /Unknown command: frobnicate/],
      [['report', '--unit', 'DUKCAPIL'], /Missing --period/],
      [['report', '--period', '2026-11'], /Missing --unit/],
      [['report', '--unit', 'DUKCAPIL', '--period', '2026-13'], /Unknown period "2026-13"/],
      [['report', '--unit', 'DUKCAPIL', '--period', '2026-11', '--format', 'docx'], /Unknown --format "docx"/],
      [['report', '--unit', 'DUKCAPIL', '--period', '2026-11', '--format', 'pdf'], /--format pdf needs --out/],
      [['report', '--unit', 'DUK CAPIL!', '--period', '2026-11'], /not a unit code/],
      [['report', '--bogus'], /bogus/],
      [['db', 'migrate', 'now'], /Unexpected argument/],
      [['invite', 'create', '--role', 'bupati', '--agency', 'X'], /unknown --role/],
      [['invite', 'create', '--role', 'unit_official', '--agency', 'X'], /needs --unit/],
      [['invite', 'create', '--role', 'agency_admin'], /needs --agency/],
      [['invite', 'create', '--role', 'agency_admin', '--agency', 'X', '--days', '0'], /--days must be/],
      [['job', 'run'], /Name a job/],
      [['job', 'run', 'laundry'], /Name a job/],
      [['job', 'run', 'weekly-summary', '--at', '2026-11-23'], /ISO time with its offset/],
      [['job', 'run', 'weekly-summary', '--at', 'yesterday'], /ISO time with its offset/],
      [['job', 'list', 'now'], /Unexpected argument/],
      [['job', 'run', 'maladmin-alerts', '--agency', 'X'], /maladmin-alerts runs for all agencies: drop --agency/],
      [['job', 'run', 'maladmin-alerts', '--force'], /maladmin-alerts has no --force/],
      [['job', 'run', 'maintenance', '--agency', 'X'], /maintenance runs for all agencies/],
      [['agency', 'set', 'X', '--summary-cron', '0 8 * *'], /five fields/],
      [['agency', 'set', 'X', '--check-cron', '0 25 * * *'], /25/],
      [['agency', 'set', 'X', '--time-zone', 'Asia/Bandung'], /is not a time zone: use WIB, WITA, WIT or an IANA name/],
      [['outbox', '--status', 'bogus'], /Unknown --status "bogus"/],
      [['units', 'qr', '--out', '/tmp', '--whatsapp', '0812-ABC'], /--whatsapp "0812-ABC" is not a phone number/],
      [['whatsapp', 'link', '--number', '12'], /--number "12" is not a phone number/],
      [['report', '--unit', 'X', '--period', 'kemarin dulu'], /Unknown period "kemarin dulu"/],
      [['units', 'deactivate'], /Give one unit code/],
      [['units', 'activate', 'A', 'B'], /Give one unit code/],
      [['units', 'list', '--agency', 'NO PE'], /not an agency code/],
      [['agency', 'set', 'X', '--reminders', 'zone,weather'], /Unknown reminder "weather"/],
      [['agency', 'set', 'X', '--report-period', 'week'], /--report-period must be/],
      [['agency', 'set', 'X'], /Nothing to change/],
      [['agency', 'set', 'X', '--signatory-nip', '1968-03'], /--signatory-nip "1968-03" is not a NIP: 18 digits/],
      [['agency', 'set', 'X', '--contact-email', 'ppid at kota'], /--contact-email "ppid at kota": is not an e-mail address/],
      [['agency', 'set', 'X', '--public', 'maybe'], /--public must be on or off/],
      [
        ['units', 'qr', '--out', '/tmp/x', '--landing', 'https://skm.example.go.id', '--channel', 'telegram'],
        /Give --landing or --channel, not both/,
      ],
      [['outbox', 'retry'], /Give message ids/],
      [['outbox', 'retry', 'abc'], /not a message id/],
      [['outbox', 'retry', '--failed', '--unknown'], /Give message ids/],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await runCli(argv, c.io), argv.join(' ')).toBe(2);
      expect(c.err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });

  it('an unknown job name is one line naming every job of the registry; the usage text lists them too', async () => {
    const c = capture();
    expect(await runCli(['job', 'run', 'laundry'], c.io)).toBe(2);
    expect(c.err).toEqual(['skm: Unknown job "laundry". Name a job: weekly-summary, daily-check, maladmin-alerts, maintenance.']);
    const help = capture();
    expect(await runCli(['help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('skm job run weekly-summary|daily-check|maladmin-alerts|maintenance [--agency <CODE>]');
  });

  it('--help on a command prints its own usage from the same table as skm --help, and exits 0', async () => {
    const full = capture();
    expect(await runCli(['--help'], full.io)).toBe(0);
    const all = full.out.join('\n');
    expect(COMMAND_USAGES.length).toBeGreaterThan(15);
    for (const entry of COMMAND_USAGES) {
      const own = capture();
      const argv = [...entry.words, entry.words[0] === 'job' ? '-h' : '--help'];
      expect(await runCli(argv, own.io), argv.join(' ')).toBe(0);
      expect(own.err, argv.join(' ')).toEqual([]);
      const text = own.out.join('\n');
      // Every line of the command's own usage is a line of the full usage: one source for both.
      const lines = text.split('\n').filter((l) => l.startsWith('  skm '));
      expect(lines.length, argv.join(' ')).toBeGreaterThanOrEqual(1);
      for (const line of lines) expect(all.split('\n'), argv.join(' ')).toContain(line);
      expect(text, argv.join(' ')).toContain(`skm ${entry.usage[0]}`);
      expect(text, argv.join(' ')).toContain(entry.description);
    }
    // Through the real entry point: the question is answered, not taken for an agency code.
    const shown = await runSkm(['agency', 'show', '--help']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain('skm agency show [<CODE>]');
    expect(shown.stdout).not.toContain('does not exist');
    expect(shown.stdout).not.toContain('skm db migrate');
    const group = await runSkm(['units', '-h']);
    expect(group.code).toBe(0);
    for (const sub of ['import', 'list', 'deactivate', 'activate', 'qr']) expect(group.stdout).toContain(`skm units ${sub}`);
    expect(group.stdout).not.toContain('skm report');
  }, 60_000);

  it('a bad argument is one line and a hint, printed once on stderr, exit code 2', async () => {
    const cases: [string[], string, string][] = [
      [['outbox', '--status', 'bogus'], 'skm: Unknown --status "bogus"', 'Run "skm outbox --help" for its usage.'],
      [
        ['agency', 'set', 'X', '--time-zone', 'Asia/Bandung'],
        'skm: --time-zone "Asia/Bandung" is not a time zone',
        'Run "skm agency set --help" for its usage.',
      ],
      [['frobnicate'], 'skm: Unknown command: frobnicate', 'Run "skm --help" for the list of commands.'],
    ];
    for (const [argv, first, hint] of cases) {
      const run = await runSkm(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stdout, argv.join(' ')).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines, argv.join(' ')).toHaveLength(2);
      expect(lines[0]!.startsWith(first), lines[0]).toBe(true);
      expect(lines[1]).toBe(hint);
    }
  }, 60_000);

  it('units list, deactivate and activate: a deactivated unit keeps its row, gets no poster, and each change is audited', async () => {
    const db = await createEmptyDatabase('skm_cli_units');
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-units-'));
    try {
      expect((await runSkm(['seed', 'demo'], { env })).code).toBe(0);
      const listed = await runSkm(['units', 'list', '--agency', 'mpp-demo'], { env });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^code\s+name\s+agency\s+active$/m);
      expect(listed.stdout).toMatch(/^DUKCAPIL\s+.+\s+MPP-DEMO\s+yes$/m);

      const off = await runSkm(['units', 'deactivate', 'dukcapil'], { env });
      expect(off.code).toBe(0);
      expect(off.stdout).toContain('Unit DUKCAPIL is deactivated');
      expect((await runSkm(['units', 'list'], { env })).stdout).toMatch(/^DUKCAPIL\s+.+\s+MPP-DEMO\s+no$/m);
      const twice = await runSkm(['units', 'deactivate', 'DUKCAPIL'], { env });
      expect(twice.stdout).toContain('already deactivated: nothing changed');

      const poster = await runSkm(['units', 'qr', '--unit', 'DUKCAPIL', '--out', out, '--bot', 'skm_demo_bot'], { env });
      expect(poster.code).toBe(2);
      expect(poster.stderr).toContain('Unit "DUKCAPIL" is deactivated: it gets no poster');
      const posters = await runSkm(['units', 'qr', '--out', out, '--whatsapp', '0812-3456-7890'], { env });
      expect(posters.stderr).toBe('');
      expect(posters.code).toBe(0);
      expect(posters.stdout).toContain('https://wa.me/6281234567890?text=NILAI%20<CODE>');
      const pngs = (await fs.readdir(out)).filter((f) => f.endsWith('.png'));
      expect(pngs.length).toBeGreaterThanOrEqual(1);
      expect(pngs).not.toContain('qr-DUKCAPIL.png');

      const on = await runSkm(['units', 'activate', 'DUKCAPIL'], { env });
      expect(on.code).toBe(0);
      expect(on.stdout).toContain('Unit DUKCAPIL takes ratings again.');
      // --landing: the QR leads to the unit's landing page on the bot's web server (no bot or number needed).
      const landing = await runSkm(['units', 'qr', '--unit', 'dukcapil', '--out', out, '--landing', 'https://skm.example.go.id/'], {
        env,
      });
      expect(landing.stderr).toBe('');
      expect(landing.stdout).toContain('https://skm.example.go.id/u/<CODE>');
      const qr = PNG.sync.read(await fs.readFile(path.join(out, 'qr-DUKCAPIL.png')));
      expect(jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height)?.data).toBe('https://skm.example.go.id/u/DUKCAPIL');
      const badLanding = await runSkm(['units', 'qr', '--out', out, '--landing', 'skm.example.go.id'], { env });
      expect(badLanding.code).toBe(2);
      expect(badLanding.stderr).toContain('--landing: "skm.example.go.id" is not a web address');
      const missing = await runSkm(['units', 'deactivate', 'NOPE'], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('Unit "NOPE" does not exist.');
      const noAgency = await runSkm(['units', 'list', '--agency', 'NOPE'], { env });
      expect(noAgency.code).toBe(2);

      const client = createDb(db.url, 1);
      try {
        const audits = await client.auditLog.findMany({ where: { actor: 'cli', target: 'DUKCAPIL' }, orderBy: { id: 'asc' } });
        expect(audits.map((a) => a.action)).toEqual(['unit.deactivate', 'unit.activate']);
        expect((await client.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } })).active).toBe(true);
      } finally {
        await client.$disconnect();
      }
    } finally {
      await fs.rm(out, { recursive: true, force: true });
      await db.drop();
    }
  }, 120_000);

  it('migrates, seeds the demo and reports a unit as JSON and text through the real entry point', async () => {
    const env = { DATABASE_URL: empty.url };
    const migrated = await runSkm(['db', 'migrate'], { env });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    const seeded = await runSkm(['seed', 'demo'], { env });
    expect(seeded.stdout).toContain('MPP-DEMO with 5 units');
    const db = createDb(empty.url, 1);
    try {
      const unit = await db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
      const q = await db.questionnaire.findFirstOrThrow();
      const at = new Date('2026-11-10T03:00:00Z');
      const rows = WORKED_EXAMPLE;
      await db.response.createMany({
        data: rows.map((r, i) => ({
          sessionId: `cli-${i}`,
          unitId: unit.id,
          questionnaireId: q.id,
          channel: 'telegram',
          submittedAt: at,
          startedAt: at,
          ...columnsOf(r),
          maladmin: {},
          locale: 'id',
        })),
      });
    } finally {
      await db.$disconnect();
    }
    const json = await runSkm(['report', '--unit', 'dukcapil', '--period', '2026-11', '--format', 'json'], { env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      unit: 'DUKCAPIL',
      period: '2026-11',
      responses: 6,
      ikm: 82.41,
      mutu: 'B',
      kinerja: 'Baik',
      zona: 'hijau',
      provisional: true,
    });
    expect(report.unsur).toEqual([
      { code: 'U1', name: 'Persyaratan', nrr: 3.333 },
      { code: 'U2', name: 'Sistem, mekanisme, dan prosedur', nrr: 3.167 },
      { code: 'U3', name: 'Waktu penyelesaian', nrr: 2.833 },
      { code: 'U4', name: 'Biaya/tarif', nrr: 3.167 },
      { code: 'U5', name: 'Produk spesifikasi jenis pelayanan', nrr: 3.5 },
      { code: 'U6', name: 'Kompetensi pelaksana', nrr: 3.667 },
      { code: 'U7', name: 'Perilaku pelaksana', nrr: 3.833 },
      { code: 'U8', name: 'Sarana dan prasarana', nrr: 3.167 },
      { code: 'U9', name: 'Penanganan pengaduan, saran dan masukan', nrr: 3.0 },
    ]);
    const text = await runSkm(['report', '--unit', 'DUKCAPIL', '--period', '2026-Q4'], { env });
    expect(text.stdout).toContain('IKM 82,41 · mutu B (Baik) · zona hijau\nSEMENTARA: kurang dari 30 responden');
    // The period words the chat accepts; relative ones on the agency's calendar.
    const worded = await runSkm(['report', '--unit', 'DUKCAPIL', '--period', 'November 2026', '--format', 'json'], { env });
    expect(worded.code).toBe(0);
    expect(JSON.parse(worded.stdout)).toMatchObject({ period: '2026-11', responses: 6, ikm: 82.41 });
    const thisMonth = await runSkm(['report', '--unit', 'DUKCAPIL', '--period', 'bulan ini', '--format', 'json'], { env });
    expect(thisMonth.code).toBe(0);
    expect((JSON.parse(thisMonth.stdout) as { period: string }).period).toBe(periodOf('month', new Date(), 'Asia/Jakarta').label);
    const missing = await runSkm(['report', '--unit', 'NOPE', '--period', '2026'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Unit "NOPE" does not exist.');

    // An agency without --format: the text report, its pooled IKM as the headline, then each unit.
    const agency = await runSkm(['report', '--agency', 'mpp-demo', '--period', '2026-11'], { env });
    expect(agency.code).toBe(0);
    const lines = agency.stdout.split('\n');
    expect(lines[0]).toBe('Mal Pelayanan Publik Kota Demo (MPP-DEMO) · periode 2026-11 (Asia/Jakarta)');
    expect(lines[1]).toBe('IKM instansi (semua responden digabung): 82,41 · mutu B (Baik) · zona hijau · 6 responden');
    expect(agency.stdout).toContain('  DUKCAPIL Disdukcapil: IKM 82,41* · mutu B · zona hijau · 6 responden');
    expect(agency.stdout).toMatch(/^ {2}SAMSAT Samsat: belum ada penilaian$/m);
    expect(agency.stdout).not.toContain(';');
    const agencyJson = await runSkm(['report', '--agency', 'MPP-DEMO', '--period', '2026-11', '--format', 'json'], { env });
    expect(JSON.parse(agencyJson.stdout)).toMatchObject({ agency: 'MPP-DEMO', responses: 6, ikm: 82.41, mutu: 'B', zona: 'hijau' });
    // CSV: excel-id by default, rfc4180 on request; a dialect without csv is a usage error.
    const excel = await runSkm(['report', '--agency', 'MPP-DEMO', '--period', '2026-11', '--format', 'csv'], { env });
    expect(excel.stdout).toMatch(/^\uFEFFNo;Kode unit;Nama unit;/);
    expect(excel.stdout).toContain(';82,41;B;Baik;hijau;');
    const rfc = await runSkm(['report', '--agency', 'MPP-DEMO', '--period', '2026-11', '--format', 'csv', '--csv-dialect', 'rfc4180'], {
      env,
    });
    expect(rfc.stdout).toContain(',82.41,B,Baik,hijau,');
    const badDialect = await runSkm(['report', '--agency', 'MPP-DEMO', '--period', '2026-11', '--format', 'csv', '--csv-dialect', 'tsv'], {
      env,
    });
    expect(badDialect.code).toBe(2);
    expect(badDialect.stderr).toContain('Unknown --csv-dialect "tsv": use excel-id or rfc4180.');

    // The official report as PDF, signed as set on the agency (a NIP typed with spaces is stored as its 18 digits).
    const signed = await runSkm(
      [
        'agency',
        'set',
        'MPP-DEMO',
        '--signatory-name',
        'Ir. Bambang Sutrisno',
        '--signatory-nip',
        '19700101 199503 1 002',
        '--report-place',
        'Kota Demo',
      ],
      { env },
    );
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('report signed by  Ir. Bambang Sutrisno, NIP 197001011995031002');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-pdf-'));
    try {
      const file = path.join(dir, 'laporan.pdf');
      const pdf = await runSkm(['report', '--unit', 'DUKCAPIL', '--period', 'November 2026', '--format', 'pdf', '--out', file], {
        env,
      });
      expect(pdf.stderr).toBe('');
      expect(pdf.code).toBe(0);
      expect(pdf.stdout).toContain(`Written: ${file}`);
      const text = (await pdfText(await fs.readFile(file))).join(' ');
      expect(text).toContain('Nilai IKM 82,41');
      expect(text).toContain('Kota Demo, ');
      expect(text).toContain('Ir. Bambang Sutrisno');
      expect(text).toContain('NIP. 197001011995031002');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('imports units from a file, grants the first admin, prints posters and an agency CSV', async () => {
    const env = { DATABASE_URL: empty.url };
    const good = path.join(ROOT, 'test', 'fixtures', 'units', 'valid.csv');
    const bad = path.join(ROOT, 'test', 'fixtures', 'units', 'bad-rows.csv');
    const rejected = await runSkm(['units', 'import', bad], { env });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/line 3, unit_code/);
    expect(rejected.stderr).toContain('Nothing was imported.');
    const first = await runSkm(['units', 'import', good], { env });
    expect(first.code).toBe(0);
    const again = await runSkm(['units', 'import', good], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toBe(first.stdout);
    expect(again.stdout).toMatch(/unchanged/i);

    const grant = await runSkm(['admin', 'grant', '--telegram', '777000', '--agency', 'MPP-BPP'], { env });
    expect(grant.stdout).toContain('Granted agency_admin of MPP-BPP to Telegram user 777000');
    const noAgency = await runSkm(['admin', 'grant', '--telegram', '777000', '--agency', 'NOPE'], { env });
    expect(noAgency.code).toBe(2);

    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-qr-'));
    try {
      const qr = await runSkm(['units', 'qr', '--out', out, '--bot', 'skm_demo_bot'], { env });
      expect(qr.stderr).toBe('');
      const files = await fs.readdir(out);
      expect(files).toContain('poster-skm.pdf');
      expect(files.filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(2);
      const badBot = await runSkm(['units', 'qr', '--out', out, '--bot', 'not a bot'], { env });
      expect(badBot.code).toBe(2);
      // One agency's units, both channels: two QR codes per unit; --channel picks one.
      const both = path.join(out, 'both');
      const twoChannels = await runSkm(
        ['units', 'qr', '--agency', 'mpp-bpp', '--out', both, '--bot', 'skm_demo_bot', '--whatsapp', '0812-3456-7890'],
        { env },
      );
      expect(twoChannels.code).toBe(0);
      const bothFiles = await fs.readdir(both);
      expect(bothFiles).toContain('qr-BPP-DUKCAPIL-whatsapp.png');
      expect(bothFiles).toContain('qr-BPP-DUKCAPIL-telegram.png');
      const onlyWa = path.join(out, 'wa');
      const whatsappOnly = await runSkm(
        ['units', 'qr', '--agency', 'MPP-BPP', '--out', onlyWa, '--bot', 'skm_demo_bot', '--whatsapp', '0812-3456-7890', '--channel', 'whatsapp'],
        { env },
      );
      expect(whatsappOnly.code).toBe(0);
      expect((await fs.readdir(onlyWa)).filter((f) => f.endsWith('.png')).every((f) => /^qr-BPP-[A-Z0-9-]+\.png$/.test(f))).toBe(true);
      const noAgency = await runSkm(['units', 'qr', '--agency', 'NOPE', '--out', out, '--bot', 'skm_demo_bot'], { env });
      expect(noAgency.code).toBe(2);
      expect(noAgency.stderr).toContain('Agency "NOPE" does not exist.');
      const badChannel = await runSkm(['units', 'qr', '--out', out, '--bot', 'skm_demo_bot', '--channel', 'sms'], { env });
      expect(badChannel.code).toBe(2);
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }

    const csv = await runSkm(['report', '--agency', 'MPP-BPP', '--period', '2026-11', '--format', 'csv'], { env });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain('BPP-DUKCAPIL');
  }, 120_000);

  it('runs a job once per period, lists jobs and the outbox (a retry of an id that does not exist exits 2: a mistyped argument, not a run-time result), and changes an agency schedule', async () => {
    const db = await createEmptyDatabase('skm_cli_jobs');
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    try {
      expect((await runSkm(['seed', 'demo'], { env })).code).toBe(0);
      const invite = await runSkm(['invite', 'create', '--role', 'agency', '--agency', 'mpp-demo', '--days', '3'], { env });
      expect(invite.code).toBe(0);
      expect(invite.stdout).toMatch(/Invitation for agency_official of Mal Pelayanan Publik Kota Demo \(MPP-DEMO\)/);
      // On the agency's clock, as a person reads it: "6 Desember 2026 pukul 13.25 WIB".
      expect(invite.stdout).toMatch(
        /valid until \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4} pukul \d\d\.\d\d WIB \(single use\)/,
      );
      const code = /code: ([A-Z0-9]{10})/.exec(invite.stdout)![1]!;
      // Both routes: /daftar on Telegram, DAFTAR to the bot's number on WhatsApp.
      expect(invite.stdout).toContain(`on Telegram, the official sends the bot: /daftar ${code}`);
      expect(invite.stdout).toContain(`on WhatsApp, the official sends the bot's number: DAFTAR ${code}`);
      // Redeemed in the chat, as an official would; then the job has a recipient.
      const client = createDb(db.url, 1);
      const { redeemInvitation } = await import('../../src/admin/staff.js');
      expect((await redeemInvitation(client, { channel: 'telegram', externalId: '8801' }, code)).ok).toBe(true);
      await client.$disconnect();

      const at = ['--at', '2026-11-23T08:00+07:00'];
      const first = await runSkm(['job', 'run', 'weekly-summary', ...at], { env });
      expect(first.stdout).toMatch(/weekly-summary:MPP-DEMO:2026-W47: done, [1-9]\d* message\(s\) queued/);
      const again = await runSkm(['job', 'run', 'weekly-summary', '--agency', 'MPP-DEMO', ...at], { env });
      expect(again.stdout).toContain('already ran for this period');
      const forced = await runSkm(['job', 'run', 'weekly-summary', ...at, '--force'], { env });
      expect(forced.stdout).toMatch(/#force-.*: done/);

      // Maintenance through the same command: once per 15-minute slot.
      const slot = ['--at', '2026-11-23T01:20Z'];
      const maintained = await runSkm(['job', 'run', 'maintenance', ...slot], { env });
      expect(maintained.stdout).toMatch(/maintenance:2026-11-23T01:15Z: done; processedUpdates \d+, .*deletedAliases \d+/);
      const maintainedAgain = await runSkm(['job', 'run', 'maintenance', ...slot], { env });
      expect(maintainedAgain.stdout).toContain('maintenance:2026-11-23T01:15Z: already ran for this period');

      const long = createDb(db.url, 1);
      await long.agency.create({ data: { code: 'KAB-BOLAANG-MONGONDO', name: 'Kabupaten Bolaang Mongondow', timeZone: 'Asia/Makassar' } });
      await long.$disconnect();
      const list = await runSkm(['job', 'list'], { env });
      // Columns as wide as their content: every row's schedule starts under the header's.
      const table = list.stdout.trimEnd().split('\n');
      const column = table[0]!.indexOf('schedule');
      expect(table.length).toBeGreaterThan(4);
      for (const row of table.slice(1)) expect(row.search(/\S+ \S+ \S+ \S+ \S+ \(/), row).toBe(column);
      expect(list.stdout).toMatch(/daily-check\s+KAB-BOLAANG-MONGONDO\s+0 9 \* \* \* \(Asia\/Makassar\)/);
      expect(list.stdout).toMatch(/maintenance\s+\(all\)\s+\*\/15 \* \* \* \* \(UTC\)\s+\w+, \d+ \w+ \d{4} at \d\d:\d\d UTC\+0, cli, 0 msg/);
      expect(list.stdout).toMatch(/weekly-summary\s+MPP-DEMO\s+0 8 \* \* 1 \(Asia\/Jakarta\)\s+\w+, \d+ \w+ \d{4} at \d\d:\d\d WIB, cli-force/);
      expect(list.stdout).toMatch(/daily-check\s+MPP-DEMO\s+0 9 \* \* \* \(Asia\/Jakarta\)\s+never/);
      const outbox = await runSkm(['outbox', '--status', 'pending'], { env });
      // A mistyped id is a bad argument (exit 2), not "0 message(s) queued again".
      const noSuch = await runSkm(['outbox', 'retry', '999999'], { env });
      expect(noSuch.code).toBe(2);
      expect(noSuch.stderr).toContain('No outbox message with id 999999: nothing was queued again');
      expect(noSuch.stdout).toBe('');
      expect(outbox.stdout).toMatch(/Outbox: \d+ pending/);
      expect(outbox.stdout).not.toContain('8801');

      const set = await runSkm(['agency', 'set', 'mpp-demo', '--summary-cron', '30 7 * * 1', '--time-zone', 'WIT', '--reminders', 'none'], { env });
      expect(set.code).toBe(0);
      expect(set.stdout).toContain('weekly summary    30 7 * * 1');
      expect(set.stdout).toContain('reminders         none');
      expect(set.stdout).toContain('time zone         Asia/Jayapura');
      // The privacy notice's contact: set, shown, and cleared with an empty value.
      const contact = await runSkm(
        [
          'agency',
          'set',
          'MPP-DEMO',
          '--contact-email',
          'ppid@demo.go.id',
          '--contact-phone',
          '(0542) 123 456',
          '--contact-address',
          'Jl. Sudirman No. 1',
        ],
        { env },
      );
      expect(contact.code).toBe(0);
      expect(contact.stdout).toContain('contact email     ppid@demo.go.id');
      expect(contact.stdout).toContain('contact phone     (0542) 123 456');
      expect(contact.stdout).toContain('contact address   Jl. Sudirman No. 1');
      const cleared = await runSkm(['agency', 'set', 'MPP-DEMO', '--contact-phone', ''], { env });
      expect(cleared.stdout).toContain('contact phone     (none)');
      expect(cleared.stdout).toContain('contact email     ppid@demo.go.id');
      const wita = await runSkm(['agency', 'set', 'KAB-BOLAANG-MONGONDO', '--time-zone', 'wita'], { env });
      expect(wita.stdout).toContain('time zone         Asia/Makassar');
      const listed = await runSkm(['job', 'list'], { env });
      expect(listed.stdout).toMatch(/weekly-summary\s+MPP-DEMO\s+30 7 \* \* 1 \(Asia\/Jayapura\).*Monday, \d+ \w+ \d{4} at 07:30 WIT/);
      const unknown = await runSkm(['agency', 'set', 'NOPE', '--reminders', 'none'], { env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('Agency "NOPE" does not exist');
    } finally {
      await db.drop();
    }
  }, 120_000);
});
