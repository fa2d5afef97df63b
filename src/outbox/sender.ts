// The outbox sender: delivers queued OutboxMessage rows to their channel (Telegram; WhatsApp
// later) within the channel's rate limits. One process sends at a time: the one holding the
// `outbox-sender` lease (renewed while it runs; another instance takes over when it lapses).
//
// Per row: fetched in a batch of due candidates (the oldest unsent row of each chat only), claimed
// with a conditional single-row UPDATE (pending -> sending, attempts + 1; committed before the
// request), sent, then marked (sent, or back to pending with a later notBefore, or failed, or
// cancelled). Those two writes are all the database sees per message (plus, once per photo file,
// the file_id Telegram gave its first upload). Several sends are in flight at once, each to a
// different chat; each waits at the channel's gate (limiter.ts) just before its request leaves.
//
// Never twice: a row is sent only by the instance whose claim moved it from pending to sending,
// and a row left 'sending' by an earlier holder (crashed, killed, lost its lease) is set to
// 'unknown' when the next holder takes the lease, never re-sent automatically (the operator can
// `skm outbox retry` it; an instance that lost its lease mid-send leaves its rows to the same
// fate). Two windows remain, both known and accepted:
//  (1) a crash between the claim and the HTTP call leaves a row 'unknown' though it was never
//      sent: visible in `skm outbox`, not silent;
//  (2) a network error after Telegram processed the request but before its answer arrived is
//      retried like any network error and may deliver the message twice: the Bot API has no
//      idempotency key, and not retrying would lose messages on every connection reset.
//
// Order: per chat, rows go in id order, one at a time (a summary, then its chart). A row waiting
// out a backoff holds back its chat's later rows.
//
// Failures: a 429 waits out retry_after (that chat; globally when 429s come from several chats)
// without counting as an attempt; network errors and 5xx are retried with exponential backoff
// and jitter, up to maxAttempts, then the row is 'failed'; a 400 fails it at once; a 403 (bot
// blocked, user deactivated) cancels the row and the chat's other pending rows and marks the
// staff user blocked.
import { backoffMs } from '../backoff.js';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { acquireLease, releaseLease, renewLease } from '../db/lease.js';
import { type ChannelLimits, RateLimiter, type SendTicket, TELEGRAM_LIMITS, WHATSAPP_LIMITS } from './limiter.js';
import { type OutboxChannel, OutboxSendError, type OutboxTransport, type PhotoSource, type SendFailure, type SendResult } from './transport.js';

export type { OutboxTransport } from './transport.js';

export interface OutboxSenderOptions {
  db: Db;
  transports: Partial<Record<OutboxChannel, OutboxTransport>>;
  /** Per channel, overrides of the default limits (Telegram: 30/s, 1/s per chat, 20/min per group). */
  limits?: Partial<Record<OutboxChannel, Partial<ChannelLimits>>>;
  log: Logger;
  /** Who holds the lease and claims rows (default host:pid:random). */
  instanceId?: string;
  leaseName?: string;
  /** How long the lease lasts without renewal (default 30 s; renewed every third of it). */
  leaseTtlMs?: number;
  /** How often a sender without the lease tries to take it (default a third of the TTL). */
  leaseRetryMs?: number;
  /** How often an idle sender looks for due rows without being woken (default 2 s). */
  pollMs?: number;
  /** Sends in flight at once, each to a different chat (default 16). */
  concurrency?: number;
  /** Candidates fetched per query (default 200). */
  batchSize?: number;
  /** Attempts before a row that keeps failing transiently becomes 'failed' (default 8). */
  maxAttempts?: number;
  /** Backoff after the first transient failure (default 2 s), doubling up to backoffMaxMs (default 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  clock?: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Tests: runs after a send succeeded and before it is marked (hang or throw to simulate a crash). */
  afterSend?: (rowId: bigint) => Promise<void> | void;
}

interface Candidate {
  id: bigint;
  channel: OutboxChannel;
  chatId: string;
  staffUserId: number | null;
  kind: string;
  text: string;
  fileId: number | null;
}

interface CachedFile {
  filename: string;
  contentType: string;
  telegramFileId: string | null;
  content: Buffer | null;
}

interface Waiter {
  chatId: string;
  resolve: (slot: SendTicket | null) => void;
}

const INTERRUPTED = 'interrupted between send and mark; may have arrived; not re-sent';
const FILE_CACHE_SIZE = 32;
/** Rows are not claimed while a global pause lasts longer than this (they would wait 'sending'). */
const MAX_CLAIM_AHEAD_MS = 1_000;
/** A short fetch is repeated this soon at most, when something may have made new rows due. */
const REFETCH_MS = 50;
/** Longest a waiting send sleeps before looking again when only a send ending can free a slot. */
const UNTIL_DONE_FALLBACK_MS = 100;

/** Resolves after `ms`, or early (without an error) when `signal` aborts. */
export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : {}).catch(() => {});

const DEFAULT_LIMITS: Record<OutboxChannel, ChannelLimits> = { telegram: TELEGRAM_LIMITS, whatsapp: WHATSAPP_LIMITS };

/**
 * Grants sends in arrival order as the limiter allows: one timer for all waiting sends, instead of
 * every waiting send polling the limiter. A send that ends may free a slot, so it wakes the gate.
 */
class SendGate {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private pumpWake: AbortController | undefined;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
    private readonly stopSignal: AbortSignal,
  ) {}

  /** Resolves with the slot once the send may leave, or null if stopping. */
  acquire(chatId: string): Promise<SendTicket | null> {
    if (this.stopSignal.aborted) return Promise.resolve(null);
    // Free now: go (waiters, if any, are held by their own chat's spacing, or the pump is about
    // to serve them).
    const slot = this.limiter.tryTake(chatId);
    if (typeof slot !== 'number') return Promise.resolve(slot);
    return new Promise((resolve) => {
      this.waiters.push({ chatId, resolve });
      void this.pump();
    });
  }

  /** The send's answer arrived (or it failed): its slot starts ageing out. */
  done(ticket: SendTicket): void {
    this.limiter.done(ticket);
    this.pumpWake?.abort();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        if (this.stopSignal.aborted) {
          for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
          return;
        }
        const wait = this.serve();
        if (wait > 0) {
          const wake = new AbortController();
          this.pumpWake = wake;
          // UNTIL_DONE: a send ending wakes the gate; the timeout is only a fallback.
          await this.sleep(Math.min(wait, UNTIL_DONE_FALLBACK_MS), AbortSignal.any([this.stopSignal, wake.signal])).catch(() => {});
          this.pumpWake = undefined;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Grants every waiter it can now; returns how long until the next may go. */
  private serve(): number {
    for (;;) {
      const global = this.limiter.globalDelay();
      if (global > 0) return global;
      let soonest = Infinity;
      const index = this.waiters.findIndex((w) => {
        const wait = this.limiter.chatDelay(w.chatId);
        soonest = Math.min(soonest, wait);
        return wait === 0;
      });
      if (index < 0) return soonest;
      const [waiter] = this.waiters.splice(index, 1);
      waiter!.resolve(this.limiter.take(waiter!.chatId));
      if (this.waiters.length === 0) return 0;
    }
  }
}

export class OutboxSender {
  readonly instanceId: string;
  private readonly db: Db;
  private readonly log: Logger;
  private readonly transports: Partial<Record<OutboxChannel, OutboxTransport>>;
  private readonly channels: OutboxChannel[];
  private readonly limiters = new Map<OutboxChannel, RateLimiter>();
  private readonly gates = new Map<OutboxChannel, SendGate>();
  private readonly leaseName: string;
  private readonly leaseTtlMs: number;
  private readonly leaseRetryMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly afterSend: ((rowId: bigint) => Promise<void> | void) | undefined;

  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private stopping = false;
  private holding = false;
  private leaseUntil = 0;
  private renewAt = 0;
  /** Fetched, not yet started: the oldest due row of distinct chats, in id order. */
  private queue: Candidate[] = [];
  private readonly inFlight = new Map<bigint, Promise<void>>();
  private readonly busyChats = new Set<string>();
  private readonly files = new Map<number, CachedFile>();
  private readonly uploads = new Map<number, Promise<void>>();
  private lastFetchAt = -Infinity;
  private lastFetchShort = false;
  /** Something happened (wake(), a send finished) that may have made rows due. */
  private dirty = true;
  private idleController: AbortController | undefined;
  private woken = false;

  constructor(options: OutboxSenderOptions) {
    this.db = options.db;
    this.log = options.log;
    this.transports = options.transports;
    this.channels = (Object.keys(options.transports) as OutboxChannel[]).filter((c) => options.transports[c] !== undefined);
    this.instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseName = options.leaseName ?? 'outbox-sender';
    this.leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.leaseRetryMs = options.leaseRetryMs ?? Math.round(this.leaseTtlMs / 3);
    this.pollMs = options.pollMs ?? 2_000;
    this.concurrency = options.concurrency ?? 16;
    this.batchSize = options.batchSize ?? 200;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffBaseMs = options.backoffBaseMs ?? 2_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 300_000;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.afterSend = options.afterSend;
    for (const channel of this.channels) {
      const limiter = new RateLimiter({ ...DEFAULT_LIMITS[channel], ...options.limits?.[channel] }, this.clock);
      this.limiters.set(channel, limiter);
      this.gates.set(channel, new SendGate(limiter, this.sleep, this.stopController.signal));
    }
  }

  /** Whether this instance currently holds the lease (and so is the one sending). */
  get isLeaseHolder(): boolean {
    return this.holding;
  }

  /** Starts the loop; resolves after the first attempt to take the lease. A stopped sender stays stopped. */
  async start(): Promise<void> {
    if (this.loop || this.stopping) return;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = this.run(firstAttempt);
    await attempted;
  }

  /** Looks for due rows now (jobs call it after committing new messages). */
  wake(): void {
    this.dirty = true;
    this.lastFetchShort = false;
    this.signal();
  }

  /**
   * Stops claiming rows, lets the sends in flight finish and be marked (up to timeoutMs), and
   * gives the lease up. Rows still in flight after the timeout stay 'sending' and become
   * 'unknown' when the next holder starts.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped ??= this.shutDown(timeoutMs);
    return this.stopped;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.stopController.abort();
    this.signal();
    if (!this.loop) return;
    const timer = new AbortController();
    const finished = await Promise.race([this.loop.then(() => true), defaultSleep(timeoutMs, timer.signal).then(() => false)]);
    timer.abort();
    if (!finished) {
      this.log.warn({ inFlight: [...this.inFlight.keys()].map(Number) }, 'outbox sender: sends still in flight at stop; left as sending');
    }
    if (this.holding) {
      this.holding = false;
      await releaseLease(this.db, this.leaseName, this.instanceId).catch((error: unknown) =>
        this.log.warn({ err: error }, 'outbox sender: could not release the lease; it lapses by itself'),
      );
    }
    this.log.info({ instance: this.instanceId }, 'outbox sender stopped');
  }

  /**
   * Resolves once no row of this sender's channels is pending or sending (rows in backoff are
   * waited for); rejects after timeoutMs. For tests and one-shot runs.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.wake();
    for (;;) {
      let left = this.queue.length + this.inFlight.size;
      if (left === 0) {
        left = await this.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] }, channel: { in: this.channels } } });
        if (left === 0) return;
      }
      if (Date.now() > deadline) throw new Error(`outbox not drained after ${timeoutMs} ms: ${left} rows pending or sending`);
      await delay(20);
    }
  }

  // ---- the loop ------------------------------------------------------------------------

  private async run(firstAttempt: () => void): Promise<void> {
    let failures = 0;
    this.log.info({ instance: this.instanceId, channels: this.channels }, 'outbox sender started');
    while (!this.stopping) {
      let waitMs: number;
      try {
        waitMs = await this.cycle();
        failures = 0;
      } catch (error) {
        failures++;
        waitMs = backoffMs(failures + 1, { baseMs: 500, maxMs: 30_000, random: this.random });
        this.log.error({ err: error, retryInMs: waitMs }, 'outbox sender: database error; retrying');
      }
      firstAttempt();
      if (!this.stopping) await this.idle(waitMs);
    }
    firstAttempt();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** One pass: keep the lease, fetch if needed, start what may start. Returns how long to idle. */
  private async cycle(): Promise<number> {
    if (!(await this.keepLease())) return this.leaseRetryMs;
    if (this.shouldFetch()) await this.fetch();
    const wait = this.dispatch();
    const untilRenewal = Math.max(1, this.renewAt - this.clock());
    return Math.min(wait, this.pollMs, untilRenewal);
  }

  private idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    const controller = new AbortController();
    this.idleController = controller;
    return this.sleep(Math.max(0, ms), controller.signal)
      .catch(() => {})
      .finally(() => {
        if (this.idleController === controller) this.idleController = undefined;
      });
  }

  private signal(): void {
    if (this.idleController) this.idleController.abort();
    else this.woken = true;
  }

  // ---- the lease -----------------------------------------------------------------------

  private async keepLease(): Promise<boolean> {
    const now = this.clock();
    if (this.holding && now < this.renewAt) return true;
    const ok = this.holding
      ? await renewLease(this.db, this.leaseName, this.instanceId, this.leaseTtlMs, new Date(now))
      : await acquireLease(this.db, this.leaseName, this.instanceId, this.leaseTtlMs, new Date(now));
    if (ok) {
      if (!this.holding) {
        // Before anything is sent; if it fails, the lease is taken again (it is ours) and this retried.
        await this.markInterrupted();
        this.log.info({ instance: this.instanceId }, 'outbox sender: lease taken');
      }
      this.holding = true;
      this.leaseUntil = now + this.leaseTtlMs;
      this.renewAt = now + this.leaseTtlMs / 3;
    } else if (this.holding) {
      this.holding = false;
      this.queue = [];
      this.log.warn({ instance: this.instanceId }, 'outbox sender: lease lost to another instance; not sending');
    }
    return ok;
  }

  /** The lease is ours with some time to spare (claims stop a little before it would lapse). */
  private leaseValid(): boolean {
    return this.holding && !this.stopping && this.clock() < this.leaseUntil - this.leaseTtlMs / 6;
  }

  /** Rows an earlier holder left 'sending': they may have arrived, so they are not sent again. */
  private async markInterrupted(): Promise<void> {
    const where = { status: 'sending', channel: { in: this.channels }, id: { notIn: [...this.inFlight.keys()] } };
    const rows = await this.db.outboxMessage.findMany({ where, select: { id: true }, take: 1000 });
    if (rows.length === 0) return;
    const result = await this.db.outboxMessage.updateMany({ where, data: { status: 'unknown', lastError: INTERRUPTED } });
    this.log.warn({ rows: result.count, ids: rows.map((r) => Number(r.id)) }, 'outbox: rows interrupted by an earlier sender marked unknown');
  }

  // ---- finding and starting work -------------------------------------------------------

  private shouldFetch(): boolean {
    if (!this.leaseValid() || this.queue.length >= this.batchSize / 2) return false;
    const since = this.clock() - this.lastFetchAt;
    if (!this.lastFetchShort) return true;
    return since >= (this.dirty ? REFETCH_MS : this.pollMs);
  }

  /** Due rows, the oldest unsent one per chat, not already queued or in flight. */
  private async fetch(): Promise<void> {
    const now = new Date(this.clock());
    const exclude = [...this.queue.map((c) => c.id), ...this.inFlight.keys()];
    const limit = this.batchSize - this.queue.length;
    this.dirty = false;
    const rows = await this.db.$queryRaw<Candidate[]>`
      SELECT m.id, m.channel, m."chatId", m."staffUserId", m.kind, m.text, m."fileId"
      FROM "OutboxMessage" m
      WHERE m.status = 'pending' AND m."notBefore" <= ${now} AND m.channel = ANY(${this.channels})
        AND NOT (m.id = ANY(${exclude}))
        AND NOT EXISTS (
          SELECT 1 FROM "OutboxMessage" e
          WHERE e.channel = m.channel AND e."chatId" = m."chatId" AND e.id < m.id AND e.status IN ('pending', 'sending'))
      ORDER BY m.id
      LIMIT ${limit}`;
    this.lastFetchAt = this.clock();
    this.lastFetchShort = rows.length < limit;
    this.queue.push(...rows);
  }

  /** Starts the queued rows that may go now; returns how long until the next one may. */
  private dispatch(): number {
    let soonest = Infinity;
    const rest: Candidate[] = [];
    for (const row of this.queue) {
      if (this.inFlight.size >= this.concurrency || !this.leaseValid()) {
        rest.push(row);
        continue;
      }
      const limiter = this.limiters.get(row.channel)!;
      const global = limiter.globalDelay();
      const pausedLong = Number.isFinite(global) && global > MAX_CLAIM_AHEAD_MS;
      const wait = this.busyChats.has(this.chatKey(row)) ? Infinity : Math.max(limiter.chatDelay(row.chatId), pausedLong ? global : 0);
      if (wait > 0) {
        soonest = Math.min(soonest, wait);
        rest.push(row);
        continue;
      }
      this.begin(row);
    }
    this.queue = rest;
    return soonest;
  }

  private chatKey(row: Candidate): string {
    return `${row.channel}:${row.chatId}`;
  }

  private begin(row: Candidate): void {
    const key = this.chatKey(row);
    this.busyChats.add(key);
    const work = this.deliver(row)
      .catch((error: unknown) => this.log.error({ err: error, outboxId: Number(row.id) }, 'outbox: delivery failed unexpectedly'))
      .finally(() => {
        this.inFlight.delete(row.id);
        this.busyChats.delete(key);
        this.dirty = true;
        this.signal();
      });
    this.inFlight.set(row.id, work);
  }

  // ---- one row -------------------------------------------------------------------------

  private async deliver(row: Candidate): Promise<void> {
    const attempts = await this.claim(row);
    if (attempts === null) return;
    const transport = this.transports[row.channel]!;
    let photo: { source: PhotoSource; release?: () => void } | undefined;
    let outcome: { ok: true } | { ok: false; failure: SendFailure };
    try {
      photo = row.kind === 'photo' ? await this.photoFor(row) : undefined;
      const gate = this.gates.get(row.channel)!;
      const slot = await gate.acquire(row.chatId);
      if (!slot) {
        await this.persist(row, 'give the row back', () => this.unclaim(row));
        return;
      }
      let result: SendResult;
      try {
        result = photo ? await transport.sendPhoto(row.chatId, photo.source, row.text) : await transport.sendText(row.chatId, row.text);
      } finally {
        gate.done(slot);
      }
      outcome = { ok: true };
      // Before the upload lock is released, so that the sends waiting for it use the file id.
      if (result.fileId && photo && !('fileId' in photo.source)) await this.rememberFileId(row, result.fileId);
    } catch (error) {
      outcome = {
        ok: false,
        failure: error instanceof OutboxSendError ? error.failure : { kind: 'transient', description: `unexpected: ${String(error)}` },
      };
    } finally {
      photo?.release?.();
    }
    if (outcome.ok) {
      await this.afterSend?.(row.id);
      await this.persist(row, 'mark it sent', () => this.markSent(row));
    } else {
      const failure = outcome.failure;
      const usedFileId = photo !== undefined && 'fileId' in photo.source;
      await this.persist(row, 'record its failure', () => this.recordFailure(row, attempts, failure, usedFileId));
    }
  }

  /** pending -> sending, committed before the request. Returns the attempt number, or null if the row was taken. */
  private async claim(row: Candidate): Promise<number | null> {
    if (!this.leaseValid()) return null;
    const rows = await this.db.$queryRaw<{ attempts: number }[]>`
      UPDATE "OutboxMessage"
      SET status = 'sending', "claimedBy" = ${this.instanceId}, "claimedAt" = ${new Date(this.clock())}, attempts = attempts + 1
      WHERE id = ${row.id} AND status = 'pending'
      RETURNING attempts`;
    return rows[0]?.attempts ?? null;
  }

  /** Gives back a claimed row that was never sent (stopping while it waited for its turn). */
  private async unclaim(row: Candidate): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "OutboxMessage" SET status = 'pending', attempts = attempts - 1, "claimedBy" = NULL, "claimedAt" = NULL
      WHERE id = ${row.id} AND status = 'sending' AND "claimedBy" = ${this.instanceId}`;
  }

  private async markSent(row: Candidate): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "OutboxMessage" SET status = 'sent', "sentAt" = ${new Date(this.clock())}, "lastError" = NULL
      WHERE id = ${row.id} AND status = 'sending' AND "claimedBy" = ${this.instanceId}`;
  }

  /**
   * Retries a mark through a short database outage. If it still fails, the row stays 'sending'
   * (not sent again; 'unknown' at the next takeover), which is the safe side.
   */
  private async persist(row: Candidate, what: string, write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (error) {
        if (attempt >= 5) {
          this.log.error({ err: error, outboxId: Number(row.id) }, `outbox: could not ${what}; row left sending`);
          return;
        }
        await this.sleep(backoffMs(attempt + 1, { baseMs: 250, maxMs: 8_000, random: this.random })).catch(() => {});
      }
    }
  }

  private async recordFailure(row: Candidate, attempts: number, failure: SendFailure, usedFileId: boolean): Promise<void> {
    const id = Number(row.id);
    const staffUserId = row.staffUserId;
    switch (failure.kind) {
      case 'rate-limited': {
        const retryAfterMs = Math.max(1, failure.retryAfterSeconds) * 1000;
        this.limiters.get(row.channel)!.throttled(row.chatId, retryAfterMs, failure.chatSpecific);
        this.log.warn({ outboxId: id, staffUserId, retryAfterSeconds: failure.retryAfterSeconds }, 'outbox: rate limited; waiting');
        // Not an attempt: the row did nothing wrong.
        return this.requeue(row, retryAfterMs, failure.description, -1);
      }
      case 'blocked':
        return this.cancelBlocked(row, failure.description);
      case 'permanent':
        if (usedFileId) {
          // A stored file_id the server no longer accepts: forget it; the next attempt uploads.
          await this.forgetFileId(row);
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

  // ---- photos --------------------------------------------------------------------------

  /**
   * What to send for a photo row: the channel's file id once an earlier send uploaded the file,
   * otherwise the bytes. Only one send uploads a given file at a time; the others wait for it and
   * then use its file id.
   */
  private async photoFor(row: Candidate): Promise<{ source: PhotoSource; release?: () => void }> {
    if (row.fileId === null) throw new OutboxSendError({ kind: 'permanent', description: 'photo row without a file' });
    const fileId = row.fileId;
    for (;;) {
      const file = await this.loadFile(fileId);
      const reusable = row.channel === 'telegram' ? file.telegramFileId : null;
      if (reusable) return { source: { fileId: reusable } };
      const upload = this.uploads.get(fileId);
      if (upload) {
        await upload;
        continue;
      }
      let release!: () => void;
      this.uploads.set(fileId, new Promise<void>((resolve) => (release = resolve)));
      const done = () => {
        this.uploads.delete(fileId);
        release();
      };
      try {
        const content = file.content ?? (await this.loadContent(fileId));
        return { source: { filename: file.filename, content, contentType: file.contentType }, release: done };
      } catch (error) {
        done();
        throw error;
      }
    }
  }

  private async loadFile(fileId: number): Promise<CachedFile> {
    const cached = this.files.get(fileId);
    if (cached) return cached;
    const row = await this.db.outboxFile.findUnique({ where: { id: fileId }, select: { filename: true, contentType: true, telegramFileId: true } });
    if (!row) throw new OutboxSendError({ kind: 'permanent', description: `outbox file ${fileId} is missing` });
    const file: CachedFile = { ...row, content: null };
    this.files.set(fileId, file);
    if (this.files.size > FILE_CACHE_SIZE) this.files.delete(this.files.keys().next().value!);
    return file;
  }

  private async loadContent(fileId: number): Promise<Buffer> {
    const row = await this.db.outboxFile.findUnique({ where: { id: fileId }, select: { content: true } });
    if (!row) throw new OutboxSendError({ kind: 'permanent', description: `outbox file ${fileId} is missing` });
    const content = Buffer.from(row.content);
    const cached = this.files.get(fileId);
    if (cached) cached.content = content;
    return content;
  }

  private async rememberFileId(row: Candidate, channelFileId: string): Promise<void> {
    if (row.channel !== 'telegram' || row.fileId === null) return;
    const cached = this.files.get(row.fileId);
    if (cached) {
      cached.telegramFileId = channelFileId;
      cached.content = null;
    }
    await this.db.outboxFile
      .update({ where: { id: row.fileId }, data: { telegramFileId: channelFileId } })
      .catch((error: unknown) =>
        this.log.warn({ err: error, outboxId: Number(row.id) }, 'outbox: could not store the file id; next send uploads again'),
      );
  }

  private async forgetFileId(row: Candidate): Promise<void> {
    if (row.channel !== 'telegram' || row.fileId === null) return;
    const cached = this.files.get(row.fileId);
    if (cached) cached.telegramFileId = null;
    await this.db.outboxFile.update({ where: { id: row.fileId }, data: { telegramFileId: null } });
  }
}
