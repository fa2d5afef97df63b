// Benchmark of the public pages (src/web/): one agency of 300 units with 1,000,000 stored responses
// spread over two years, served by the bot's HTTP server module with the public routes. Each page
// is asked many times from a few concurrent clients, warm (every address asked once first), and the
// latency of each answer is measured at the client: p50 and p95, first as the pages run (a rendered
// page reused for 10 s), then with the render cache off (every answer reads ResponseDayStat and
// renders), which is what one reader pays after the 10 s have passed.
//
// Seeding is plain SQL: the responses with generate_series and the triggers off, then the daily
// pre-aggregate built once from them (skm_day_stat_rebuild), as the triggers would have kept it.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { startHttpServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { zonedTimeUtc } from '../src/scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../src/survey/questionnaire.js';
import { registerPublicRoutes } from '../src/web/routes.js';
import { createBenchDatabase } from './database.js';

const TIME_ZONE = 'Asia/Jakarta';
/** The pages' clock: the newest responses are from this morning. */
const NOW = zonedTimeUtc(2026, 11, 20, 10, 0, TIME_ZONE);
const DAYS = 730;

export interface PublicBenchOptions {
  responses: number;
  units: number;
  /** Answers measured per case. */
  requests?: number;
  concurrency?: number;
}

async function fill(url: string, responses: number, units: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = await client.query<{ id: number }>(`INSERT INTO "Questionnaire" (key, version, definition) VALUES ('default', 1, $1) RETURNING id`, [
      JSON.stringify(DEFAULT_QUESTIONNAIRE),
    ]);
    const agency = await client.query<{ id: number }>(
      `INSERT INTO "Agency" (code, name, "timeZone", "updatedAt", "minResponses") VALUES ('BENCH', 'Instansi Uji Beban', $1, now(), 30) RETURNING id`,
      [TIME_ZONE],
    );
    await client.query(
      `INSERT INTO "ServiceUnit" ("agencyId", code, name, "monthlyServiceUsers", "updatedAt")
       SELECT $1, 'UNIT-' || lpad(i::text, 3, '0'), 'Unit layanan ' || i, 500 + 10 * i, now() FROM generate_series(1, $2) i`,
      [agency.rows[0]!.id, units],
    );
    // Triggers off for the bulk insert (superuser on the embedded server); the pre-aggregate is built once after.
    await client.query('SET session_replication_role = replica');
    await client.query(
      `INSERT INTO "Response" ("sessionId", "unitId", "questionnaireId", channel, "submittedAt", "startedAt",
                               u1, u2, u3, u4, u5, u6, u7, u8, u9, maladmin, "maladminCount", suggestion, "suggestionState", locale)
       SELECT 'bench-' || g, u.first + (g % $3), $4, 'telegram', t, t - interval '2 minutes',
              1 + floor(random() * 4)::int, 2 + floor(random() * 3)::int, 2 + floor(random() * 3)::int,
              1 + floor(random() * 4)::int, 2 + floor(random() * 3)::int, 2 + floor(random() * 3)::int,
              3 + floor(random() * 2)::int, 2 + floor(random() * 3)::int, 1 + floor(random() * 4)::int,
              '{}'::jsonb, 0,
              CASE WHEN g % 20 = 0 THEN 'Mohon antrean dipercepat dan ruang tunggu diperluas, nomor ' || g END,
              CASE WHEN g % 100 = 0 THEN 'approved' END, 'id'
       FROM generate_series(0, $1::int - 1) g
       CROSS JOIN (SELECT min(id) AS first FROM "ServiceUnit") u
       CROSS JOIN LATERAL (SELECT $2::timestamptz - (g::float8 / $1 * $5) * interval '1 day' AS t) s`,
      [responses, NOW.toISOString(), units, q.rows[0]!.id, DAYS],
    );
    await client.query('SET session_replication_role = DEFAULT');
    await client.query(`SELECT skm_day_stat_rebuild(ARRAY(SELECT id FROM "ServiceUnit"))`);
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(base: string, paths: string[], requests: number, concurrency: number): Promise<{ p50: number; p95: number; max: number }> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const path = paths[next++ % paths.length]!;
      const started = performance.now();
      const answer = await fetch(`${base}${path}`);
      await answer.arrayBuffer();
      if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status}`);
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times[times.length - 1]! };
}

export async function runPublicPagesBench(serverUrl: string, options: PublicBenchOptions): Promise<void> {
  const requests = options.requests ?? 2000;
  const concurrency = options.concurrency ?? 8;
  const database = await createBenchDatabase(serverUrl, 'bench_public');
  try {
    await migrate(database.url);
    const seeding = performance.now();
    await fill(database.url, options.responses, options.units);
    console.log(
      `Public pages: ${options.responses.toLocaleString('en')} responses, ${options.units} units over ${DAYS} days (seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s); ${requests} answers per case, ${concurrency} clients`,
    );
    const unitCodes = Array.from({ length: Math.min(options.units, 50) }, (_, i) => `UNIT-${String(i + 1).padStart(3, '0')}`);
    const cases: [string, string[]][] = [
      ['agency, this month', ['/BENCH', '/BENCH?lang=en']],
      ['agency, this year', ['/BENCH?period=year', '/BENCH?period=year&lang=en']],
      ['unit pages (50 units)', unitCodes.map((u) => `/BENCH/${u}`)],
      ['TV feed', ['/BENCH/tv.json']],
    ];
    for (const cacheMs of [10_000, 0]) {
      const db = createDb(database.url, 10);
      const log = createLogger('silent');
      const server = await startHttpServer({
        host: '127.0.0.1',
        port: 0,
        log,
        requestTimeoutMs: 10_000,
        readiness: async () => ({ ready: true, checks: {} }),
        routes: (app) =>
          registerPublicRoutes(app, { db, log, botUsername: () => 'skm_bench_bot', whatsappNumber: undefined, cacheMs, now: () => NOW }),
      });
      const base = `http://127.0.0.1:${server.port}`;
      try {
        console.log(cacheMs > 0 ? '  as served (render cache 10 s):' : '  render cache off (every answer reads and renders):');
        for (const [label, paths] of cases) {
          await measure(base, paths, paths.length, 1); // warm: every address once
          const r = await measure(base, paths, requests, concurrency);
          console.log(`    ${label.padEnd(24)} p50 ${r.p50.toFixed(1)} ms   p95 ${r.p95.toFixed(1)} ms   max ${r.max.toFixed(1)} ms`);
        }
      } finally {
        await server.close();
        await db.$disconnect();
      }
    }
  } finally {
    await database.drop();
  }
}
