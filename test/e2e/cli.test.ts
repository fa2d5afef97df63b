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
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await runCli(argv, c.io), argv.join(' ')).toBe(2);
      expect(c.err.join('\n'), argv.join(' ')).toMatch(message);
    }
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
          u1: r[0]!, u2: r[1]!, u3: r[2]!, u4: r[3]!, u5: r[4]!, u6: r[5]!, u7: r[6]!, u8: r[7]!, u9: r[8]!,
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
});
