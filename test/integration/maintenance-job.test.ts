// Maintenance as a job of the scheduler, on a real PostgreSQL: one run per 15-minute slot however
// many instances try it, made up by the sweep for the current slot whatever JOB_CATCH_UP_HOURS says,
// left out where the process has no retention settings, and run alone where the scheduler only runs
// housekeeping (SCHEDULER_ENABLED=false).
import cron from 'node-cron';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { translate } from '../../src/i18n/index.js';
import { GLOBAL_JOBS, JOBS, type JobEnv, findJob, runGlobalJob } from '../../src/jobs/jobs.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const HOUR = 3_600_000;
const log = createLogger('silent');
const settings = { retentionDays: 365, outboxRetentionDays: 90 };
const job = GLOBAL_JOBS.find((j) => j.name === 'maintenance')!;

let t: TestDatabase;
let db: Db;

const env = (extra: Partial<JobEnv> = {}): JobEnv => ({ db, t: translate, log, catchUpMs: 48 * HOUR, maintenance: settings, ...extra });

/** Processed update ids `hoursAgo` before `at`, which maintenance forgets after 48 hours. */
async function oldUpdates(at: Date, n: number, hoursAgo = 50): Promise<void> {
  const processedAt = new Date(at.getTime() - hoursAgo * HOUR);
  await db.processedUpdate.createMany({
    data: Array.from({ length: n }, (_, i) => ({ channel: 'telegram', updateId: `m-${at.getTime()}-${i}`, processedAt })),
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});

afterAll(async () => {
  await t.drop();
});

afterEach(() => {
  for (const task of cron.getTasks().values()) void task.destroy();
});

describe('maintenance through the scheduler', () => {
  it('two instances racing for the same slot run it once: one record, the rows deleted once', async () => {
    const at = new Date('2026-11-23T01:15:00Z');
    await oldUpdates(at, 3);
    const second = createDb(t.url, 3);
    try {
      const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 300));
      const [x, y] = await Promise.all([
        runGlobalJob(env({ instance: 'one', beforeCommit: slow }), job, at, 'schedule'),
        runGlobalJob({ ...env({ instance: 'two', beforeCommit: slow }), db: second }, job, new Date(at.getTime() + 7 * 60_000), 'schedule'),
      ]);
      expect([x.status, y.status].sort()).toEqual(['already-ran', 'ran']);
      expect(x.key).toBe('maintenance:2026-11-23T01:15Z');
      expect(y.key).toBe(x.key);
      const ran = x.status === 'ran' ? x : y;
      expect(ran.details?.processedUpdates).toBe(3);
      // The instance that found the slot taken did no maintenance of its own.
      expect((x.status === 'ran' ? y : x).details).toBeUndefined();
      const runs = await db.jobRun.findMany({ where: { name: 'maintenance' } });
      expect(runs.map((r) => [r.key, r.agencyId, r.period])).toEqual([['maintenance:2026-11-23T01:15Z', null, '2026-11-23T01:15Z']]);
      expect(runs[0]!.details).toMatchObject({ processedUpdates: 3, deletedRunRecords: 0 });
      // The next slot is a run of its own.
      expect((await runGlobalJob(env(), job, new Date('2026-11-23T01:30:00Z'), 'schedule')).status).toBe('ran');
    } finally {
      await second.$disconnect();
    }
  });

  it('the sweep makes up the current slot even with no catch-up window, once, and forgets its week-old records', async () => {
    const now = new Date('2026-12-01T10:20:00Z');
    await oldUpdates(now, 2);
    const scheduler = new Scheduler(env({ catchUpMs: 0 }));
    await scheduler.sweep(now);
    await scheduler.sweep(new Date(now.getTime() + 5 * 60_000));
    await scheduler.stop();
    const runs = await db.jobRun.findMany({ where: { name: 'maintenance', period: { startsWith: '2026-12-01' } } });
    expect(runs.map((r) => [r.key, r.trigger])).toEqual([['maintenance:2026-12-01T10:15Z', 'catch-up']]);
    expect(runs[0]!.details).toMatchObject({ processedUpdates: 2 });
    // The November runs are more than 7 days older than this one: gone.
    expect(await db.jobRun.count({ where: { name: 'maintenance', period: { startsWith: '2026-11' } } })).toBe(0);
  });

  it('runs alone where only housekeeping runs, and is left out by a process without retention settings', async () => {
    const now = new Date('2026-12-02T09:05:00Z');
    await db.agency.create({ data: { code: 'HOUSE', name: 'Dinas HOUSE', timeZone: 'Asia/Jakarta' } });
    const housekeeping = JOBS.filter((j) => j.scope === 'global' && j.housekeeping === true);
    expect(housekeeping.map((j) => j.name)).toEqual(['maintenance']);
    const only = new Scheduler({ ...env(), jobs: housekeeping });
    await only.sweep(now);
    await only.stop();
    expect(await db.jobRun.count({ where: { name: 'maintenance', period: { startsWith: '2026-12-02' } } })).toBe(1);
    // 16:05 in Jakarta: the agency's daily check is owed, but this scheduler runs housekeeping only.
    expect(await db.jobRun.count({ where: { name: { not: 'maintenance' } } })).toBe(0);

    const later = new Date('2026-12-02T10:05:00Z');
    const bare = new Scheduler({ db, t: translate, log, catchUpMs: 48 * HOUR });
    await bare.sweep(later);
    await bare.stop();
    expect(await db.jobRun.count({ where: { name: 'maintenance', period: { startsWith: '2026-12-02' } } })).toBe(1);
    // The same sweep did run the agency's daily check: only maintenance was left out.
    expect(await db.jobRun.count({ where: { name: 'daily-check' } })).toBe(1);
  });

  it('every job of the registry has a distinct name, and the CLI finds each by it', () => {
    expect(JOBS.map((j) => j.name)).toEqual(['weekly-summary', 'daily-check', 'maladmin-alerts', 'maintenance']);
    expect(new Set(JOBS.map((j) => j.name)).size).toBe(JOBS.length);
    for (const j of JOBS) expect(findJob(j.name)).toBe(j);
  });
});
