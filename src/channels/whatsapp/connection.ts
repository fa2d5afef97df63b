// The WhatsApp connection: the Baileys socket's life, for the channel (channel.ts) that answers
// what arrives on it. Only the process holding the `whatsapp-socket` lease (table Lease) opens a
// socket; it renews the lease while it runs, and another instance takes over when it lapses. The
// session is read from PostgreSQL (auth-state.ts) and every credentials update written back in
// order. Closes are handled by DisconnectReason: restartRequired reconnects at once, loggedOut
// deletes the session and reports it (onLoggedOut), anything else reconnects with exponential
// backoff and jitter, except connectionReplaced: another holder of the same session (WhatsApp Web,
// a second server) took it over, and reconnecting would only take it back, again and again; after
// a few of those in a row the connection gives up, releases the lease and reports it
// (onReplaced). While it holds the lease it also runs the outbox sender for WhatsApp rows. Every
// socket gets the store of sent messages (a retry receipt re-sends from it) and one retry counter.
//
// A little over 400 lines: the loop, the lease and what each close leads to share one state (the
// lease's tenure, the socket, the counters of failures, restarts and replacements), kept in one
// class so that no two files need to agree on it.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { type BaileysEventMap, DEFAULT_CONNECTION_CONFIG, DisconnectReason, type WAMessage } from '@whiskeysockets/baileys';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../log.js';
import { acquireLease, releaseLease, renewLease } from '../../db/lease.js';
import { type OutboxSender, defaultSleep } from '../../outbox/sender.js';
import { whatsAppOutboxSender, type WhatsAppOutboxOptions } from './outbox.js';
import { RetryCounterCache } from './retry-counter.js';
import { SentMessageStore } from './sent-store.js';
import { isLinked, usePostgresAuthState, type PostgresAuthState } from './auth-state.js';
import {
  backoffDelay,
  baileysSocketFactory,
  type BaileysLogger,
  disconnectCode,
  scrubbed,
  type SocketFactory,
  WHATSAPP_LEASE,
  type WaSocket,
} from './socket.js';

export interface WhatsAppConnectionOptions {
  db: Db;
  log: Logger;
  /** Builds a socket (default: Baileys). Tests inject the fake. */
  socketFactory?: SocketFactory;
  instanceId?: string;
  lease?: {
    name?: string;
    /** How long the lease lasts without renewal (default 30 s). */
    ttlMs?: number;
    /** How often it is renewed while held (default a third of the TTL). */
    renewMs?: number;
    /** How often an instance without it tries to take it (default a third of the TTL). */
    retryMs?: number;
  };
  /** Backoff after a close: from baseMs (default 1 s), doubling, up to maxMs (default 5 min). */
  reconnect?: { baseMs?: number; maxMs?: number };
  /** How often to look again for a session while none is linked (default 30 s). */
  unlinkedRetryMs?: number;
  /** Called after WhatsApp logged the bot out and the session was deleted. */
  onLoggedOut?: (() => void | Promise<void>) | undefined;
  /** Called once when the session kept being replaced by another holder and the connection gave up. */
  onReplaced?: (() => void | Promise<void>) | undefined;
  /** Runs an outbox sender for WhatsApp rows in this process while it holds the socket. */
  outbox?: WhatsAppOutboxOptions | undefined;
  /** Baileys' own log level (default 'silent': its logs name JIDs). */
  baileysLogLevel?: string;
  /** Auth state key cache (default on). */
  authCache?: boolean;
  clock?: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** How a socket's life ended. */
type Ending = { kind: 'closed'; statusCode: number | undefined } | { kind: 'lease-lost' } | { kind: 'stopping' };

/** Consecutive restartRequired closes reconnected at once; after that they back off like any close. */
const MAX_IMMEDIATE_RESTARTS = 3;
/** A connection open at least this long resets the backoff. */
const STABLE_MS = 60_000;
/** connectionReplaced closes in a row that are still reconnected (with backoff); the next one ends it. */
export const MAX_REPLACED_RECONNECTS = 3;
/** A connection open this long without being replaced ends a run of replacements. */
const REPLACED_PEACE_MS = 10 * 60_000;
/** A reply waits this long for a dropped connection to come back before it is given up. */
const REPLY_WAIT_MS = 30_000;

export class WhatsAppConnection {
  readonly instanceId: string;
  private readonly factory: SocketFactory;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly leaseName: string;
  private readonly leaseTtlMs: number;
  private readonly leaseRenewMs: number;
  private readonly leaseRetryMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly unlinkedRetryMs: number;
  private readonly baileysLogger: BaileysLogger;

  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private holding = false;
  private leaseUntil = 0;
  private leaseLost: (() => void) | undefined;
  /** One object per time the lease was taken: a renew loop of an earlier tenure stops by itself. */
  private tenure: object | undefined;
  private auth: PostgresAuthState | undefined;
  private credsSaved: Promise<void> = Promise.resolve();
  private socket: WaSocket | undefined;
  private open = false;
  private openWaiters: (() => void)[] = [];
  private sender: OutboxSender | undefined;
  private failures = 0;
  private restarts = 0;
  private warnedUnlinked = false;
  /** connectionReplaced closes since the last peaceful connection. */
  private replaced = 0;
  /** Gave up on a replaced session: no reconnect until the process starts again. */
  private halted = false;
  /** What the bot sent, for retry receipts; shared by the replies and the outbox. */
  readonly sent: SentMessageStore;
  private readonly retryCounter = new RetryCounterCache();

  /** `onMessage` gets every message WhatsApp delivers as new ('notify'), in arrival order. */
  constructor(
    private readonly options: WhatsAppConnectionOptions,
    private readonly onMessage: (message: WAMessage) => void,
  ) {
    this.instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.clock = options.clock ?? Date.now;
    this.factory = options.socketFactory ?? baileysSocketFactory;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.leaseName = options.lease?.name ?? WHATSAPP_LEASE;
    this.leaseTtlMs = options.lease?.ttlMs ?? 30_000;
    this.leaseRenewMs = options.lease?.renewMs ?? Math.round(this.leaseTtlMs / 3);
    this.leaseRetryMs = options.lease?.retryMs ?? Math.round(this.leaseTtlMs / 3);
    this.baseMs = options.reconnect?.baseMs ?? 1_000;
    this.maxMs = options.reconnect?.maxMs ?? 300_000;
    this.unlinkedRetryMs = options.unlinkedRetryMs ?? 30_000;
    this.sent = new SentMessageStore(options.db, options.log, this.clock);
    this.baileysLogger = options.log.child({ module: 'baileys' }, { level: options.baileysLogLevel ?? 'silent' });
  }

  /** Whether this instance holds the lease (and so may open the socket). */
  get isLeaseHolder(): boolean {
    return this.holding;
  }

  /** Whether the connection gave up because another holder kept replacing the session. */
  get gaveUp(): boolean {
    return this.halted;
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.open;
  }

  /** Looks for WhatsApp outbox rows now (jobs call it after committing new messages). */
  wakeOutbox(): void {
    this.sender?.wake();
  }

  /** The open socket, if any (the outbox transport sends through it). */
  currentSocket(): WaSocket | undefined {
    return this.open ? this.socket : undefined;
  }

  /** The open socket; waits a little for a dropped connection to come back. Undefined if it does not. */
  async openSocket(): Promise<WaSocket | undefined> {
    if (this.open && this.socket) return this.socket;
    if (this.stopController.signal.aborted) return undefined;
    const timer = new AbortController();
    await Promise.race([
      new Promise<void>((resolve) => this.openWaiters.push(resolve)),
      defaultSleep(REPLY_WAIT_MS, AbortSignal.any([timer.signal, this.stopController.signal])),
    ]);
    timer.abort();
    return this.open ? this.socket : undefined;
  }

  /** Starts the connection loop; resolves after the first attempt to take the lease. */
  async start(): Promise<void> {
    if (this.loop || this.stopping) return;
    let attempted!: () => void;
    const first = new Promise<void>((resolve) => (attempted = resolve));
    this.loop = this.run(attempted).catch((error: unknown) => {
      this.options.log.error({ err: scrubbed(error) }, 'WhatsApp: connection loop failed');
    });
    await first;
  }

  /** Resolves when the loop has ended (after stop()). */
  async done(): Promise<void> {
    await this.loop;
  }

  /**
   * Stops: no reconnect from now on; once `drain` resolves (the messages in hand answered),
   * closes the socket, stops the outbox sender and gives the lease up.
   */
  async stop(drain: () => Promise<void>): Promise<void> {
    this.stopping = true;
    await drain();
    this.stopController.abort();
    this.closeSocket();
    await this.loop;
    await this.sender?.stop();
    await this.credsSaved;
    if (this.holding) await this.dropLease();
  }

  // ---- the connection loop ---------------------------------------------------------------

  private async run(attempted: () => void): Promise<void> {
    while (!this.stopping && !this.halted) {
      let wait: number;
      try {
        wait = await this.step(attempted);
      } catch (error) {
        this.failures++;
        wait = backoffDelay(this.failures, this.baseMs, this.maxMs, this.random());
        this.options.log.error({ err: scrubbed(error), retryInMs: wait }, 'WhatsApp: connection loop error; retrying');
      }
      attempted();
      if (wait > 0 && !this.stopping && !this.halted) await this.sleep(wait, this.stopController.signal);
    }
    attempted();
  }

  /** One pass: make sure a session and the lease are there, run a socket, decide what next. Returns the wait. */
  private async step(attempted: () => void): Promise<number> {
    if (!this.holding && !(await isLinked(this.options.db))) {
      if (!this.warnedUnlinked) this.options.log.warn('WhatsApp is enabled but not linked: run `skm whatsapp link`');
      this.warnedUnlinked = true;
      return this.unlinkedRetryMs;
    }
    this.warnedUnlinked = false;
    if (!this.holding && !(await this.takeLease())) return this.leaseRetryMs;
    attempted();
    const ending = await this.connect();
    return await this.react(ending);
  }

  /** What to do after a socket ended; returns how long to wait before the next pass. */
  private async react(ending: Ending): Promise<number> {
    const { log } = this.options;
    if (ending.kind === 'stopping') return 0;
    if (ending.kind === 'lease-lost') {
      log.warn({ instance: this.instanceId }, 'WhatsApp: lease lost to another instance; socket closed');
      return this.leaseRetryMs;
    }
    const code = ending.statusCode;
    if (code === DisconnectReason.loggedOut) {
      await this.loggedOut();
      return this.unlinkedRetryMs;
    }
    if (code === DisconnectReason.connectionReplaced && ++this.replaced > MAX_REPLACED_RECONNECTS) {
      await this.replacedTooOften();
      return 0;
    }
    if (code === DisconnectReason.restartRequired && this.restarts < MAX_IMMEDIATE_RESTARTS) {
      this.restarts++;
      log.info('WhatsApp: restart required; reconnecting now');
      return 0;
    }
    this.failures++;
    const wait = backoffDelay(this.failures, this.baseMs, this.maxMs, this.random());
    log.warn({ statusCode: code, attempt: this.failures, retryInMs: wait }, 'WhatsApp: connection closed; reconnecting after a pause');
    return wait;
  }

  private async loggedOut(): Promise<void> {
    const { log } = this.options;
    await (this.auth?.clear() ?? Promise.resolve());
    this.auth = undefined;
    await this.dropLease();
    log.error(
      'WhatsApp logged this bot out (the device was removed on the phone, or the number was banned). The session was deleted: run `skm whatsapp link` again.',
    );
    try {
      await this.options.onLoggedOut?.();
    } catch (error) {
      log.error({ err: scrubbed(error) }, 'WhatsApp: onLoggedOut failed');
    }
  }

  /**
   * Another holder of this session keeps taking it over. Reconnecting would take it back and be
   * taken over in turn, for ever: stop, let the lease go and have a person end the conflict.
   */
  private async replacedTooOften(): Promise<void> {
    const { log } = this.options;
    this.halted = true;
    await this.dropLease();
    log.error(
      { replaced: this.replaced },
      'WhatsApp: the session keeps being replaced by another holder of this number (WhatsApp Web, or a second server with a copy of the session); stopped reconnecting. To end it: on the phone, WhatsApp → Linked devices, log out every device that is not this bot (or stop the other server), then restart the bot.',
    );
    try {
      await this.options.onReplaced?.();
    } catch (error) {
      log.error({ err: scrubbed(error) }, 'WhatsApp: onReplaced failed');
    }
  }

  /** Opens a socket and resolves when it ends. */
  private async connect(): Promise<Ending> {
    await this.credsSaved;
    this.auth ??= await usePostgresAuthState(this.options.db, {
      logger: this.baileysLogger,
      ...(this.options.authCache === false ? { cache: false } : {}),
    });
    if (this.stopping) return { kind: 'stopping' };
    const auth = this.auth;
    const socket = this.factory({
      auth: auth.state,
      logger: this.baileysLogger,
      getMessage: this.sent.getMessage,
      msgRetryCounterCache: this.retryCounter,
      maxMsgRetryCount: DEFAULT_CONNECTION_CONFIG.maxMsgRetryCount,
    });
    this.socket = socket;
    let openedAt: number | undefined;
    const ended = new Promise<Ending>((resolve) => {
      this.leaseLost = () => resolve({ kind: 'lease-lost' });
      const onUpdate = (update: BaileysEventMap['connection.update']) => {
        if (update.qr) {
          this.options.log.error('WhatsApp asks for a new pairing although a session is stored: run `skm whatsapp link`');
          socket.end(undefined);
        }
        if (update.connection === 'open') {
          openedAt = this.clock();
          this.restarts = 0;
          this.setOpen(true);
          this.options.log.info({ instance: this.instanceId }, 'WhatsApp connected');
        }
        if (update.connection === 'close') {
          this.setOpen(false);
          resolve(this.stopping ? { kind: 'stopping' } : { kind: 'closed', statusCode: disconnectCode(update.lastDisconnect?.error) });
        }
      };
      const onCreds = () => {
        // In order: a later save must not be overtaken by an earlier one.
        this.credsSaved = this.credsSaved
          .then(() => auth.saveCreds())
          .catch((error: unknown) => this.options.log.error({ err: scrubbed(error) }, 'WhatsApp: could not store the credentials'));
      };
      const onMessages = (upsert: BaileysEventMap['messages.upsert']) => {
        if (upsert.type !== 'notify') return;
        for (const message of upsert.messages) this.onMessage(message);
      };
      socket.ev.on('connection.update', onUpdate);
      socket.ev.on('creds.update', onCreds);
      socket.ev.on('messages.upsert', onMessages);
    });
    const ending = await ended;
    this.leaseLost = undefined;
    if (ending.kind === 'lease-lost') this.closeSocket();
    this.socket = undefined;
    const openFor = openedAt === undefined ? 0 : this.clock() - openedAt;
    if (openFor >= STABLE_MS) this.failures = 0;
    if (openFor >= REPLACED_PEACE_MS) this.replaced = 0;
    return ending;
  }

  private setOpen(open: boolean): void {
    this.open = open;
    if (open) for (const wake of this.openWaiters.splice(0)) wake();
  }

  private closeSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    try {
      void Promise.resolve(socket.end(undefined)).catch(() => {});
    } catch {
      // Already closed.
    }
  }

  // ---- the lease ---------------------------------------------------------------------------

  private async takeLease(): Promise<boolean> {
    const now = this.clock();
    const ok = await acquireLease(this.options.db, this.leaseName, this.instanceId, this.leaseTtlMs, new Date(now));
    if (!ok) return false;
    this.holding = true;
    this.leaseUntil = now + this.leaseTtlMs;
    this.failures = 0;
    this.options.log.info({ instance: this.instanceId }, 'WhatsApp: lease taken');
    const tenure = {};
    this.tenure = tenure;
    void this.renewLoop(tenure);
    await this.startSender();
    return true;
  }

  /** Renews while held; when the lease is lost (or cannot be renewed before it lapses), closes the socket. */
  private async renewLoop(tenure: object): Promise<void> {
    const current = () => this.holding && !this.stopping && this.tenure === tenure;
    while (current()) {
      await this.sleep(this.leaseRenewMs, this.stopController.signal);
      if (!current()) return;
      const now = this.clock();
      let ours: boolean;
      try {
        ours = await renewLease(this.options.db, this.leaseName, this.instanceId, this.leaseTtlMs, new Date(now));
        if (ours) this.leaseUntil = now + this.leaseTtlMs;
      } catch (error) {
        // The database is unreachable: keep the socket only while the lease surely is still ours.
        ours = this.clock() < this.leaseUntil;
        this.options.log.warn({ err: scrubbed(error), stillOurs: ours }, 'WhatsApp: could not renew the lease');
      }
      if (!ours) {
        this.holding = false;
        // Another instance writes the session now: ours must be read again if the lease comes back.
        this.auth = undefined;
        await this.sender?.stop();
        this.sender = undefined;
        this.leaseLost?.();
        return;
      }
    }
  }

  private async dropLease(): Promise<void> {
    this.holding = false;
    this.tenure = undefined;
    await this.sender?.stop();
    this.sender = undefined;
    await releaseLease(this.options.db, this.leaseName, this.instanceId).catch((error: unknown) =>
      this.options.log.warn({ err: error }, 'WhatsApp: could not release the lease; it lapses by itself'),
    );
  }

  private async startSender(): Promise<void> {
    const outbox = this.options.outbox;
    if (!outbox || this.sender) return;
    this.sender = whatsAppOutboxSender(outbox, { db: this.options.db, log: this.options.log, socket: () => this.currentSocket(), sent: this.sent });
    await this.sender.start();
  }
}
