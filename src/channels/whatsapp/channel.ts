// The WhatsApp channel: a Baileys socket (a linked WhatsApp account) receives citizens' messages,
// each is turned into an event, run through the same survey service as Telegram, and the replies
// are sent back as numbered lists. Officials and admins linked on WhatsApp get the staff commands.
//
// Connection: only the process holding the `whatsapp-socket` lease (table Lease) opens a socket;
// it renews the lease while it runs, and another instance takes over when it lapses. Closes are
// handled by DisconnectReason: restartRequired reconnects at once, loggedOut deletes the session
// and reports it (onLoggedOut), anything else reconnects with exponential backoff and jitter.
//
// Messages: each is resolved to the person behind it (identity.ts: a phone-number JID and a LID
// of one person are one canonical key), then handed to the inbound pipeline (../pipeline.ts: one
// person's messages in order, exactly once, staff or survey, apology) with an outlet that answers
// in numbered text. Erasure also forgets the person's aliases (an effect handler).
// The bot only ever answers: it never writes first to a citizen.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import makeWASocket, {
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  Browsers,
  type Contact,
  DisconnectReason,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { StaffCommands, StaffReply } from '../../admin/commands/index.js';
import { backoffMs } from '../../backoff.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../log.js';
import { acquireLease, releaseLease, renewLease } from '../../db/lease.js';
import type { ChannelLimits } from '../../outbox/limiter.js';
import { OutboxSender, type OutboxSenderOptions, defaultSleep } from '../../outbox/sender.js';
import { redactWhatsApp, WhatsAppTransport } from './transport.js';
import type { Pseudonymizer } from '../../survey/pseudonym.js';
import type { SurveyService } from '../../survey/service.js';
import type { EngineOutput, Locale, OutMessage, Translate } from '../../survey/types.js';
import { InboundPipeline, type Failure, type Outlet, type StaffRequestOf } from '../pipeline.js';
import { isLinked, usePostgresAuthState, type PostgresAuthState } from './auth-state.js';
import { fromMessage, renderMessage, type WhatsAppInbound } from './convert.js';
import { IdentityResolver, normaliseJid, StaffDirectory, type WhatsAppIdentity } from './identity.js';

/** The events the channel listens to, as Baileys' emitter types them. */
export interface WaEvents {
  on<K extends keyof BaileysEventMap>(event: K, listener: (arg: BaileysEventMap[K]) => void): void;
  off<K extends keyof BaileysEventMap>(event: K, listener: (arg: BaileysEventMap[K]) => void): void;
}

/** The part of a Baileys socket the channel and the pairing use (the fake in tests implements it). */
export interface WaSocket {
  ev: WaEvents;
  readonly user: Contact | undefined;
  sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined>;
  end(error: Error | undefined): unknown;
  logout(msg?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
}

/** Baileys' logger interface (pino's). */
export type BaileysLogger = Parameters<typeof makeWASocket>[0]['logger'] & object;

export type SocketFactory = (options: { auth: AuthenticationState; logger: BaileysLogger }) => WaSocket;

/** The real socket. Groups, broadcasts and newsletters are not even decrypted. */
export const baileysSocketFactory: SocketFactory = ({ auth, logger }) =>
  makeWASocket({
    auth,
    logger,
    browser: Browsers.ubuntu('SKM Bot'),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldIgnoreJid: (jid) => Boolean(isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)),
    getMessage: async () => undefined,
  });

export const WHATSAPP_LEASE = 'whatsapp-socket';

/** The outbox sender this channel runs for WhatsApp rows while it holds the socket. */
export interface WhatsAppOutboxOptions {
  /** Messages per minute over all officials (default 20). */
  perMinute: number;
  /** Messages per minute to one official (default 5). */
  perChatPerMinute: number;
  /** Anything else the sender takes (attempts, backoff, clock, sleep...). */
  sender?: Partial<Omit<OutboxSenderOptions, 'db' | 'transports' | 'log'>>;
}

export interface WhatsAppChannelOptions {
  db: Db;
  service: SurveyService;
  /** Officials' and admins' commands; without it every command goes to the citizen conversation. */
  staff?: StaffCommands | undefined;
  t: Translate;
  log: Logger;
  defaultLocale: Locale;
  /** The app's pseudonymizer: JIDs are kept only as its keyed hashes. */
  pseudonymizer: Pseudonymizer;
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
  /** Called with the milliseconds from a message's arrival to its last reply sent (benchmarks, tests). */
  onUpdateHandled?: (ms: number) => void;
  /** Messages of one person waiting before more are dropped (default 4). */
  chatQueueMax?: number | undefined;
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
/** A reply waits this long for a dropped connection to come back before it is given up. */
const REPLY_WAIT_MS = 30_000;
/** More messages in hand than this is logged once (Baileys cannot be told to slow down). */
const MAX_IN_FLIGHT = 2_000;

/** The status code of a close (Baileys puts a Boom error in lastDisconnect). */
export function disconnectCode(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** The delay before reconnect attempt `attempt` (1, 2...): doubling, capped, jittered down by up to a quarter, never below base. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  return backoffMs(attempt, { baseMs, maxMs, jitter: 0.25, floorMs: baseMs, random: () => random });
}

export class WhatsAppChannel {
  readonly instanceId: string;
  private readonly identities: IdentityResolver;
  private readonly directory: StaffDirectory;
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
  private stopped: Promise<void> | undefined;
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
  private overloaded = false;
  private readonly resolving = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pipeline: InboundPipeline;

  constructor(private readonly options: WhatsAppChannelOptions) {
    this.instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.identities = new IdentityResolver(options.db, options.pseudonymizer);
    this.clock = options.clock ?? Date.now;
    this.directory = new StaffDirectory(options.db, this.identities, this.clock);
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
    this.baileysLogger = options.log.child({ module: 'baileys' }, { level: options.baileysLogLevel ?? 'silent' });
    this.pipeline = new InboundPipeline({
      channel: 'whatsapp',
      service: options.service,
      staff: options.staff,
      t: options.t,
      log: options.log,
      defaultLocale: options.defaultLocale,
      chatQueueMax: options.chatQueueMax,
      classify: (error): Failure => (error instanceof NotConnectedError ? 'unreachable' : 'fault'),
      // Erasure also unlinks the person's identities (keyed hashes, but still about them).
      effects: { eraseData: (message) => this.identities.forget(message.chatId) },
    });
  }

  /** Whether this instance holds the lease (and so may open the socket). */
  get isLeaseHolder(): boolean {
    return this.holding;
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.open;
  }

  /** The open socket, if any (the outbox transport sends through it). */
  /** Looks for WhatsApp outbox rows now (jobs call it after committing new messages). */
  wakeOutbox(): void {
    this.sender?.wake();
  }

  currentSocket(): WaSocket | undefined {
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

  /** Resolves when the channel has stopped (after stop()). */
  async done(): Promise<void> {
    await this.loop;
  }

  /** Resolves once every message received so far has been handled and answered. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops: waits for the messages in hand to be answered (at most timeoutMs), closes the socket,
   * stops the outbox sender and gives the lease up.
   */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopped ??= this.shutDown(timeoutMs);
    return this.stopped;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const timer = new AbortController();
    const outcome = await Promise.race([
      this.idle().then(() => 'idle' as const),
      defaultSleep(timeoutMs, timer.signal).then(() => 'timeout' as const),
    ]);
    timer.abort();
    if (outcome === 'timeout') this.options.log.warn({ pending: this.inFlight.size }, 'WhatsApp: stopped with messages still in hand');
    this.stopController.abort();
    this.closeSocket();
    await this.loop;
    await this.sender?.stop();
    await this.credsSaved;
    if (this.holding) await this.dropLease();
    this.options.log.info({ instance: this.instanceId }, 'WhatsApp channel stopped');
  }

  // ---- the connection loop ---------------------------------------------------------------

  private async run(attempted: () => void): Promise<void> {
    while (!this.stopping) {
      let wait: number;
      try {
        wait = await this.step(attempted);
      } catch (error) {
        this.failures++;
        wait = backoffDelay(this.failures, this.baseMs, this.maxMs, this.random());
        this.options.log.error({ err: scrubbed(error), retryInMs: wait }, 'WhatsApp: connection loop error; retrying');
      }
      attempted();
      if (wait > 0 && !this.stopping) await this.sleep(wait, this.stopController.signal);
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

  /** Opens a socket and resolves when it ends. */
  private async connect(): Promise<Ending> {
    await this.credsSaved;
    this.auth ??= await usePostgresAuthState(this.options.db, {
      logger: this.baileysLogger,
      ...(this.options.authCache === false ? { cache: false } : {}),
    });
    if (this.stopping) return { kind: 'stopping' };
    const auth = this.auth;
    const socket = this.factory({ auth: auth.state, logger: this.baileysLogger });
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
        for (const message of upsert.messages) this.accept(message);
      };
      socket.ev.on('connection.update', onUpdate);
      socket.ev.on('creds.update', onCreds);
      socket.ev.on('messages.upsert', onMessages);
    });
    const ending = await ended;
    this.leaseLost = undefined;
    if (ending.kind === 'lease-lost') this.closeSocket();
    this.socket = undefined;
    if (openedAt !== undefined && this.clock() - openedAt >= STABLE_MS) this.failures = 0;
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
    const transport = new WhatsAppTransport({ socket: () => this.currentSocket(), db: this.options.db });
    this.sender = new OutboxSender({
      leaseName: 'outbox-sender-whatsapp',
      ...outbox.sender,
      db: this.options.db,
      transports: { whatsapp: transport },
      log: this.options.log,
      limits: { whatsapp: whatsAppLimits(outbox.perMinute, outbox.perChatPerMinute) },
    });
    await this.sender.start();
  }

  // ---- messages ------------------------------------------------------------------------------

  /**
   * Takes one received message: ignored ones return at once; the others are queued behind the
   * same person's earlier messages. Registered synchronously, so idle() covers it at once.
   */
  private accept(message: WAMessage): void {
    const inbound = fromMessage(message);
    if (!inbound) return;
    const arrived = performance.now();
    // First in order per JID (resolving the identity), then in order per person.
    const identity = this.chain(this.resolving, normaliseJid(inbound.remoteJid), () => this.identities.resolve(inbound.remoteJid, inbound.altJid));
    const work = identity
      .then(
        (who) => this.process(inbound, who),
        (error: unknown) => this.failed(inbound, error, this.options.defaultLocale),
      )
      .finally(() => {
        this.inFlight.delete(work);
        this.options.onUpdateHandled?.(performance.now() - arrived);
      });
    this.inFlight.add(work);
    const overloaded = this.inFlight.size > MAX_IN_FLIGHT;
    if (overloaded && !this.overloaded) this.options.log.warn({ inFlight: this.inFlight.size }, 'WhatsApp: many messages in hand; answers are slow');
    this.overloaded = overloaded;
  }

  /** Runs `task` after the previous task of the same key; the chain survives failures. */
  private chain<T>(chains: Map<string, Promise<unknown>>, key: string, task: () => Promise<T>): Promise<T> {
    const previous = chains.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return current;
  }

  /** Hands a message to the inbound pipeline, as the person it resolved to. */
  private async process(inbound: WhatsAppInbound, who: WhatsAppIdentity): Promise<void> {
    const event = inbound.event;
    await this.pipeline.take(
      {
        chatId: who.canonicalKey,
        updateId: `${who.canonicalKey}:${inbound.messageId}`,
        event,
        staff: this.options.staff ? () => this.staffRequest(inbound, who) : undefined,
      },
      new WhatsAppOutlet(this, inbound, this.options.t),
    );
  }

  /**
   * Staff commands: slash commands and the bare command words of anyone, and for known staff also
   * a first word that names a staff command (`SKOR DUKCAPIL`). Null: the survey answers it.
   */
  private async staffRequest(inbound: WhatsAppInbound, who: WhatsAppIdentity): Promise<StaffRequestOf | null> {
    const event = inbound.event;
    if (event.kind !== 'command' && !inbound.word) return null;
    const staffJid = await this.directory.jidOf(who);
    const request = event.kind === 'command' ? { command: event.command, arg: event.arg } : staffJid ? inbound.word : undefined;
    if (!request) return null;
    // Known staff are answered in the language stored with them (WhatsApp gives no language hint).
    const stored = staffJid
      ? await this.options.db.staffUser.findUnique({
          where: { channel_externalId: { channel: 'whatsapp', externalId: staffJid } },
          select: { locale: true },
        })
      : null;
    const locale: Locale = stored?.locale === 'en' ? 'en' : stored?.locale === 'id' ? 'id' : this.options.defaultLocale;
    return {
      // A known staff member acts as the identity they registered with, whichever one wrote now.
      userId: staffJid ?? who.jid,
      displayName: inbound.pushName,
      command: request.command,
      arg: request.arg,
      locale,
    };
  }

  /** A staff member joined (or may have): the directory of staff identities is read again. */
  async staffJoined(): Promise<void> {
    await this.directory.refresh();
  }

  /** Sends the replies in order; waits a little for a dropped connection to come back. */
  async reply(jid: string, contents: AnyMessageContent[]): Promise<void> {
    for (const content of contents) {
      const socket = await this.openSocket();
      if (!socket) throw new NotConnectedError();
      await socket.sendMessage(jid, content);
    }
  }

  private async openSocket(): Promise<WaSocket | undefined> {
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

  private async failed(inbound: WhatsAppInbound, error: unknown, locale: Locale): Promise<void> {
    const { log } = this.options;
    if (error instanceof NotConnectedError) {
      log.warn({ event: inbound.event.kind }, 'WhatsApp: reply not sent, not connected');
      return;
    }
    log.error({ err: scrubbed(error), event: inbound.event.kind }, 'WhatsApp: message handling failed');
    try {
      await this.reply(inbound.remoteJid, [{ text: this.options.t(locale, 'errors.internal') }]);
    } catch (sendError) {
      log.warn({ err: scrubbed(sendError) }, 'WhatsApp: could not send the apology');
    }
  }
}

/** An error fit for the log: JIDs and phone numbers replaced. */
export function scrubbed(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redactWhatsApp(original.message));
  copy.name = original.name;
  if (original.stack !== undefined) copy.stack = redactWhatsApp(original.stack);
  return copy;
}

class NotConnectedError extends Error {
  override name = 'NotConnectedError';
}

/** A staff reply as WhatsApp messages: texts, then the chart, then a file. */
function staffContents(reply: StaffReply, extra: string | undefined): AnyMessageContent[] {
  const contents: AnyMessageContent[] = reply.messages.map((text) => ({ text }));
  if (extra) contents.push({ text: extra });
  if (reply.photo) contents.push({ image: reply.photo.content, caption: reply.photo.caption, mimetype: 'image/png' });
  if (reply.document) {
    const doc = reply.document;
    contents.push({ document: doc.content, fileName: doc.filename, caption: doc.caption, mimetype: mimeOf(doc.filename) });
  }
  return contents;
}

function mimeOf(filename: string): string {
  if (filename.endsWith('.csv')) return 'text/csv';
  if (filename.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return 'application/octet-stream';
}

/** The limiter's terms for "perMinute over all, perChatPerMinute to one official" (on top of WHATSAPP_LIMITS). */
export function whatsAppLimits(perMinute: number, perChatPerMinute: number): Partial<ChannelLimits> {
  return { globalPerMinute: perMinute, perChatPerMinute };
}

/** Answers one message on WhatsApp: numbered options as text, staff files as documents. */
class WhatsAppOutlet implements Outlet {
  constructor(
    private readonly channel: WhatsAppChannel,
    private readonly inbound: WhatsAppInbound,
    private readonly t: Translate,
  ) {}

  async answer(output: EngineOutput, locale: Locale): Promise<void> {
    const texts = output.messages.map((m) => renderMessage(m, locale, this.t));
    const event = this.inbound.event;
    if (event.kind === 'command' && ['bantuan', 'help'].includes(event.command)) texts.push(this.t(locale, 'whatsapp.help'));
    await this.channel.reply(
      this.inbound.remoteJid,
      texts.map((text) => ({ text })),
    );
  }

  async repeat(messages: OutMessage[], locale: Locale): Promise<void> {
    await this.channel.reply(
      this.inbound.remoteJid,
      messages.map((m) => ({ text: renderMessage(m, locale, this.t) })),
    );
  }

  async staffReply(reply: StaffReply, request: StaffRequestOf): Promise<void> {
    if (request.command === 'daftar' || request.command === 'start') await this.channel.staffJoined();
    const help = request.command === 'bantuan' ? this.t(request.locale, 'whatsapp.staffHelp') : undefined;
    await this.channel.reply(this.inbound.remoteJid, staffContents(reply, help));
  }

  async say(text: string): Promise<void> {
    await this.channel.reply(this.inbound.remoteJid, [{ text }]);
  }
}
