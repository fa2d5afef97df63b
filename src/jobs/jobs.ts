// Running a job: the jobs folder's public face. A job is declared in defs/ and listed in
// registry.ts; here its run key is derived (`<job>:<AGENCY>:<period>` per agency, `<job>:<period>`
// for a global job with a period), a run already recorded is skipped, the plan is made (reads only)
// and committed exactly once by runner.ts. `dueFire` tells the scheduler's catch-up sweep which run
// is owed at an instant.
import type { Agency } from '../generated/prisma/client.js';
import { tolerantTranslate } from '../i18n/index.js';
import { previousFire } from './cron.js';
import { maladminAlerts } from './defs/maladmin-alerts.js';
import type { AgencyJob, GlobalJob, JobEnv, RunOutcome } from './job.js';
import { type CommitResult, type JobPlan, type RunRecord, type Trigger, commitPlan, forcedKey, logCommit, takenKeys } from './runner.js';

export type { AgencyJob, AgencyWithUnits, GlobalJob, Job, JobEnv, MaintenanceSettings, RunOutcome, RunStatus } from './job.js';
export { cliOptionsOf } from './job.js';
export { AGENCY_JOBS, GLOBAL_JOBS, JOBS, JOB_NAMES, findJob } from './registry.js';
export { type JobListing, listJobs } from './list.js';

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

async function commit(env: JobEnv, name: string, key: string, plan: JobPlan, dueAt: Date, trigger: Trigger): Promise<CommitResult> {
  const result = await commitPlan(env.db, plan, {
    dueAt,
    trigger,
    ...(env.instance ? { instance: env.instance } : {}),
    ...(env.beforeCommit ? { beforeCommit: env.beforeCommit } : {}),
  });
  logCommit(env.log, name, key, result);
  if (result.messages > 0) env.onQueued?.();
  return result;
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
  const result = await commit(env, job.name, key, plan, fireAt, trigger);
  return outcome(plan.run?.key ?? key, result);
}

/** Runs a job for all agencies at `at`: once per period when it has one, else each plan's items once. */
export async function runGlobalJob(env: JobEnv, job: GlobalJob, at: Date, trigger: Trigger, now = new Date()): Promise<RunOutcome> {
  const period = job.periodOf?.(at, job.timeZone);
  const key = period === undefined ? job.name : `${job.name}:${period}`;
  const force = trigger === 'cli-force' && period !== undefined;
  if (period !== undefined && !force && (await takenKeys(env.db, [key])).size > 0) return { status: 'already-ran', key, messages: 0, reminders: 0 };
  let plan = await job.plan(tolerant(env), at, period === undefined ? null : { key, period });
  if (plan.run === null && plan.items.length === 0) return { status: 'ran', key, messages: 0, reminders: 0 };
  if (force) plan = forcePlan(plan, now);
  const result = await commit(env, job.name, key, plan, at, trigger);
  const done = outcome(plan.run?.key ?? key, result);
  if (result.ran && plan.run && job.afterClaim) {
    const details = await job.afterClaim(env, at);
    await env.db.$executeRaw`
      UPDATE "JobRun" SET details = coalesce(details, '{}'::jsonb) || ${JSON.stringify(details)}::jsonb, "finishedAt" = now()
      WHERE key = ${plan.run.key}`;
    done.details = details;
  }
  return done;
}

/** The maladministration alerts due at `at` (each report once). */
export function runMaladminAlerts(env: JobEnv, at: Date, trigger: Trigger): Promise<RunOutcome> {
  return runGlobalJob(env, maladminAlerts, at, trigger);
}

/**
 * The run a schedule owes at `now`: its latest fire time within the catch-up window, if the period
 * that run covers is still the current one. Null when nothing is owed.
 */
function owedFire(cron: string, timeZone: string, periodOf: (at: Date, tz: string) => string, now: Date, catchUpMs: number): Date | null {
  const fire = previousFire(cron, timeZone, now, catchUpMs);
  if (!fire) return null;
  // A run made now would cover periodOf(now); the missed one covers periodOf(fire).
  return periodOf(fire, timeZone) === periodOf(now, timeZone) ? fire : null;
}

/** The run an agency job owes at `now` (see owedFire). */
export function dueFire(job: AgencyJob, agency: Agency, now: Date, catchUpMs: number): Date | null {
  return owedFire(job.cronOf(agency), agency.timeZone, job.periodOf, now, catchUpMs);
}

/** The instant a global job's sweep runs it for: `now` for a job without a period, else its owed fire. */
export function globalDueAt(job: GlobalJob, now: Date, catchUpMs: number): Date | null {
  if (!job.periodOf) return now;
  return owedFire(job.cron, job.timeZone, job.periodOf, now, job.catchUpMs ?? catchUpMs);
}
