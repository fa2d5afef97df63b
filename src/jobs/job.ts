// What a job is: the declaration each file in defs/ exports, and what running one needs and gives.
// The scheduler reads when a job is due (its cron, per agency or fixed) and which period a run
// covers; the runner (jobs.ts) derives the run key from the name and the period and commits the
// plan exactly once (runner.ts); `skm job run|list` derive the arguments a job accepts and what it
// prints. A new job is one file in defs/ and one line in registry.ts.
import type { Config } from '../config/index.js';
import type { Db } from '../db/client.js';
import type { Agency, ServiceUnit } from '../generated/prisma/client.js';
import type { Logger } from '../log.js';
import type { Pseudonymizer } from '../survey/pseudonym.js';
import type { Translate } from '../survey/types.js';
import type { JobPlan } from './runner.js';

export type AgencyWithUnits = Agency & { units: ServiceUnit[] };

/** The retention figures maintenance applies (RETENTION_DAYS, OUTBOX_RETENTION_DAYS). */
export interface MaintenanceSettings {
  retentionDays: number;
  outboxRetentionDays: number;
  /** How long the bot's sent WhatsApp messages are kept for retry receipts (WHATSAPP_SENT_RETENTION_HOURS). */
  whatsAppSentHours?: number;
  /** Present when WhatsApp identities are kept (their aliases are purged with the conversations). */
  pseudonymizer?: Pseudonymizer;
}

/** What every job run needs from the configuration: the catch-up window and the retention figures. */
export function jobSettingsOf(config: Config, pseudonymizer: Pseudonymizer): Pick<JobEnv, 'catchUpMs' | 'maintenance'> {
  return {
    catchUpMs: config.catchUpHours * 3_600_000,
    maintenance: {
      retentionDays: config.retentionDays,
      outboxRetentionDays: config.outbox.retentionDays,
      whatsAppSentHours: config.whatsapp.sentRetentionHours,
      pseudonymizer,
    },
  };
}

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
  /** Without these, the maintenance job is left out (a job's `ready`). */
  maintenance?: MaintenanceSettings;
}

export type RunStatus = 'ran' | 'already-ran' | 'not-found';

export interface RunOutcome {
  status: RunStatus;
  key: string;
  messages: number;
  reminders: number;
  /** What a job reports of its work besides messages (maintenance: rows deleted). */
  details?: Record<string, number>;
}

interface JobBase {
  name: string;
  /** The JobRun name its records carry, when not its own (maladmin-alerts records one per report). */
  recordedAs?: string;
  /** False when this process lacks what the job needs; the scheduler then leaves it out. */
  ready?(env: JobEnv): boolean;
  /** `skm job run`'s line for a run that happened (default: the key and the messages queued). */
  describe?(outcome: RunOutcome): string;
}

/** A job per agency, at the agency's own cron in the agency's time zone. Key `<name>:<AGENCY>:<period>`. */
export interface AgencyJob extends JobBase {
  scope: 'agency';
  cronOf(agency: Agency): string;
  /** The period a run fired at `fireAt` covers. */
  periodOf: (fireAt: Date, timeZone: string) => string;
  /** Reads and composes only; the runner commits the plan. */
  plan(env: JobEnv, agency: AgencyWithUnits, fireAt: Date, key: string, period: string): Promise<JobPlan>;
}

/** A job for all agencies at once, at a fixed cron. */
export interface GlobalJob extends JobBase {
  scope: 'global';
  cron: string;
  timeZone: string;
  /**
   * With it, one run per period under key `<name>:<period>` (made up by the sweep while the period
   * is current, and `--force` can run it again). Without it, a run has no key of its own: each sweep
   * and fire plans at its instant, and the plan's items carry the keys.
   */
  periodOf?: (fireAt: Date, timeZone: string) => string;
  /** How far back the sweep makes up a missed run, instead of JOB_CATCH_UP_HOURS. */
  catchUpMs?: number;
  /** Runs in every instance's scheduler, even with SCHEDULER_ENABLED=false (retention must not depend on it). */
  housekeeping?: boolean;
  /** Reads and composes only; `run` is null for a job without a period. */
  plan(env: JobEnv, at: Date, run: { key: string; period: string } | null): Promise<JobPlan>;
  /**
   * Work done after the run's key is committed, so one instance does it per period. A crash in the
   * middle leaves the period done: only for work that the next period simply repeats. Its counts are
   * stored in the run's details.
   */
  afterClaim?(env: JobEnv, at: Date): Promise<Record<string, number>>;
}

export type Job = AgencyJob | GlobalJob;

/** What `skm job run <name>` accepts besides --at: derived from the declaration, never listed by hand. */
export function cliOptionsOf(job: Job): { agency: boolean; force: boolean } {
  return { agency: job.scope === 'agency', force: job.scope === 'agency' || job.periodOf !== undefined };
}
