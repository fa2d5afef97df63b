// The job runner's rules on a real PostgreSQL, with small jobs declared here (so the rules, not one
// job's messages, are what is checked): the run key `<job>:<AGENCY>:<period>` in the agency's time
// zone, a run recorded once (a second run plans nothing and queues nothing), reminders each under
// their own key, a forced run under a key of its own that leaves the original record alone, global
// jobs with and without a period, work done after the claim, and which run the catch-up owes.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { translate } from '../../src/i18n/index.js';
import {
  type AgencyJob,
  type GlobalJob,
  type JobEnv,
  dueFire,
  globalDueAt,
  runAgencyJob,
  runGlobalJob,
  runMaladminAlerts,
} from '../../src/jobs/jobs.js';
import { type JobPlan, type RunRecord, commitPlan, forcedKey, takenKeys } from '../../src/jobs/runner.js';
import type { OutgoingMessage } from '../../src/outbox/store.js';
import { localDateString, zonedTimeUtc } from '../../src/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { silentLog } from '../support/service.js';

const HOUR = 3_600_000;
let t: TestDatabase;
let db: Db;

const env = (extra: Partial<JobEnv> = {}): JobEnv => ({ db, t: translate, log: silentLog, catchUpMs: 48 * HOUR, ...extra });
const message = (text: string): OutgoingMessage => ({ channel: 'telegram', chatId: '4242', text });
const record = (key: string, texts: string[], extra: Partial<RunRecord> = {}): RunRecord => ({
  key,
  name: key.split(':')[0]!,
  agencyId: null,
  period: 'p',
  messages: texts.map(message),
  ...extra,
});

/** A daily agency job at 08:00 local time whose period is the local date; counts its plans. */
function dailyJob(name: string, items: (period: string) => RunRecord[] = () => []) {
  const job = {
    plans: 0,
    scope: 'agency',
    name,
    cronOf: () => '0 8 * * *',
    periodOf: (at: Date, tz: string) => localDateString(at, tz),
    async plan(_env: JobEnv, agency: { id: number; code: string }, _fireAt: Date, key: string, period: string): Promise<JobPlan> {
      job.plans++;
      return { run: record(key, [`${agency.code} ${period}`], { name, agencyId: agency.id, period, details: { units: 2 } }), items: items(period) };
    },
  } satisfies AgencyJob & { plans: number };
  return job;
}

/** A logger whose records the test reads: what the operator sees of each run. */
function capturingLog() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), records };
}

async function agency(code: string, timeZone: string) {
  return db.agency.create({ data: { code, name: `Dinas ${code}`, timeZone } });
}

const outboxOfRun = async (key: string) => {
  const run = await db.jobRun.findUnique({ where: { key } });
  return run ? (await db.outboxMessage.findMany({ where: { jobRunId: run.id }, orderBy: { id: 'asc' } })).map((m) => m.text) : [];
};

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});

afterAll(async () => {
  await t?.drop();
});

describe('an agency job runs once per agency and period', () => {
  it('is recorded under <job>:<AGENCY>:<period>, the period read in the agency’s time zone, with what was queued', async () => {
    const a = await agency('TIMUR', 'Asia/Jayapura');
    const job = dailyJob('daily-test');
    // 23:30 UTC on the 23rd is already the 24th in Jayapura (UTC+9).
    const fire = new Date('2026-11-23T23:30:00Z');
    let woken = 0;
    const out = await runAgencyJob(env({ instance: 'host:1', onQueued: () => woken++ }), job, a.id, fire, 'schedule');
    expect(out).toEqual({ status: 'ran', key: 'daily-test:TIMUR:2026-11-24', messages: 1, reminders: 0 });
    expect(woken).toBe(1);
    const run = await db.jobRun.findUniqueOrThrow({ where: { key: out.key } });
    expect(run).toMatchObject({ name: 'daily-test', agencyId: a.id, period: '2026-11-24', trigger: 'schedule', instance: 'host:1', messages: 1 });
    expect(run.dueAt.toISOString()).toBe(fire.toISOString());
    expect(run.details).toEqual({ units: 2 });
    expect(await outboxOfRun(out.key)).toEqual(['TIMUR 2026-11-24']);
  });

  it('a second run for the same period neither plans nor queues anything; the next period runs', async () => {
    const a = await agency('ULANG', 'Asia/Jakarta');
    const job = dailyJob('daily-twice');
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');
    let woken = 0;
    const first = await runAgencyJob(env({ onQueued: () => woken++ }), job, a.id, fire, 'schedule');
    expect(first.status).toBe('ran');
    const again = await runAgencyJob(env({ onQueued: () => woken++ }), job, a.id, new Date(fire.getTime() + HOUR), 'catch-up');
    expect(again).toEqual({ status: 'already-ran', key: first.key, messages: 0, reminders: 0 });
    expect(job.plans).toBe(1);
    expect(woken).toBe(1);
    expect(await outboxOfRun(first.key)).toHaveLength(1);
    const next = await runAgencyJob(env(), job, a.id, new Date(fire.getTime() + 24 * HOUR), 'schedule');
    expect(next).toMatchObject({ status: 'ran', key: 'daily-twice:ULANG:2026-11-24' });
    expect(job.plans).toBe(2);
  });

  it('an agency that does not exist is reported, nothing is recorded', async () => {
    const job = dailyJob('daily-missing');
    const out = await runAgencyJob(env(), job, 987_654, new Date('2026-11-23T01:00:00Z'), 'cli');
    expect(out).toEqual({ status: 'not-found', key: '', messages: 0, reminders: 0 });
    expect(job.plans).toBe(0);
    expect(await db.jobRun.count({ where: { name: 'daily-missing' } })).toBe(0);
  });

  it('reminders are counted apart from the run, and one already sent is not sent again', async () => {
    const a = await agency('INGAT', 'Asia/Jakarta');
    const job = dailyJob('daily-remind', (period) => [
      record(`remind:INGAT-1:${period}`, ['ingat 1']),
      record(`remind:INGAT-2:${period}`, ['ingat 2a', 'ingat 2b']),
    ]);
    // Reminder 1 already went out with an earlier run.
    await commitPlan(db, { run: null, items: [record('remind:INGAT-1:2026-11-23', ['earlier'])] }, { dueAt: new Date(), trigger: 'schedule' });
    const out = await runAgencyJob(env(), job, a.id, zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta'), 'schedule');
    expect(out).toEqual({ status: 'ran', key: 'daily-remind:INGAT:2026-11-23', messages: 3, reminders: 1 });
    expect(await outboxOfRun('remind:INGAT-1:2026-11-23')).toEqual(['earlier']);
    expect(await outboxOfRun('remind:INGAT-2:2026-11-23')).toEqual(['ingat 2a', 'ingat 2b']);
  });

  it('a forced run goes out again under its own key, with its reminders; the original record stays as it was', async () => {
    const a = await agency('PAKSA', 'Asia/Makassar');
    const job = dailyJob('daily-force', (period) => [record(`remind:PAKSA-1:${period}`, ['ingat'])]);
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Makassar');
    const first = await runAgencyJob(env(), job, a.id, fire, 'cli');
    expect(first).toMatchObject({ status: 'ran', messages: 2, reminders: 1 });
    const original = await db.jobRun.findUniqueOrThrow({ where: { key: first.key } });

    const now = new Date('2026-11-23T05:00:00Z');
    const forced = await runAgencyJob(env(), job, a.id, fire, 'cli-force', now);
    const key = `daily-force:PAKSA:2026-11-23#force-${now.toISOString()}`;
    expect(forcedKey(first.key, now)).toBe(key);
    expect(forced).toEqual({ status: 'ran', key, messages: 2, reminders: 1 });
    expect(job.plans).toBe(2);
    const again = await db.jobRun.findUniqueOrThrow({ where: { key } });
    expect(again).toMatchObject({ trigger: 'cli-force', period: '2026-11-23', agencyId: a.id });
    expect(again.details).toEqual({ units: 2, forcedFrom: first.key });
    const reminder = await db.jobRun.findUniqueOrThrow({ where: { key: `remind:PAKSA-1:2026-11-23#force-${now.toISOString()}` } });
    expect(reminder.details).toEqual({ forcedFrom: 'remind:PAKSA-1:2026-11-23' });
    expect(await db.jobRun.findUniqueOrThrow({ where: { key: first.key } })).toEqual(original);
    expect(await outboxOfRun(key)).toEqual(['PAKSA 2026-11-23']);
  });
});

describe('an agency job: what its plan gets and what the operator reads', () => {
  it('the plan sees the agency’s units in code order and may use a text the locale files lack', async () => {
    const a = await agency('URUT', 'Asia/Jakarta');
    for (const code of ['URUT-C', 'URUT-A', 'URUT-B']) await db.serviceUnit.create({ data: { code, name: code, agencyId: a.id } });
    const { log, records } = capturingLog();
    const job: AgencyJob = {
      scope: 'agency',
      name: 'units-test',
      cronOf: () => '0 8 * * *',
      periodOf: (at, tz) => localDateString(at, tz),
      plan: async (e, withUnits, _fire, key, period) => ({
        run: record(key, [withUnits.units.map((u) => u.code).join(' '), e.t('id', 'staff.maladminItems.tidak_dikenal')], { period }),
        items: [],
      }),
    };
    const out = await runAgencyJob(env({ log }), job, a.id, new Date('2026-11-23T02:00:00Z'), 'schedule');
    expect(out.status).toBe('ran');
    const [units, unknown] = await outboxOfRun(out.key);
    expect(units).toBe('URUT-A URUT-B URUT-C');
    expect(unknown).toBe('tidak_dikenal');
    expect(records.filter((r) => r.msg === 'translation key missing: its last part is shown instead')).toHaveLength(1);
  });

  it('a run is logged with its key and counts; a second one as skipped; a run that recorded nothing is not logged', async () => {
    const a = await agency('LOG', 'Asia/Jakarta');
    const { log, records } = capturingLog();
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');
    const job = dailyJob('daily-log', (period) => [record(`remind:LOG-1:${period}`, [])]);
    await runAgencyJob(env({ log }), job, a.id, fire, 'schedule');
    expect(records.map((r) => [r.msg, r.job, r.key, r.recorded, r.messages])).toEqual([['job ran', 'daily-log', 'daily-log:LOG:2026-11-23', 2, 1]]);
    // The same run committed again (another instance's plan): skipped, and said so.
    records.length = 0;
    const late = await runGlobalJob(
      env({ log }),
      {
        scope: 'global',
        name: 'late-log',
        cron: '* * * * *',
        timeZone: 'UTC',
        plan: async () => ({ run: record('daily-log:LOG:2026-11-23', ['x']), items: [] }),
      },
      fire,
      'schedule',
    );
    expect(late.status).toBe('already-ran');
    expect(records.map((r) => [r.msg, r.job, r.key])).toEqual([['job already ran for this period: skipped', 'late-log', 'late-log']]);
    // Reminders that are all taken already: nothing happened, nothing to log.
    records.length = 0;
    const quiet: GlobalJob = {
      scope: 'global',
      name: 'quiet-log',
      cron: '* * * * *',
      timeZone: 'UTC',
      plan: async () => ({ run: null, items: [record('remind:LOG-1:2026-11-23', ['again'])] }),
    };
    expect(await runGlobalJob(env({ log }), quiet, fire, 'schedule')).toMatchObject({ status: 'ran', messages: 0, reminders: 0 });
    expect(records).toEqual([]);
    // A reminder without messages is still news.
    const silent: GlobalJob = { ...quiet, name: 'silent-log', plan: async () => ({ run: null, items: [record('remind:LOG-2:2026-11-23', [])] }) };
    expect(await runGlobalJob(env({ log }), silent, fire, 'schedule')).toMatchObject({ status: 'ran', messages: 0, reminders: 1 });
    expect(records.map((r) => [r.msg, r.recorded, r.messages])).toEqual([['job ran', 1, 0]]);
  });

  it('a job of reminders only reports under its own key; a crash before the commit leaves nothing', async () => {
    const a = await agency('HANYA', 'Asia/Jakarta');
    const job: AgencyJob = {
      scope: 'agency',
      name: 'items-only',
      cronOf: () => '0 8 * * *',
      periodOf: (at, tz) => localDateString(at, tz),
      plan: async (_e, _agency, _fire, _key, period) => ({ run: null, items: [record(`remind:HANYA-1:${period}`, ['satu'])] }),
    };
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');
    const crash = () => {
      throw new Error('process killed');
    };
    await expect(runAgencyJob(env({ beforeCommit: crash }), job, a.id, fire, 'schedule')).rejects.toThrow('process killed');
    expect(await db.jobRun.count({ where: { key: 'remind:HANYA-1:2026-11-23' } })).toBe(0);
    expect(await runAgencyJob(env(), job, a.id, fire, 'schedule')).toEqual({
      status: 'ran',
      key: 'items-only:HANYA:2026-11-23',
      messages: 1,
      reminders: 1,
    });
  });

  it('the maladministration alerts run with nothing to report records nothing', async () => {
    expect(await runMaladminAlerts(env(), new Date('2026-11-23T02:00:00Z'), 'schedule')).toEqual({
      status: 'ran',
      key: 'maladmin-alerts',
      messages: 0,
      reminders: 0,
    });
    expect(await db.jobRun.count({ where: { name: { startsWith: 'maladmin' } } })).toBe(0);
  });
});

describe('committing a plan', () => {
  it('a run whose key is taken by the time it commits queues nothing, not even its new reminders', async () => {
    const plan = { run: record('race:X:1', ['run']), items: [record('race-item:X:1', ['item'])] };
    const taken = await commitPlan(db, { run: record('race:X:1', ['winner']), items: [] }, { dueAt: new Date(), trigger: 'schedule' });
    expect(taken).toEqual({ ran: true, recorded: ['race:X:1'], messages: 1 });
    const late = await commitPlan(db, plan, { dueAt: new Date(), trigger: 'schedule' });
    expect(late).toEqual({ ran: false, recorded: [], messages: 0 });
    expect(await outboxOfRun('race:X:1')).toEqual(['winner']);
    expect([...(await takenKeys(db, ['race:X:1', 'race-item:X:1']))]).toEqual(['race:X:1']);
  });

  it('a plan of reminders only records each new one and counts only their messages', async () => {
    await commitPlan(db, { run: null, items: [record('only:1', ['a'])] }, { dueAt: new Date(), trigger: 'schedule' });
    const result = await commitPlan(
      db,
      { run: null, items: [record('only:1', ['a again']), record('only:2', ['b', 'c']), record('only:3', [])] },
      { dueAt: new Date(), trigger: 'schedule' },
    );
    expect(result).toEqual({ ran: true, recorded: ['only:2', 'only:3'], messages: 2 });
    expect(await outboxOfRun('only:1')).toEqual(['a']);
    expect(await takenKeys(db, [])).toEqual(new Set());
  });
});

describe('a global job', () => {
  function weeklyGlobal(name: string) {
    const job = {
      plans: 0,
      after: 0,
      scope: 'global',
      name,
      cron: '0 3 * * 1',
      timeZone: 'Asia/Jakarta',
      periodOf: (at: Date, tz: string) => localDateString(at, tz).slice(0, 7),
      async plan(_env: JobEnv, _at: Date, run: { key: string; period: string } | null): Promise<JobPlan> {
        job.plans++;
        return { run: run && record(run.key, ['global'], { name, period: run.period }), items: [] };
      },
      async afterClaim(): Promise<Record<string, number>> {
        job.after++;
        return { deleted: 7 };
      },
    } satisfies GlobalJob & { plans: number; after: number };
    return job;
  }

  it('with a period: once per period under <job>:<period>, its after-claim work done once and stored with the run', async () => {
    const job = weeklyGlobal('global-period');
    // 20:00 UTC on 30 November is already 1 December in Jakarta.
    const at = new Date('2026-11-30T20:00:00Z');
    const out = await runGlobalJob(env(), job, at, 'schedule');
    expect(out).toEqual({ status: 'ran', key: 'global-period:2026-12', messages: 1, reminders: 0, details: { deleted: 7 } });
    const run = await db.jobRun.findUniqueOrThrow({ where: { key: 'global-period:2026-12' } });
    expect(run.details).toEqual({ deleted: 7 });
    expect(run.finishedAt).not.toBeNull();

    const again = await runGlobalJob(env(), job, new Date(at.getTime() + HOUR), 'catch-up');
    expect(again).toEqual({ status: 'already-ran', key: 'global-period:2026-12', messages: 0, reminders: 0 });
    expect([job.plans, job.after]).toEqual([1, 1]);

    const now = new Date('2026-12-01T01:00:00Z');
    const forced = await runGlobalJob(env(), job, at, 'cli-force', now);
    expect(forced).toMatchObject({ status: 'ran', key: `global-period:2026-12#force-${now.toISOString()}`, details: { deleted: 7 } });
    expect([job.plans, job.after]).toEqual([2, 2]);
    expect((await db.jobRun.findUniqueOrThrow({ where: { key: forced.key } })).details).toEqual({ forcedFrom: 'global-period:2026-12', deleted: 7 });
  });

  it('with a period whose run another instance committed while this one planned: nothing queued, no after-claim work', async () => {
    const job = weeklyGlobal('global-late');
    const at = new Date('2026-11-10T00:00:00Z');
    const plan = job.plan.bind(job);
    job.plan = async (e, when, run) => {
      // Past the cheap "already ran?" check; the other instance commits first.
      await commitPlan(db, { run: record('global-late:2026-11', ['other']), items: [] }, { dueAt: at, trigger: 'schedule' });
      return plan(e, when, run);
    };
    let woken = 0;
    const out = await runGlobalJob(env({ onQueued: () => woken++ }), job, at, 'schedule');
    expect(out).toEqual({ status: 'already-ran', key: 'global-late:2026-11', messages: 0, reminders: 0 });
    expect([job.plans, job.after, woken]).toEqual([1, 0, 0]);
    expect(await outboxOfRun('global-late:2026-11')).toEqual(['other']);
  });

  it('without a period: items only, each once; --force does not apply; an empty plan records nothing', async () => {
    let items: RunRecord[] = [record('alert:1', ['one']), record('alert:2', ['two'])];
    let afterClaims = 0;
    const job: GlobalJob = {
      scope: 'global',
      name: 'alerts-test',
      cron: '* * * * *',
      timeZone: 'UTC',
      plan: async (_env, _at, run) => {
        expect(run).toBeNull();
        return { run: null, items };
      },
      afterClaim: async () => {
        afterClaims++;
        return {};
      },
    };
    let woken = 0;
    const at = new Date('2026-11-23T01:00:00Z');
    const out = await runGlobalJob(env({ onQueued: () => woken++ }), job, at, 'schedule');
    expect(out).toEqual({ status: 'ran', key: 'alerts-test', messages: 2, reminders: 2 });
    const forced = await runGlobalJob(env({ onQueued: () => woken++ }), job, at, 'cli-force');
    expect(forced).toEqual({ status: 'ran', key: 'alerts-test', messages: 0, reminders: 0 });
    expect(woken).toBe(1);
    expect(await db.jobRun.count({ where: { key: { startsWith: 'alert:' } } })).toBe(2);
    items = [];
    expect(await runGlobalJob(env(), job, at, 'schedule')).toEqual({ status: 'ran', key: 'alerts-test', messages: 0, reminders: 0 });
    expect(await db.jobRun.count({ where: { name: 'alerts-test' } })).toBe(0);
    expect(afterClaims).toBe(0);
  });
});

describe('which run the catch-up owes', () => {
  const job = dailyJob('daily-owed');
  const jakarta = { timeZone: 'Asia/Jakarta' } as Parameters<typeof dueFire>[1];
  const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');

  it('the latest fire within the window while its period is current; nothing once the window or the period is over', () => {
    expect(dueFire(job, jakarta, new Date(fire.getTime() + 2 * HOUR), 3 * HOUR)).toEqual(fire);
    expect(dueFire(job, jakarta, new Date(fire.getTime() + 3 * HOUR), 3 * HOUR)).toEqual(fire);
    expect(dueFire(job, jakarta, new Date(fire.getTime() + 3 * HOUR + 60_000), 3 * HOUR)).toBeNull();
    expect(dueFire(job, jakarta, fire, 0)).toEqual(fire);
    // 07:59 the next day: the 23rd's run was owed within the window, but its day is over.
    expect(dueFire(job, jakarta, new Date(fire.getTime() + 24 * HOUR - 60_000), 48 * HOUR)).toBeNull();
  });

  it('a global job without a period is due at the sweep’s instant; one with a period uses its own window when it has one', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const plain: GlobalJob = { scope: 'global', name: 'plain', cron: '* * * * *', timeZone: 'UTC', plan: async () => ({ run: null, items: [] }) };
    expect(globalDueAt(plain, now, 0)).toBe(now);
    const daily: GlobalJob = { ...plain, cron: '0 9 * * *', periodOf: (at, tz) => localDateString(at, tz) };
    const nine = new Date('2026-11-23T09:00:00Z');
    expect(globalDueAt(daily, now, 2 * HOUR)).toEqual(nine);
    expect(globalDueAt(daily, now, HOUR / 2)).toBeNull();
    expect(globalDueAt({ ...daily, catchUpMs: 2 * HOUR }, now, HOUR / 2)).toEqual(nine);
    expect(globalDueAt({ ...daily, catchUpMs: HOUR / 2 }, now, 2 * HOUR)).toBeNull();
  });
});
