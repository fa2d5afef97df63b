// maintenance: the housekeeping privacy and exactly-once rely on (../maintenance.ts: processed update
// ids, expired drafts, unlinking and deleting after RETENTION_DAYS, delivered outbox messages after
// OUTBOX_RETENTION_DAYS, WhatsApp aliases), every 15 minutes. One run per 15-minute slot under
// `maintenance:<slot>`, so two instances do not both run it in the same slot. The key is committed
// before the work: a crash in the middle leaves the rest to the next slot, which repeats it anyway.
// Runs in every instance's scheduler, even with SCHEDULER_ENABLED=false.
import type { GlobalJob } from '../job.js';
import { runMaintenance } from '../maintenance.js';

export const MAINTENANCE_SLOT_MS = 15 * 60_000;
/** Its own run records are kept this long (one per slot; nothing refers to them afterwards). */
export const MAINTENANCE_RECORD_DAYS = 7;

export const maintenance: GlobalJob = {
  scope: 'global',
  name: 'maintenance',
  cron: '*/15 * * * *',
  timeZone: 'UTC',
  // The slot's start, e.g. 2026-11-23T01:15Z.
  periodOf: (fireAt) => new Date(Math.floor(fireAt.getTime() / MAINTENANCE_SLOT_MS) * MAINTENANCE_SLOT_MS).toISOString().replace(':00.000Z', 'Z'),
  // The current slot is always owed, whatever JOB_CATCH_UP_HOURS says (retention is not optional).
  catchUpMs: MAINTENANCE_SLOT_MS,
  housekeeping: true,
  ready: (env) => env.maintenance !== undefined,
  async plan(_env, _at, run) {
    return { run: run && { key: run.key, name: 'maintenance', agencyId: null, period: run.period, messages: [] }, items: [] };
  },
  async afterClaim(env, at) {
    const settings = env.maintenance;
    if (!settings) throw new Error('maintenance needs the retention settings (JobEnv.maintenance)');
    const result = await runMaintenance(
      env.db,
      at,
      settings.retentionDays,
      settings.outboxRetentionDays,
      settings.pseudonymizer,
      settings.whatsAppSentHours,
    );
    const recordsBefore = new Date(at.getTime() - MAINTENANCE_RECORD_DAYS * 86_400_000);
    const deletedRunRecords = await env.db.$executeRaw`DELETE FROM "JobRun" WHERE name = 'maintenance' AND "dueAt" < ${recordsBefore}`;
    if (Object.values(result).some((n) => n > 0)) env.log.info(result, 'maintenance done');
    return { ...result, deletedRunRecords };
  },
  describe: (o) =>
    `${o.key}: done; ${Object.entries(o.details ?? {})
      .map(([what, n]) => `${what} ${n}`)
      .join(', ')}.`,
};
