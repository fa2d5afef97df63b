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
// This file is the loop (lease, fetch, dispatch, one row's delivery); the pacing a send waits for
// is gate.ts, the writes that move a row between states (and what each failure leads to) are
// rows.ts, photo files are files.ts. It stays a little over 400 lines: the loop, the lease and the
// delivery share the in-flight state (queue, busy chats, claims), which one class keeps together.
import { backoffMs } from '../backoff.js';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { acquireLease, releaseLease, renewLease } from '../db/lease.js';
import { OutboxFiles, type PhotoToSend } from './files.js';
import { SendGate } from './gate.js';
import { type Candidate, RowStates } from './rows.js';
import { type ChannelLimits, RateLimiter, TELEGRAM_LIMITS, WHATSAPP_LIMITS } from './limiter.js';
import { type OutboxChannel, OutboxSendError, type OutboxTransport, type SendFailure, type SendResult } from './transport.js';

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

/** Rows are not claimed while a global pause lasts longer than this (they would wait 'sending'). */
const MAX_CLAIM_AHEAD_MS = 1_000;
/** A short fetch is repeated this soon at most, when something may have made new rows due. */
const REFETCH_MS = 50;

/** Resolves after `ms`, or early (without an error) when `signal` aborts. */
export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : {}).catch(() => {});

const DEFAULT_LIMITS: Record<OutboxChannel, ChannelLimits> = { telegram: TELEGRAM_LIMITS, whatsapp: WHATSAPP_LIMITS };

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
  private readonly files: OutboxFiles;
  private readonly rows: RowStates;
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
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.afterSend = options.afterSend;
    this.files = new OutboxFiles(this.db, this.log);
    this.rows = new RowStates({
      db: this.db,
      log: this.log,
      instanceId: this.instanceId,
      files: this.files,
      limiterOf: (channel) => this.limiters.get(channel)!,
      maxAttempts: options.maxAttempts ?? 8,
      backoffBaseMs: options.backoffBaseMs ?? 2_000,
      backoffMaxMs: options.backoffMaxMs ?? 300_000,
      clock: this.clock,
      random: this.random,
    });
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
        await this.rows.markInterrupted(this.channels, [...this.inFlight.keys()]);
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
    if (!this.leaseValid()) return;
    const attempts = await this.rows.claim(row);
    if (attempts === null) return;
    const transport = this.transports[row.channel]!;
    let photo: PhotoToSend | undefined;
    let outcome: { ok: true } | { ok: false; failure: SendFailure };
    try {
      photo = row.kind === 'photo' ? await this.files.photoFor(row) : undefined;
      const gate = this.gates.get(row.channel)!;
      const slot = await gate.acquire(row.chatId);
      if (!slot) {
        await this.persist(row, 'give the row back', () => this.rows.unclaim(row));
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
      if (result.fileId && photo && !('fileId' in photo.source)) await this.files.rememberFileId(row, result.fileId);
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
      await this.persist(row, 'mark it sent', () => this.rows.markSent(row));
    } else {
      const failure = outcome.failure;
      const usedFileId = photo !== undefined && 'fileId' in photo.source;
      await this.persist(row, 'record its failure', () => this.rows.recordFailure(row, attempts, failure, usedFileId));
    }
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
}
