import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { createDb } from '../../src/db/client.js';
import { createEmptyDatabase } from '../support/db.js';
import { ROOT, runTs } from '../support/run.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

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
      [['agency', 'set', 'X', '--time-zone', 'Asia/Bandung'], /not an IANA time zone/],
      [['agency', 'set', 'X', '--reminders', 'zone,weather'], /Unknown reminder "weather"/],
      [['agency', 'set', 'X', '--report-period', 'week'], /--report-period must be/],
      [['agency', 'set', 'X'], /Nothing to change/],
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
          u1: r[0]!,
          u2: r[1]!,
          u3: r[2]!,
          u4: r[3]!,
          u5: r[4]!,
          u6: r[5]!,
          u7: r[6]!,
          u8: r[7]!,
          u9: r[8]!,
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

  it('runs a job once per period, lists jobs and the outbox, and changes an agency schedule', async () => {
    const db = await createEmptyDatabase('skm_cli_jobs');
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    try {
      expect((await runTs('src/cli/index.ts', ['seed', 'demo'], { env })).code).toBe(0);
      const invite = await runTs('src/cli/index.ts', ['invite', 'create', '--role', 'agency', '--agency', 'mpp-demo', '--days', '3'], { env });
      expect(invite.code).toBe(0);
      expect(invite.stdout).toMatch(/Invitation for agency_official of Mal Pelayanan Publik Kota Demo \(MPP-DEMO\)/);
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

      const list = await runTs('src/cli/index.ts', ['job', 'list'], { env });
      expect(list.stdout).toMatch(/maintenance\s+\(all\)\s+\*\/15 \* \* \* \* \(UTC\)\s+\S+ cli, 0 msg/);
      expect(list.stdout).toMatch(/weekly-summary\s+MPP-DEMO\s+0 8 \* \* 1 \(Asia\/Jakarta\)\s+\S+ cli-force/);
      expect(list.stdout).toMatch(/daily-check\s+MPP-DEMO\s+0 9 \* \* \* \(Asia\/Jakarta\)\s+never/);
      const outbox = await runTs('src/cli/index.ts', ['outbox', '--status', 'pending'], { env });
      expect(outbox.stdout).toMatch(/Outbox: \d+ pending/);
      expect(outbox.stdout).not.toContain('8801');

      const set = await runTs(
        'src/cli/index.ts',
        ['agency', 'set', 'mpp-demo', '--summary-cron', '30 7 * * 1', '--time-zone', 'Asia/Jayapura', '--reminders', 'none'],
        { env },
      );
      expect(set.code).toBe(0);
      expect(set.stdout).toContain('weekly summary    30 7 * * 1');
      expect(set.stdout).toContain('reminders         none');
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
