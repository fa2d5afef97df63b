// The scheduled jobs: what each one is, when it is due, which period a run covers, and how it
// plans its messages. Per agency, in the agency's time zone:
//  - weekly-summary: Agency.summaryCron (default Monday 08:00); covers the last complete ISO week.
//  - daily-check:    Agency.checkCron (default 09:00 daily); zone, target and follow-up reminders.
// For all agencies at once:
//  - maladmin-alerts: every minute; new maladministration reports to the unit's officials.
// Runs are keyed `<job>:<AGENCY>:<period>`; see runner.ts for the exactly-once commit.
import type { Db } from '../db/client.js';
import type { Agency, ServiceUnit } from '../generated/prisma/client.js';
import { tolerantTranslate } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { OutgoingMessage } from '../outbox/store.js';
import { localDateString, periodOf, previousPeriod } from '../scoring/index.js';
import type { Translate } from '../survey/types.js';
import { nextFire, previousFire } from './cron.js';
import { planDailyReminders, planMaladminAlerts } from './reminders.js';
import { recipientsOf } from './recipients.js';
import { type CommitResult, type JobPlan, type RunRecord, type Trigger, commitPlan, forcedKey, logCommit, takenKeys } from './runner.js';
import { composeSummary, loadAgencySummary, summaryChart } from './weekly-summary.js';

export type AgencyWithUnits = Agency & { units: ServiceUnit[] };

export interface JobEnv {
  db: Db;
  t: Translate;
  log: Logger;
  /** How long after its scheduled time a missed run is still made up (within its period). */
  catchUpMs: number;
  instance?: string;
  /** Tests: called inside a run's transaction just before it commits. */
  beforeCommit?: () => Promise<void> | void;
  /** Called after a run queued messages (wakes the outbox sender). */
  onQueued?: () => void;
}

export interface AgencyJob {
  name: 'weekly-summary' | 'daily-check';
  cronOf(agency: Agency): string;
  /** The period a run fired at `fireAt` covers. */
  periodOf(fireAt: Date, timeZone: string): string;
  plan(env: JobEnv, agency: AgencyWithUnits, fireAt: Date, key: string, period: string): Promise<JobPlan>;
}

export const AGENCY_JOBS: AgencyJob[] = [
  {
    name: 'weekly-summary',
    cronOf: (agency) => agency.summaryCron,
    // The last complete ISO week before the fire time: Monday 08:00 covers Monday–Sunday just ended.
    periodOf: (fireAt, tz) => previousPeriod(periodOf('week', fireAt, tz)).label,
    plan: planWeeklySummary,
  },
  {
    name: 'daily-check',
    cronOf: (agency) => agency.checkCron,
    periodOf: (fireAt, tz) => localDateString(fireAt, tz),
    async plan(env, agency, fireAt, key, period) {
      const items = await planDailyReminders(env.db, env.t, agency, fireAt);
      return { run: { key, name: 'daily-check', agencyId: agency.id, period, messages: [], details: { reminders: items.length } }, items };
    },
  },
];

export const GLOBAL_JOBS = [{ name: 'maladmin-alerts', cron: '* * * * *', timeZone: 'UTC' }] as const;
export const JOB_NAMES = [...AGENCY_JOBS.map((j) => j.name), ...GLOBAL_JOBS.map((j) => j.name)];

async function planWeeklySummary(env: JobEnv, agency: AgencyWithUnits, fireAt: Date, key: string, period: string): Promise<JobPlan> {
  const { db, t } = env;
  const week = previousPeriod(periodOf('week', fireAt, agency.timeZone));
  const recipients = await recipientsOf(db, agency.id);
  const activeIds = new Set(agency.units.filter((u) => u.active).map((u) => u.id));
  const messages: OutgoingMessage[] = [];
  if (recipients.length > 0 && activeIds.size > 0) {
    const data = await loadAgencySummary(db, agency, week);
    // Officials with the same scope and language get the same chart: render it once.
    const charts = new Map<string, Promise<{ png: Buffer; caption: string } | null>>();
    for (const r of recipients) {
      const units = r.units === 'all' ? 'all' : r.units.filter((id) => activeIds.has(id));
      if (units !== 'all' && units.length === 0) continue;
      const to = { channel: r.channel as OutgoingMessage['channel'], chatId: r.chatId, staffUserId: r.staffUserId };
      for (const text of composeSummary(data, units, r.locale, t)) messages.push({ ...to, text });
      const chartKey = `${r.locale}:${units === 'all' ? 'all' : [...units].sort((a, b) => a - b).join(',')}`;
      if (!charts.has(chartKey)) charts.set(chartKey, summaryChart(data, units, r.locale, t));
      const chart = await charts.get(chartKey)!;
      if (chart)
        messages.push({ ...to, text: chart.caption, photo: { filename: `ikm-${week.label}.png`, content: chart.png, contentType: 'image/png' } });
    }
  }
  const run: RunRecord = {
    key,
    name: 'weekly-summary',
    agencyId: agency.id,
    period,
    messages,
    details: { recipients: recipients.length, week: week.label },
  };
  return { run, items: [] };
}

export type RunStatus = 'ran' | 'already-ran' | 'not-found';

export interface RunOutcome {
  status: RunStatus;
  key: string;
  messages: number;
  reminders: number;
}

function forcePlan(plan: JobPlan, now: Date): JobPlan {
  const force = (r: RunRecord): RunRecord => ({ ...r, key: forcedKey(r.key, now), details: { ...r.details, forcedFrom: r.key } });
  return { run: plan.run && force(plan.run), items: plan.items.map(force) };
}

function outcome(key: string, result: CommitResult): RunOutcome {
  return {
    status: result.ran ? 'ran' : 'already-ran',
    key,
    messages: result.messages,
    reminders: result.recorded.filter((k) => k !== key && !k.startsWith(`${key}#`)).length,
  };
}

/**
 * Jobs build some keys from stored data (`staff.maladminItems.<code>` from a response, a role from
 * the database): a code the locale files do not know gives its own text and a warning, never a
 * failed run that would leave every other official without the summary or alert.
 */
function tolerant(env: JobEnv): JobEnv {
  return { ...env, t: tolerantTranslate(env.t, env.log) };
}

function commit(env: JobEnv, plan: JobPlan, dueAt: Date, trigger: Trigger): Promise<CommitResult> {
  return commitPlan(env.db, plan, {
    dueAt,
    trigger,
    ...(env.instance ? { instance: env.instance } : {}),
    ...(env.beforeCommit ? { beforeCommit: env.beforeCommit } : {}),
  });
}

/** Runs an agency job for the schedule instant `fireAt`, once per key (unless forced). */
export async function runAgencyJob(
  env: JobEnv,
  job: AgencyJob,
  agencyId: number,
  fireAt: Date,
  trigger: Trigger,
  now = new Date(),
): Promise<RunOutcome> {
  const agency = await env.db.agency.findUnique({ where: { id: agencyId }, include: { units: { orderBy: { code: 'asc' } } } });
  if (!agency) return { status: 'not-found', key: '', messages: 0, reminders: 0 };
  const period = job.periodOf(fireAt, agency.timeZone);
  const key = `${job.name}:${agency.code}:${period}`;
  const force = trigger === 'cli-force';
  if (!force && (await takenKeys(env.db, [key])).size > 0) return { status: 'already-ran', key, messages: 0, reminders: 0 };
  let plan = await job.plan(tolerant(env), agency, fireAt, key, period);
  if (force) plan = forcePlan(plan, now);
  const result = await commit(env, plan, fireAt, trigger);
  logCommit(env.log, job.name, key, result);
  if (result.messages > 0) env.onQueued?.();
  return outcome(plan.run?.key ?? key, result);
}

/** The maladministration alerts due at `at` (each report once; `force` is meaningless here). */
export async function runMaladminAlerts(env: JobEnv, at: Date, trigger: Trigger): Promise<RunOutcome> {
  const items = await planMaladminAlerts(env.db, tolerant(env).t, at);
  if (items.length === 0) return { status: 'ran', key: 'maladmin-alerts', messages: 0, reminders: 0 };
  const result = await commit(env, { run: null, items }, at, trigger);
  logCommit(env.log, 'maladmin-alerts', 'maladmin-alerts', result);
  if (result.messages > 0) env.onQueued?.();
  return { status: 'ran', key: 'maladmin-alerts', messages: result.messages, reminders: result.recorded.length };
}

/**
 * The run an agency job owes at `now`: its latest fire time within the catch-up window, if the
 * period that run covers is still the current one. Null when nothing is owed.
 */
export function dueFire(job: AgencyJob, agency: Agency, now: Date, catchUpMs: number): Date | null {
  const fire = previousFire(job.cronOf(agency), agency.timeZone, now, catchUpMs);
  if (!fire) return null;
  // A run made now would cover job.periodOf(now); the missed one covers job.periodOf(fire).
  return job.periodOf(fire, agency.timeZone) === job.periodOf(now, agency.timeZone) ? fire : null;
}

export interface JobListing {
  job: string;
  agency: string | null;
  schedule: string;
  timeZone: string;
  lastRun: { key: string; at: Date; trigger: string; messages: number } | null;
  nextRun: Date | null;
}

/** `skm job list`: every job with its schedule, last run and next run. */
export async function listJobs(db: Db, now = new Date()): Promise<JobListing[]> {
  const agencies = await db.agency.findMany({ orderBy: { code: 'asc' } });
  // The newest run of each job and agency, in one query (index on name, agencyId, startedAt).
  const lastRuns = await db.$queryRaw<{ name: string; agencyId: number | null; key: string; startedAt: Date; trigger: string; messages: number }[]>`
    SELECT DISTINCT ON (name, "agencyId") name, "agencyId", key, "startedAt", trigger, messages
    FROM "JobRun"
    WHERE name = ANY(${[...AGENCY_JOBS.map((j) => j.name), 'maladmin-alert']})
    ORDER BY name, "agencyId", "startedAt" DESC`;
  const last = new Map<string, JobListing['lastRun']>();
  for (const r of lastRuns) {
    const run = { key: r.key, at: r.startedAt, trigger: r.trigger, messages: r.messages };
    const key = r.name === 'maladmin-alert' ? 'maladmin-alerts' : `${r.name}:${r.agencyId}`;
    // Maladministration alerts are recorded per report, under each report's agency: the newest counts.
    const seen = last.get(key);
    if (!seen || seen.at < run.at) last.set(key, run);
  }
  const out: JobListing[] = [];
  for (const agency of agencies) {
    for (const job of AGENCY_JOBS) {
      out.push({
        job: job.name,
        agency: agency.code,
        schedule: job.cronOf(agency),
        timeZone: agency.timeZone,
        lastRun: last.get(`${job.name}:${agency.id}`) ?? null,
        nextRun: nextFire(job.cronOf(agency), agency.timeZone, now),
      });
    }
  }
  for (const job of GLOBAL_JOBS) {
    out.push({
      job: job.name,
      agency: null,
      schedule: job.cron,
      timeZone: job.timeZone,
      lastRun: last.get(job.name) ?? null,
      nextRun: nextFire(job.cron, job.timeZone, now),
    });
  }
  return out;
}
