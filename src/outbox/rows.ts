// The writes that move an outbox row from state to state, each conditional on the row still
// being this sender's claim: pending -> sending (the claim, committed before the request), then
// sent, back to pending (a retry after a backoff, or a rate limit waited out without counting as
// an attempt), failed, or cancelled (with the chat's other rows, when the recipient blocked the
// bot). Rows an earlier holder left 'sending' become 'unknown' and are never re-sent by themselves.
//
// Failures: a 429 waits out retry_after (that chat; globally when 429s come from several chats)
// without counting as an attempt; network errors and 5xx are retried with exponential backoff
// and jitter, up to maxAttempts, then the row is 'failed'; a 400 fails it at once; a 403 (bot
// blocked, user deactivated) cancels the row and the chat's other pending rows and marks the
// staff user blocked.
import { backoffMs } from '../backoff.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { OutboxFiles } from './files.js';
import type { RateLimiter } from './limiter.js';
import type { OutboxChannel, SendFailure } from './transport.js';

/** A fetched outbox row, as the sender handles it. */
export interface Candidate {
  id: bigint;
  channel: OutboxChannel;
  chatId: string;
  staffUserId: number | null;
  kind: string;
  text: string;
  fileId: number | null;
}

export interface RowStatesOptions {
  db: Db;
  log: Logger;
  instanceId: string;
  files: OutboxFiles;
  limiterOf: (channel: OutboxChannel) => RateLimiter;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  clock: () => number;
  random: () => number;
}

const INTERRUPTED = 'interrupted between send and mark; may have arrived; not re-sent';
export class RowStates {
  private readonly db: Db;
  private readonly log: Logger;
  private readonly instanceId: string;
  private readonly files: OutboxFiles;
  private readonly limiterOf: (channel: OutboxChannel) => RateLimiter;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(options: RowStatesOptions) {
    this.db = options.db;
    this.log = options.log;
    this.instanceId = options.instanceId;
    this.files = options.files;
    this.limiterOf = options.limiterOf;
    this.maxAttempts = options.maxAttempts;
    this.backoffBaseMs = options.backoffBaseMs;
    this.backoffMaxMs = options.backoffMaxMs;
    this.clock = options.clock;
    this.random = options.random;
  }

  /** Rows an earlier holder left 'sending': they may have arrived, so they are not sent again. */
  async markInterrupted(channels: OutboxChannel[], inFlight: bigint[]): Promise<void> {
    const where = { status: 'sending', channel: { in: channels }, id: { notIn: inFlight } };
    const rows = await this.db.outboxMessage.findMany({ where, select: { id: true }, take: 1000 });
    if (rows.length === 0) return;
    const result = await this.db.outboxMessage.updateMany({ where, data: { status: 'unknown', lastError: INTERRUPTED } });
    this.log.warn({ rows: result.count, ids: rows.map((r) => Number(r.id)) }, 'outbox: rows interrupted by an earlier sender marked unknown');
  }

  /** pending -> sending, committed before the request. Returns the attempt number, or null if the row was taken. */
  async claim(row: Candidate): Promise<number | null> {
    const rows = await this.db.$queryRaw<{ attempts: number }[]>`
      UPDATE "OutboxMessage"
      SET status = 'sending', "claimedBy" = ${this.instanceId}, "claimedAt" = ${new Date(this.clock())}, attempts = attempts + 1
      WHERE id = ${row.id} AND status = 'pending'
      RETURNING attempts`;
    return rows[0]?.attempts ?? null;
  }

  /** Gives back a claimed row that was never sent (stopping while it waited for its turn). */
  async unclaim(row: Candidate): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "OutboxMessage" SET status = 'pending', attempts = attempts - 1, "claimedBy" = NULL, "claimedAt" = NULL
      WHERE id = ${row.id} AND status = 'sending' AND "claimedBy" = ${this.instanceId}`;
  }

  async markSent(row: Candidate): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "OutboxMessage" SET status = 'sent', "sentAt" = ${new Date(this.clock())}, "lastError" = NULL
      WHERE id = ${row.id} AND status = 'sending' AND "claimedBy" = ${this.instanceId}`;
  }

  async recordFailure(row: Candidate, attempts: number, failure: SendFailure, usedFileId: boolean): Promise<void> {
    const id = Number(row.id);
    const staffUserId = row.staffUserId;
    switch (failure.kind) {
      case 'rate-limited': {
        const retryAfterMs = Math.max(1, failure.retryAfterSeconds) * 1000;
        this.limiterOf(row.channel).throttled(row.chatId, retryAfterMs, failure.chatSpecific);
        this.log.warn({ outboxId: id, staffUserId, retryAfterSeconds: failure.retryAfterSeconds }, 'outbox: rate limited; waiting');
        // Not an attempt: the row did nothing wrong.
        return this.requeue(row, retryAfterMs, failure.description, -1);
      }
      case 'blocked':
        return this.cancelBlocked(row, failure.description);
      case 'permanent':
        if (usedFileId) {
          // A stored file_id the server no longer accepts: forget it; the next attempt uploads.
          await this.files.forgetFileId(row);
          return this.retryOrFail(row, attempts, failure.description);
        }
        this.log.warn({ outboxId: id, staffUserId, error: failure.description }, 'outbox: message refused; failed');
        return this.finish(row, 'failed', failure.description);
      case 'transient':
        return this.retryOrFail(row, attempts, failure.description);
    }
  }

  private async retryOrFail(row: Candidate, attempts: number, error: string): Promise<void> {
    if (attempts >= this.maxAttempts) {
      this.log.warn({ outboxId: Number(row.id), staffUserId: row.staffUserId, attempts, error }, 'outbox: giving up after repeated failures');
      return this.finish(row, 'failed', error);
    }
    const backoff = backoffMs(attempts, { baseMs: this.backoffBaseMs, maxMs: this.backoffMaxMs, random: this.random });
    this.log.info({ outboxId: Number(row.id), attempts, retryInMs: Math.round(backoff), error }, 'outbox: send failed; will retry');
    return this.requeue(row, backoff, error, 0);
  }

  private async requeue(row: Candidate, afterMs: number, error: string, attemptsDelta: number): Promise<void> {
    const notBefore = new Date(this.clock() + afterMs);
    await this.db.$executeRaw`
      UPDATE "OutboxMessage"
      SET status = 'pending', "notBefore" = ${notBefore}, "lastError" = ${error}, attempts = attempts + ${attemptsDelta},
          "claimedBy" = NULL, "claimedAt" = NULL
      WHERE id = ${row.id} AND status = 'sending' AND "claimedBy" = ${this.instanceId}`;
  }

  private async finish(row: Candidate, status: 'failed' | 'cancelled', error: string): Promise<void> {
    await this.db.outboxMessage.updateMany({
      where: { id: row.id, status: 'sending', claimedBy: this.instanceId },
      data: { status, lastError: error },
    });
  }

  /** 403: the row and the chat's other pending rows are cancelled, the staff user marked blocked. */
  private async cancelBlocked(row: Candidate, description: string): Promise<void> {
    const now = new Date(this.clock());
    const [, others] = await this.db.$transaction([
      this.db.outboxMessage.updateMany({
        where: { id: row.id, status: 'sending', claimedBy: this.instanceId },
        data: { status: 'cancelled', lastError: description },
      }),
      this.db.outboxMessage.updateMany({
        where: { channel: row.channel, chatId: row.chatId, status: 'pending' },
        data: { status: 'cancelled', lastError: `not sent: the recipient refused an earlier message (${description})` },
      }),
      ...(row.staffUserId !== null
        ? [this.db.staffUser.updateMany({ where: { id: row.staffUserId, blockedAt: null }, data: { blockedAt: now } })]
        : []),
    ]);
    this.log.warn(
      { outboxId: Number(row.id), staffUserId: row.staffUserId, cancelled: others.count },
      'outbox: recipient blocked the bot; cancelled',
    );
  }
}
