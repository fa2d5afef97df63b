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
import { ROOT, runTs } from '../support/run.js';
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
      [['report', '--unit', 'DUKCAPIL', '--period', '2026-11', '--format', 'pdf'], /Unknown --format "pdf"/],
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
      [['agency', 'set', 'X', '--public', 'maybe'], /--public must be on or off/],
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
    const shown = await runTs('src/cli/index.ts', ['agency', 'show', '--help']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain('skm agency show [<CODE>]');
    expect(shown.stdout).not.toContain('does not exist');
    expect(shown.stdout).not.toContain('skm db migrate');
    const group = await runTs('src/cli/index.ts', ['units', '-h']);
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
      const run = await runTs('src/cli/index.ts', argv);
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
      expect((await runTs('src/cli/index.ts', ['seed', 'demo'], { env })).code).toBe(0);
      const listed = await runTs('src/cli/index.ts', ['units', 'list', '--agency', 'mpp-demo'], { env });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^code\s+name\s+agency\s+active$/m);
      expect(listed.stdout).toMatch(/^DUKCAPIL\s+.+\s+MPP-DEMO\s+yes$/m);

      const off = await runTs('src/cli/index.ts', ['units', 'deactivate', 'dukcapil'], { env });
      expect(off.code).toBe(0);
      expect(off.stdout).toContain('Unit DUKCAPIL is deactivated');
      expect((await runTs('src/cli/index.ts', ['units', 'list'], { env })).stdout).toMatch(/^DUKCAPIL\s+.+\s+MPP-DEMO\s+no$/m);
      const twice = await runTs('src/cli/index.ts', ['units', 'deactivate', 'DUKCAPIL'], { env });
      expect(twice.stdout).toContain('already deactivated: nothing changed');

      const poster = await runTs('src/cli/index.ts', ['units', 'qr', '--unit', 'DUKCAPIL', '--out', out, '--bot', 'skm_demo_bot'], { env });
      expect(poster.code).toBe(2);
      expect(poster.stderr).toContain('Unit "DUKCAPIL" is deactivated: it gets no poster');
      const posters = await runTs('src/cli/index.ts', ['units', 'qr', '--out', out, '--whatsapp', '0812-3456-7890'], { env });
      expect(posters.stderr).toBe('');
      expect(posters.code).toBe(0);
      expect(posters.stdout).toContain('https://wa.me/6281234567890?text=NILAI%20<CODE>');
      const pngs = (await fs.readdir(out)).filter((f) => f.endsWith('.png'));
      expect(pngs.length).toBeGreaterThanOrEqual(1);
      expect(pngs).not.toContain('qr-DUKCAPIL.png');

      const on = await runTs('src/cli/index.ts', ['units', 'activate', 'DUKCAPIL'], { env });
      expect(on.code).toBe(0);
      expect(on.stdout).toContain('Unit DUKCAPIL takes ratings again.');
      // --landing: the QR leads to the unit's landing page on the bot's web server (no bot or number needed).
      const landing = await runTs(
        'src/cli/index.ts',
        ['units', 'qr', '--unit', 'dukcapil', '--out', out, '--landing', 'https://skm.example.go.id/'],
        {
          env,
        },
      );
      expect(landing.stderr).toBe('');
      expect(landing.stdout).toContain('https://skm.example.go.id/u/<CODE>');
      const qr = PNG.sync.read(await fs.readFile(path.join(out, 'qr-DUKCAPIL.png')));
      expect(jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height)?.data).toBe('https://skm.example.go.id/u/DUKCAPIL');
      const badLanding = await runTs('src/cli/index.ts', ['units', 'qr', '--out', out, '--landing', 'skm.example.go.id'], { env });
      expect(badLanding.code).toBe(2);
      expect(badLanding.stderr).toContain('--landing: "skm.example.go.id" is not a web address');
      const missing = await runTs('src/cli/index.ts', ['units', 'deactivate', 'NOPE'], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('Unit "NOPE" does not exist.');
      const noAgency = await runTs('src/cli/index.ts', ['units', 'list', '--agency', 'NOPE'], { env });
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
    const migrated = await runTs('src/cli/index.ts', ['db', 'migrate'], { env });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    const seeded = await runTs('src/cli/index.ts', ['seed', 'demo'], { env });
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
    const json = await runTs('src/cli/index.ts', ['report', '--unit', 'dukcapil', '--period', '2026-11', '--format', 'json'], { env });
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
    const text = await runTs('src/cli/index.ts', ['report', '--unit', 'DUKCAPIL', '--period', '2026-Q4'], { env });
    expect(text.stdout).toContain('IKM: 82.41 · mutu B (Baik) · zona hijau · SEMENTARA');
    // The period words the chat accepts; relative ones on the agency's calendar.
    const worded = await runTs('src/cli/index.ts', ['report', '--unit', 'DUKCAPIL', '--period', 'November 2026', '--format', 'json'], { env });
    expect(worded.code).toBe(0);
    expect(JSON.parse(worded.stdout)).toMatchObject({ period: '2026-11', responses: 6, ikm: 82.41 });
    const thisMonth = await runTs('src/cli/index.ts', ['report', '--unit', 'DUKCAPIL', '--period', 'bulan ini', '--format', 'json'], { env });
    expect(thisMonth.code).toBe(0);
    expect((JSON.parse(thisMonth.stdout) as { period: string }).period).toBe(periodOf('month', new Date(), 'Asia/Jakarta').label);
    const missing = await runTs('src/cli/index.ts', ['report', '--unit', 'NOPE', '--period', '2026'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Unit "NOPE" does not exist.');
  }, 120_000);

  it('imports units from a file, grants the first admin, prints posters and an agency CSV', async () => {
    const env = { DATABASE_URL: empty.url };
    const good = path.join(ROOT, 'test', 'fixtures', 'units', 'valid.csv');
    const bad = path.join(ROOT, 'test', 'fixtures', 'units', 'bad-rows.csv');
    const rejected = await runTs('src/cli/index.ts', ['units', 'import', bad], { env });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/line 3, unit_code/);
    expect(rejected.stderr).toContain('Nothing was imported.');
    const first = await runTs('src/cli/index.ts', ['units', 'import', good], { env });
    expect(first.code).toBe(0);
    const again = await runTs('src/cli/index.ts', ['units', 'import', good], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toBe(first.stdout);
    expect(again.stdout).toMatch(/unchanged/i);

    const grant = await runTs('src/cli/index.ts', ['admin', 'grant', '--telegram', '777000', '--agency', 'MPP-BPP'], { env });
    expect(grant.stdout).toContain('Granted agency_admin of MPP-BPP to Telegram user 777000');
    const noAgency = await runTs('src/cli/index.ts', ['admin', 'grant', '--telegram', '777000', '--agency', 'NOPE'], { env });
    expect(noAgency.code).toBe(2);

    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-qr-'));
    try {
      const qr = await runTs('src/cli/index.ts', ['units', 'qr', '--out', out, '--bot', 'skm_demo_bot'], { env });
      expect(qr.stderr).toBe('');
      const files = await fs.readdir(out);
      expect(files).toContain('poster-skm.pdf');
      expect(files.filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(2);
      const badBot = await runTs('src/cli/index.ts', ['units', 'qr', '--out', out, '--bot', 'not a bot'], { env });
      expect(badBot.code).toBe(2);
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }

    const csv = await runTs('src/cli/index.ts', ['report', '--agency', 'MPP-BPP', '--period', '2026-11', '--format', 'csv'], { env });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain('BPP-DUKCAPIL');
  }, 120_000);

  it('runs a job once per period, lists jobs and the outbox (a retry of an id that does not exist exits 2: a mistyped argument, not a run-time result), and changes an agency schedule', async () => {
    const db = await createEmptyDatabase('skm_cli_jobs');
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    try {
      expect((await runTs('src/cli/index.ts', ['seed', 'demo'], { env })).code).toBe(0);
      const invite = await runTs('src/cli/index.ts', ['invite', 'create', '--role', 'agency', '--agency', 'mpp-demo', '--days', '3'], { env });
      expect(invite.code).toBe(0);
      expect(invite.stdout).toMatch(/Invitation for agency_official of Mal Pelayanan Publik Kota Demo \(MPP-DEMO\)/);
      // On the agency's clock, as a person reads it: "6 Desember 2026 pukul 13.25 WIB".
      expect(invite.stdout).toMatch(
        /valid until \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4} pukul \d\d\.\d\d WIB \(single use\)/,
      );
      const code = /code: ([A-Z0-9]{10})/.exec(invite.stdout)![1]!;
      // Redeemed in the chat, as an official would; then the job has a recipient.
      const client = createDb(db.url, 1);
      const { redeemInvitation } = await import('../../src/admin/staff.js');
      expect((await redeemInvitation(client, { channel: 'telegram', externalId: '8801' }, code)).ok).toBe(true);
      await client.$disconnect();

      const at = ['--at', '2026-11-23T08:00+07:00'];
      const first = await runTs('src/cli/index.ts', ['job', 'run', 'weekly-summary', ...at], { env });
      expect(first.stdout).toMatch(/weekly-summary:MPP-DEMO:2026-W47: done, [1-9]\d* message\(s\) queued/);
      const again = await runTs('src/cli/index.ts', ['job', 'run', 'weekly-summary', '--agency', 'MPP-DEMO', ...at], { env });
      expect(again.stdout).toContain('already ran for this period');
      const forced = await runTs('src/cli/index.ts', ['job', 'run', 'weekly-summary', ...at, '--force'], { env });
      expect(forced.stdout).toMatch(/#force-.*: done/);

      // Maintenance through the same command: once per 15-minute slot.
      const slot = ['--at', '2026-11-23T01:20Z'];
      const maintained = await runTs('src/cli/index.ts', ['job', 'run', 'maintenance', ...slot], { env });
      expect(maintained.stdout).toMatch(/maintenance:2026-11-23T01:15Z: done; processedUpdates \d+, .*deletedAliases \d+/);
      const maintainedAgain = await runTs('src/cli/index.ts', ['job', 'run', 'maintenance', ...slot], { env });
      expect(maintainedAgain.stdout).toContain('maintenance:2026-11-23T01:15Z: already ran for this period');

      const long = createDb(db.url, 1);
      await long.agency.create({ data: { code: 'KAB-BOLAANG-MONGONDO', name: 'Kabupaten Bolaang Mongondow', timeZone: 'Asia/Makassar' } });
      await long.$disconnect();
      const list = await runTs('src/cli/index.ts', ['job', 'list'], { env });
      // Columns as wide as their content: every row's schedule starts under the header's.
      const table = list.stdout.trimEnd().split('\n');
      const column = table[0]!.indexOf('schedule');
      expect(table.length).toBeGreaterThan(4);
      for (const row of table.slice(1)) expect(row.search(/\S+ \S+ \S+ \S+ \S+ \(/), row).toBe(column);
      expect(list.stdout).toMatch(/daily-check\s+KAB-BOLAANG-MONGONDO\s+0 9 \* \* \* \(Asia\/Makassar\)/);
      expect(list.stdout).toMatch(/maintenance\s+\(all\)\s+\*\/15 \* \* \* \* \(UTC\)\s+\w+, \d+ \w+ \d{4} at \d\d:\d\d UTC\+0, cli, 0 msg/);
      expect(list.stdout).toMatch(/weekly-summary\s+MPP-DEMO\s+0 8 \* \* 1 \(Asia\/Jakarta\)\s+\w+, \d+ \w+ \d{4} at \d\d:\d\d WIB, cli-force/);
      expect(list.stdout).toMatch(/daily-check\s+MPP-DEMO\s+0 9 \* \* \* \(Asia\/Jakarta\)\s+never/);
      const outbox = await runTs('src/cli/index.ts', ['outbox', '--status', 'pending'], { env });
      // A mistyped id is a bad argument (exit 2), not "0 message(s) queued again".
      const noSuch = await runTs('src/cli/index.ts', ['outbox', 'retry', '999999'], { env });
      expect(noSuch.code).toBe(2);
      expect(noSuch.stderr).toContain('No outbox message with id 999999: nothing was queued again');
      expect(noSuch.stdout).toBe('');
      expect(outbox.stdout).toMatch(/Outbox: \d+ pending/);
      expect(outbox.stdout).not.toContain('8801');

      const set = await runTs(
        'src/cli/index.ts',
        ['agency', 'set', 'mpp-demo', '--summary-cron', '30 7 * * 1', '--time-zone', 'WIT', '--reminders', 'none'],
        { env },
      );
      expect(set.code).toBe(0);
      expect(set.stdout).toContain('weekly summary    30 7 * * 1');
      expect(set.stdout).toContain('reminders         none');
      expect(set.stdout).toContain('time zone         Asia/Jayapura');
      const wita = await runTs('src/cli/index.ts', ['agency', 'set', 'KAB-BOLAANG-MONGONDO', '--time-zone', 'wita'], { env });
      expect(wita.stdout).toContain('time zone         Asia/Makassar');
      const listed = await runTs('src/cli/index.ts', ['job', 'list'], { env });
      expect(listed.stdout).toMatch(/weekly-summary\s+MPP-DEMO\s+30 7 \* \* 1 \(Asia\/Jayapura\).*Monday, \d+ \w+ \d{4} at 07:30 WIT/);
      const unknown = await runTs('src/cli/index.ts', ['agency', 'set', 'NOPE', '--reminders', 'none'], { env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('Agency "NOPE" does not exist');
    } finally {
      await db.drop();
    }
  }, 120_000);
});
