// Every job, one line each: the scheduler, the catch-up sweep, `skm job run|list` and their help
// text all read this list. A new job is a file in defs/ and a line here (see docs/ARCHITECTURE.md).
import { dailyCheck } from './defs/daily-check.js';
import { maintenance } from './defs/maintenance.js';
import { maladminAlerts } from './defs/maladmin-alerts.js';
import { weeklySummary } from './defs/weekly-summary.js';
import type { AgencyJob, GlobalJob, Job } from './job.js';

export const JOBS: readonly Job[] = [weeklySummary, dailyCheck, maladminAlerts, maintenance];

export const AGENCY_JOBS: readonly AgencyJob[] = JOBS.filter((j): j is AgencyJob => j.scope === 'agency');
export const GLOBAL_JOBS: readonly GlobalJob[] = JOBS.filter((j): j is GlobalJob => j.scope === 'global');
export const JOB_NAMES: readonly string[] = JOBS.map((j) => j.name);

export function findJob(name: string): Job | undefined {
  return JOBS.find((j) => j.name === name);
}
