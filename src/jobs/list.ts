// `skm job list`: every job of the registry with its schedule, its last run and its next run, per
// agency for agency jobs, once for global ones.
import type { Db } from '../db/client.js';
import { nextFire } from './cron.js';
import { AGENCY_JOBS, GLOBAL_JOBS, JOBS } from './registry.js';

export interface JobListing {
  job: string;
  agency: string | null;
  schedule: string;
  timeZone: string;
  lastRun: { key: string; at: Date; trigger: string; messages: number } | null;
  nextRun: Date | null;
}

export async function listJobs(db: Db, now = new Date()): Promise<JobListing[]> {
  const agencies = await db.agency.findMany({ orderBy: { code: 'asc' } });
  const jobOf = new Map(JOBS.map((j) => [j.recordedAs ?? j.name, j]));
  // The newest run of each job and agency, in one query (index on name, agencyId, startedAt).
  const lastRuns = await db.$queryRaw<{ name: string; agencyId: number | null; key: string; startedAt: Date; trigger: string; messages: number }[]>`
    SELECT DISTINCT ON (name, "agencyId") name, "agencyId", key, "startedAt", trigger, messages
    FROM "JobRun"
    WHERE name = ANY(${[...jobOf.keys()]})
    ORDER BY name, "agencyId", "startedAt" DESC`;
  const last = new Map<string, JobListing['lastRun']>();
  for (const r of lastRuns) {
    const job = jobOf.get(r.name);
    if (!job) continue;
    const run = { key: r.key, at: r.startedAt, trigger: r.trigger, messages: r.messages };
    // A global job's records may sit under each report's agency (maladministration alerts): the newest counts.
    const key = job.scope === 'global' ? job.name : `${job.name}:${r.agencyId}`;
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
