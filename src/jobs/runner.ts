// Runs a job exactly once per key. A job first plans (reads the database, composes its messages,
// renders charts: no writes), then commits the plan in ONE transaction: the run's JobRun row,
// inserted with ON CONFLICT DO NOTHING under a unique key of job name and period, and the outbox
// messages it produces. So:
//  - two instances racing for the same run: the second INSERT waits for the first transaction and
//    then finds the key taken; its plan is dropped, nothing is queued twice;
//  - a crash (or restart) in the middle of a run: the transaction never committed, nothing was
//    queued, the key is free, and the catch-up on the next start runs it again;
//  - a crash after the commit: the key is taken, the messages are in the outbox, the sender
//    delivers them.
// Reminders have one key per unit and period (or per follow-up plan, per maladministration report),
// recorded the same way inside the run's transaction, so each goes out at most once.
import os from 'node:os';
import type { Db, Tx } from '../db/client.js';
import type { Logger } from '../log.js';
import { type OutgoingMessage, enqueue } from '../outbox/store.js';

export type Trigger = 'schedule' | 'catch-up' | 'cli' | 'cli-force';

export interface RunRecord {
  key: string;
  name: string;
  agencyId: number | null;
  period: string;
  messages: OutgoingMessage[];
  details?: Record<string, unknown>;
}

export interface JobPlan {
  /** The run itself (null for jobs made only of per-item reminders, like maladministration alerts). */
  run: RunRecord | null;
  /** Reminders, each under its own key; one whose key is taken already is skipped. */
  items: RunRecord[];
}

export interface CommitResult {
  /** False when the run's key was already taken (by an earlier run or another instance). */
  ran: boolean;
  /** Keys recorded in this commit (the run's and the reminders'). */
  recorded: string[];
  messages: number;
}

export interface CommitOptions {
  dueAt: Date;
  trigger: Trigger;
  instance?: string;
  /** Tests: runs inside the transaction just before it commits (throw to simulate a crash mid-run). */
  beforeCommit?: () => Promise<void> | void;
}

export const INSTANCE_ID = `${os.hostname()}:${process.pid}`;

/** Keys already taken among `keys` (a cheap check before planning; the commit is the real guard). */
export async function takenKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.jobRun.findMany({ where: { key: { in: keys } }, select: { key: true } });
  return new Set(rows.map((r) => r.key));
}

async function claimKey(tx: Tx, record: RunRecord, options: CommitOptions): Promise<number | null> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO "JobRun" (key, name, "agencyId", period, "dueAt", trigger, instance, messages, details)
    VALUES (${record.key}, ${record.name}, ${record.agencyId}, ${record.period}, ${options.dueAt}, ${options.trigger},
            ${options.instance ?? INSTANCE_ID}, ${record.messages.length}, ${record.details ? JSON.stringify(record.details) : null}::jsonb)
    ON CONFLICT (key) DO NOTHING
    RETURNING id`;
  return rows[0]?.id ?? null;
}

/** Commits a plan: exactly once per key, the messages in the same transaction. */
export async function commitPlan(db: Db, plan: JobPlan, options: CommitOptions): Promise<CommitResult> {
  return db.$transaction(
    async (tx) => {
      const recorded: string[] = [];
      let messages = 0;
      if (plan.run) {
        const id = await claimKey(tx, plan.run, options);
        if (id === null) return { ran: false, recorded, messages };
        recorded.push(plan.run.key);
        messages += await enqueue(tx, id, plan.run.messages);
      }
      for (const item of plan.items) {
        const id = await claimKey(tx, item, options);
        if (id === null) continue;
        recorded.push(item.key);
        messages += await enqueue(tx, id, item.messages);
      }
      await options.beforeCommit?.();
      return { ran: true, recorded, messages };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** A deliberate re-run gets its own key, so the record of the original run stays as it was. */
export function forcedKey(key: string, now: Date): string {
  return `${key}#force-${now.toISOString()}`;
}

export function logCommit(log: Logger, name: string, key: string, result: CommitResult): void {
  if (!result.ran) log.info({ job: name, key }, 'job already ran for this period: skipped');
  else if (result.recorded.length > 0 || result.messages > 0)
    log.info({ job: name, key, recorded: result.recorded.length, messages: result.messages }, 'job ran');
}
