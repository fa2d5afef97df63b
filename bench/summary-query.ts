// Benchmark of the weekly summary's numbers (loadAgencySummary) for one agency of 50 units, beside
// a hand-written GROUP BY over the same rows, at 100,000 and 1,000,000 stored responses. Responses
// arrive at a constant 1,000 a day, so the larger table holds more history (about 1,000 days
// against 100), as a real agency's does, while the rows one summary reads stay about the same.
// The summary is for the week ending Sunday 27 December 2026: its quarter started 1 October, the
// longest span a summary can cover (about 88 days). Ours reads the daily pre-aggregate
// (ResponseDayStat, kept by triggers as the rows are inserted here); the hand-written query reads
// the responses of that span themselves, as a summary without the pre-aggregate would.
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { loadAgencySummary } from '../src/jobs/weekly-summary.js';
import { parsePeriod, periodRange, zonedTimeUtc } from '../src/scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../src/survey/questionnaire.js';

const UNITS = 50;
const PER_DAY = 1_000;
const TIME_ZONE = 'Asia/Jakarta';
const WEEK = parsePeriod('2026-W52')!;
/** The run happens on the Monday morning after the week: the newest rows are that morning's. */
const NEWEST = zonedTimeUtc(2026, 12, 28, 7, 55, TIME_ZONE);
const RUNS = 5;

export interface SummaryBenchOptions {
  sizes?: number[];
  /**
   * Also measure with a covering index (unitId, submittedAt) INCLUDE (u1..u9, maladminCount), which
   * lets PostgreSQL answer from the index alone. Not in the migrations; measured here only.
   */
  coveringIndex?: boolean;
}

export const COVERING_INDEX_SQL =
  'CREATE INDEX "Response_unitId_submittedAt_summary_idx" ON "Response" ("unitId", "submittedAt") ' +
  'INCLUDE (u1, u2, u3, u4, u5, u6, u7, u8, u9, "maladminCount")';

interface Figures {
  oursMs: number;
  handMs: number;
  /** The same hand-written query with PostgreSQL's parallel workers switched off. */
  handSerialMs: number;
  rowsRead: number;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function onServer<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** One agency, its units, and `rows` responses at PER_DAY a day up to NEWEST, in time order. */
async function fill(client: pg.Client, rows: number): Promise<void> {
  const q = await client.query<{ id: number }>(`INSERT INTO "Questionnaire" (key, version, definition) VALUES ('default', 1, $1) RETURNING id`, [
    JSON.stringify(DEFAULT_QUESTIONNAIRE),
  ]);
  const agency = await client.query<{ id: number }>(
    `INSERT INTO "Agency" (code, name, "timeZone", "updatedAt") VALUES ('BENCH', 'Instansi Uji Beban', $1, now()) RETURNING id`,
    [TIME_ZONE],
  );
  await client.query(
    `INSERT INTO "ServiceUnit" ("agencyId", code, name, "monthlyServiceUsers", "updatedAt")
     SELECT $1, 'UNIT-' || lpad(i::text, 2, '0'), 'Unit layanan ' || i, 1000 + 20 * i, now() FROM generate_series(1, $2) i`,
    [agency.rows[0]!.id, UNITS],
  );
  const secondsApart = 86_400 / PER_DAY;
  // Oldest first, as rows arrive; g counts back from the newest.
  await client.query(
    `INSERT INTO "Response" ("sessionId", "unitId", "questionnaireId", channel, "submittedAt", "startedAt",
                             u1, u2, u3, u4, u5, u6, u7, u8, u9, maladmin, "maladminCount", suggestion, locale)
     SELECT 'bench-' || g, u.first + (g % $3), $4, 'telegram', t, t - interval '2 minutes',
            1 + floor(random() * 4)::int, 1 + floor(random() * 4)::int, 1 + floor(random() * 4)::int,
            1 + floor(random() * 4)::int, 1 + floor(random() * 4)::int, 1 + floor(random() * 4)::int,
            1 + floor(random() * 4)::int, 1 + floor(random() * 4)::int, 1 + floor(random() * 4)::int,
            '{}'::jsonb, CASE WHEN random() < 0.02 THEN 1 ELSE 0 END,
            CASE WHEN random() < 0.05 THEN 'Mohon antrean dipercepat dan ruang tunggu diperluas, nomor ' || g END, 'id'
     FROM generate_series($1::int - 1, 0, -1) g
     CROSS JOIN (SELECT min(id) AS first FROM "ServiceUnit") u
     CROSS JOIN LATERAL (SELECT $2::timestamptz - g * make_interval(secs => $5) AS t) s`,
    [rows, NEWEST.toISOString(), UNITS, q.rows[0]!.id, secondsApart],
  );
  await client.query('VACUUM ANALYZE');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Median of RUNS after one warm-up run of each, alternating so that neither gets a warmer cache. */
async function measure(url: string): Promise<Figures> {
  const db = createDb(url, 4);
  const client = new pg.Client({ connectionString: url });
  const serial = new pg.Client({ connectionString: url });
  await client.connect();
  await serial.connect();
  try {
    // PostgreSQL may plan the hand-written GROUP BY with parallel workers: shown with and without.
    await serial.query('SET max_parallel_workers_per_gather = 0');
    const agency = await db.agency.findFirstOrThrow({ where: { code: 'BENCH' }, include: { units: true } });
    const unitIds = agency.units.map((u) => u.id);
    const ours = () => loadAgencySummary(db, agency, WEEK);
    // The span our query reads: from the earlier of the quarter's start and the chart's first week.
    const data = await ours();
    const start = new Date(Math.min(data.quarterToDate.start.getTime(), periodRange(data.trendWeeks[0]!, TIME_ZONE).start.getTime()));
    const end = data.weekRange.end;
    const handOn = (c: pg.Client) => () =>
      c.query(
        `SELECT "unitId", avg(u1), avg(u2), avg(u3), avg(u4), avg(u5), avg(u6), avg(u7), avg(u8), avg(u9)
         FROM "Response" WHERE "unitId" = ANY($1::int[]) AND "submittedAt" >= $2 AND "submittedAt" < $3
         GROUP BY "unitId"`,
        [unitIds, start.toISOString(), end.toISOString()],
      );
    const hand = handOn(client);
    const handSerial = handOn(serial);
    const counted = await client.query<{ n: string }>('SELECT count(*) AS n FROM "Response" WHERE "submittedAt" >= $1 AND "submittedAt" < $2', [
      start.toISOString(),
      end.toISOString(),
    ]);
    await hand();
    await handSerial();
    const oursRuns: number[] = [];
    const handRuns: number[] = [];
    const handSerialRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      oursRuns.push(await timed(ours));
      handRuns.push(await timed(hand));
      handSerialRuns.push(await timed(handSerial));
    }
    return { oursMs: median(oursRuns), handMs: median(handRuns), handSerialMs: median(handSerialRuns), rowsRead: Number(counted.rows[0]!.n) };
  } finally {
    await client.end();
    await serial.end();
    await db.$disconnect();
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

function report(label: string, rows: number, f: Figures): void {
  console.log(
    `${label.padEnd(22)} ${String(rows).padStart(9)} rows (${f.rowsRead} in the span)  ours ${ms(f.oursMs).padStart(9)}  ` +
      `hand-written ${ms(f.handMs).padStart(9)} (ratio ${(f.oursMs / f.handMs).toFixed(2)})  ` +
      `hand-written without parallel workers ${ms(f.handSerialMs).padStart(9)} (ratio ${(f.oursMs / f.handSerialMs).toFixed(2)})`,
  );
}

/** Fresh databases on the server of `pgUrl` (dropped afterwards); prints the figures and the aims. */
export async function runSummaryQueryBench(pgUrl: string, options: SummaryBenchOptions = {}): Promise<void> {
  const sizes = options.sizes ?? [100_000, 1_000_000];
  console.log(
    `# Weekly summary numbers: ${UNITS} units, ${PER_DAY} responses/day, week ${WEEK.label} (${TIME_ZONE}); median of ${RUNS} after a warm-up`,
  );
  const results: { rows: number; plain: Figures; covering?: Figures }[] = [];
  for (const rows of sizes) {
    const name = `skm_bench_summary_${crypto.randomBytes(4).toString('hex')}`;
    await onServer(pgUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = withDatabase(pgUrl, name);
    try {
      await migrate(url);
      await onServer(url, (c) => fill(c, rows));
      const plain = await measure(url);
      report('daily pre-aggregate', rows, plain);
      let covering: Figures | undefined;
      if (options.coveringIndex) {
        await onServer(url, async (c) => {
          await c.query(COVERING_INDEX_SQL);
          await c.query('VACUUM ANALYZE "Response"');
        });
        covering = await measure(url);
        report('covering index', rows, covering);
      }
      results.push({ rows, plain, ...(covering ? { covering } : {}) });
    } finally {
      await onServer(pgUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  }
  const first = results[0];
  const last = results[results.length - 1];
  if (first && last) {
    for (const r of results) console.log(`ours/hand-written at ${r.rows} rows: ${(r.plain.oursMs / r.plain.handMs).toFixed(2)} (aim ≤ 1.5)`);
    console.log(`ours at ${last.rows} rows: ${ms(last.plain.oursMs)} (aim < 2000 ms)`);
    if (first !== last)
      console.log(`growth of ours ${first.rows} → ${last.rows} rows: ${(last.plain.oursMs / first.plain.oursMs).toFixed(2)}× (aim ≤ 2)`);
    if (options.coveringIndex) console.log(`covering index (not in the migrations): ${COVERING_INDEX_SQL}`);
  }
}
