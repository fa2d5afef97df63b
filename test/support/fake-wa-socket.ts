// An in-process stand-in for WhatsApp as a Baileys socket sees it (we cannot reach the WhatsApp
// servers from tests): FakeWhatsApp makes sockets through the channel's socket factory and lets a
// test deliver messages from people (text, a LID with its phone-number alternative, stickers, group
// and status messages, duplicates), close connections with any DisconnectReason, pair a new
// session, fail sends, read what the bot sent, and send a retry receipt for a message (the socket
// asks the channel's getMessage for the original and re-sends it, as Baileys does). Sockets emit the events Baileys emits
// (`connection.update`, `creds.update`, `messages.upsert`) with the same payload shapes.
//
// Also here: two ways to control time for code that takes a clock and a sleep (ManualSleeps:
// every sleep waits until the test releases it; VirtualTime: sleeps end at once in a virtual
// clock that jumps forward, for minutes of rate-limited sending in milliseconds).
import { EventEmitter } from 'node:events';
import {
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  type Contact,
  DisconnectReason,
  type proto,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import { usePostgresAuthState } from '../../src/channels/whatsapp/auth-state.js';
import type { SocketFactory, SocketOptions, WaSocket } from '../../src/channels/whatsapp/socket.js';
import type { Db } from '../../src/db/client.js';

export const BOT_PN = '6281100000001@s.whatsapp.net';
export const BOT_LID = '90000000000001@lid';

/** A Boom-like error as Baileys throws and reports them (output.statusCode, optional data). */
export class FakeBoom extends Error {
  readonly isBoom = true;
  readonly output: { statusCode: number };
  constructor(
    message: string,
    statusCode: number,
    readonly data?: unknown,
  ) {
    super(message);
    this.output = { statusCode };
  }
}

export interface SentMessage {
  jid: string;
  content: AnyMessageContent;
  /** The text, or an image's or document's caption. */
  text: string | undefined;
  kind: 'text' | 'image' | 'document' | 'other';
  /** The fake's clock when it was sent. */
  at: number;
  /** The message id WhatsApp gave it. */
  id?: string | undefined;
}

export interface DeliverOptions {
  /** remoteJidAlt: the sender's other identity. */
  alt?: string;
  id?: string;
  pushName?: string;
  fromMe?: boolean;
  type?: 'notify' | 'append';
}

type Listener = (...args: unknown[]) => void;

export class FakeWaSocket implements WaSocket {
  private readonly emitter = new EventEmitter();
  readonly ev = {
    on: <K extends keyof BaileysEventMap>(event: K, listener: (arg: BaileysEventMap[K]) => void) => {
      this.emitter.on(event, listener as Listener);
    },
    off: <K extends keyof BaileysEventMap>(event: K, listener: (arg: BaileysEventMap[K]) => void) => {
      this.emitter.off(event, listener as Listener);
    },
  };
  user: Contact | undefined;
  isOpen = false;
  ended = false;
  /** The error the bot ended the socket with (end()), if it did. */
  endedBy: Error | undefined;
  pairingRequests: string[] = [];

  constructor(
    private readonly network: FakeWhatsApp,
    readonly auth: AuthenticationState,
    readonly index: number,
    /** What the socket was built with (getMessage, the retry counter...). */
    readonly options: SocketOptions,
  ) {}

  emit<K extends keyof BaileysEventMap>(event: K, arg: BaileysEventMap[K]): void {
    this.emitter.emit(event, arg);
  }

  /** What a real socket does after connecting: log in with a stored session, or offer a QR code. */
  async boot(): Promise<void> {
    if (this.ended) return;
    this.emit('connection.update', { connection: 'connecting' });
    if (!this.auth.creds.registered) {
      this.emit('connection.update', { qr: `2@fake-qr-${this.index}` });
      return;
    }
    if (!this.network.autoOpen) return;
    await this.openNow();
  }

  /** Opens the connection: the account and some signal keys are written, as on a real login. */
  async openNow(): Promise<void> {
    this.user = { id: BOT_PN, lid: BOT_LID };
    await this.auth.keys.set({
      'pre-key': { [String(this.index + 1)]: { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) } },
      'lid-mapping': { '6281100000001': '90000000000001', '90000000000001_reverse': '6281100000001' },
    });
    this.updateCreds({ me: { id: BOT_PN, lid: BOT_LID }, accountSyncCounter: this.auth.creds.accountSyncCounter + 1 });
    this.isOpen = true;
    this.emit('connection.update', { connection: 'open' });
  }

  async sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> {
    if (!this.isOpen) throw new FakeBoom('Connection Closed', DisconnectReason.connectionClosed);
    const failure = this.network.takeSendFailure();
    if (failure) throw failure;
    await this.network.sendDelay();
    const record = describe(jid, content, this.network.clock());
    this.network.record(record);
    const message: WAMessage = {
      key: { remoteJid: jid, fromMe: true, id: `BOT${this.network.nextId()}` },
      message: protoOf(record),
      messageTimestamp: Math.floor(this.network.clock() / 1000),
    };
    record.id = message.key.id ?? undefined;
    // Baileys reports the bot's own sends as an 'append' upsert.
    this.emit('messages.upsert', { messages: [message], type: 'append' });
    return message;
  }

  end(error: Error | undefined): void {
    if (this.ended) return;
    this.endedBy = error;
    this.closeWith(error);
  }

  async logout(): Promise<void> {
    this.closeWith(new FakeBoom('Intentional Logout', DisconnectReason.loggedOut));
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (this.auth.creds.registered) throw new FakeBoom('already registered', 400);
    this.pairingRequests.push(phoneNumber);
    this.auth.creds.pairingCode = 'FAKE2345';
    return 'FAKE2345';
  }

  /** The server closes the connection with this reason. */
  closeWith(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.isOpen = false;
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }

  /** The phone scanned the QR code (or entered the code): registered, then WhatsApp asks for a restart. */
  completePairing(): void {
    this.updateCreds({ registered: true, me: { id: BOT_PN, lid: BOT_LID }, platform: 'android' });
    this.closeWith(new FakeBoom('Stream Errored (restart required)', DisconnectReason.restartRequired));
  }

  deliver(message: WAMessage, type: 'notify' | 'append' = 'notify'): void {
    this.emit('messages.upsert', { messages: [message], type });
  }

  /**
   * The recipient's phone could not decrypt message `id` and asks for it again: as Baileys does,
   * the socket asks getMessage for the original and, if it gets one, re-sends it (recorded in
   * `resent`). Returns what getMessage answered.
   */
  async retryReceipt(remoteJid: string, id: string): Promise<proto.IMessage | undefined> {
    const key: WAMessageKey = { remoteJid, fromMe: true, id };
    const original = this.options.getMessage ? await this.options.getMessage(key) : undefined;
    if (original) this.network.resent.push({ jid: remoteJid, id, message: original });
    return original;
  }

  /** As Baileys does: the socket's own listener applies the update to the credentials, then others hear of it. */
  private updateCreds(update: Partial<AuthenticationState['creds']>): void {
    Object.assign(this.auth.creds, update);
    this.emit('creds.update', update);
  }
}

/** The message proto Baileys would report for a send (media without the upload's fields). */
function protoOf(record: SentMessage): proto.IMessage {
  const content = record.content;
  if (record.kind === 'text') return { extendedTextMessage: { text: record.text ?? '' } };
  if (record.kind === 'image') return { imageMessage: { mimetype: 'image/png', ...(record.text ? { caption: record.text } : {}) } };
  if (record.kind === 'document' && 'fileName' in content) {
    return { documentMessage: { fileName: content.fileName ?? null, ...(record.text ? { caption: record.text } : {}) } };
  }
  return {};
}

function describe(jid: string, content: AnyMessageContent, at: number): SentMessage {
  if ('text' in content && typeof content.text === 'string') return { jid, content, text: content.text, kind: 'text', at };
  if ('image' in content) return { jid, content, text: 'caption' in content ? content.caption : undefined, kind: 'image', at };
  if ('document' in content) return { jid, content, text: 'caption' in content ? content.caption : undefined, kind: 'document', at };
  return { jid, content, text: undefined, kind: 'other', at };
}

export interface FakeWhatsAppOptions {
  clock?: () => number;
  /** Open new sockets by themselves when a session is stored (default true). */
  autoOpen?: boolean;
  /** Each send waits this long (real time; default none). */
  sendDelayMs?: number;
}

/** WhatsApp as seen from the bot: makes sockets, holds what was sent. */
export class FakeWhatsApp {
  readonly sockets: FakeWaSocket[] = [];
  readonly sent: SentMessage[] = [];
  /** Messages re-sent after a retry receipt, with the original getMessage gave. */
  readonly resent: { jid: string; id: string; message: proto.IMessage }[] = [];
  autoOpen: boolean;
  readonly clock: () => number;
  private readonly failures: Error[] = [];
  private ids = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly sendDelayMs: number;
  /** Called for every message the bot sends (benchmarks). */
  onSent: ((message: SentMessage) => void) | undefined;

  constructor(options: FakeWhatsAppOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.autoOpen = options.autoOpen ?? true;
    this.sendDelayMs = options.sendDelayMs ?? 0;
  }

  /** The socket factory to give the channel (or the pairing). */
  readonly factory: SocketFactory = (options) => {
    const socket = new FakeWaSocket(this, options.auth, this.sockets.length, options);
    this.sockets.push(socket);
    setImmediate(() => void socket.boot());
    this.wake();
    return socket;
  };

  /** The newest socket, if it is still connected or connecting. */
  get current(): FakeWaSocket | undefined {
    const last = this.sockets.at(-1);
    return last && !last.ended ? last : undefined;
  }

  /** Resolves once `count` sockets have been made in all. */
  async socketCount(count: number, timeoutMs = 5_000): Promise<FakeWaSocket> {
    await this.until(() => this.sockets.length >= count, timeoutMs, `${count} sockets`);
    return this.sockets[count - 1]!;
  }

  /** Resolves with the open socket. */
  async opened(timeoutMs = 5_000): Promise<FakeWaSocket> {
    await this.until(() => this.current?.isOpen === true, timeoutMs, 'an open socket');
    return this.current!;
  }

  nextId(): string {
    this.ids += 1;
    return String(this.ids).padStart(6, '0');
  }

  /** A text from a person (from: a JID like 62812…@s.whatsapp.net or 1234…@lid). */
  text(from: string, text: string, options: DeliverOptions = {}): WAMessage {
    return this.push(from, { conversation: text }, options);
  }

  /** A text as WhatsApp sends it when it quotes or previews (extendedTextMessage). */
  extendedText(from: string, text: string, options: DeliverOptions = {}): WAMessage {
    return this.push(from, { extendedTextMessage: { text } }, options);
  }

  sticker(from: string, options: DeliverOptions = {}): WAMessage {
    return this.push(from, { stickerMessage: { mimetype: 'image/webp' } }, options);
  }

  image(from: string, caption: string, options: DeliverOptions = {}): WAMessage {
    return this.push(from, { imageMessage: { mimetype: 'image/jpeg', caption } }, options);
  }

  location(from: string, options: DeliverOptions = {}): WAMessage {
    return this.push(from, { locationMessage: { degreesLatitude: -6.2, degreesLongitude: 106.8 } }, options);
  }

  /** A message in a group, sent by `participant`. */
  groupText(group: string, participant: string, text: string): WAMessage {
    const message: WAMessage = {
      key: { remoteJid: group, participant, fromMe: false, id: `G${this.nextId()}` },
      message: { conversation: text },
      messageTimestamp: Math.floor(this.clock() / 1000),
    };
    this.deliver(message);
    return message;
  }

  /** Delivers a message (again, for a duplicate) on the open socket. */
  deliver(message: WAMessage, type: 'notify' | 'append' = 'notify'): void {
    const socket = this.current;
    if (!socket?.isOpen) throw new Error('no open socket to deliver on');
    socket.deliver(message, type);
  }

  private push(from: string, content: NonNullable<WAMessage['message']>, options: DeliverOptions): WAMessage {
    const message: WAMessage = {
      key: {
        remoteJid: from,
        fromMe: options.fromMe ?? false,
        id: options.id ?? `3EB0${this.nextId()}`,
        ...(options.alt ? { remoteJidAlt: options.alt, addressingMode: from.endsWith('@lid') ? 'lid' : 'pn' } : {}),
      },
      message: content,
      messageTimestamp: Math.floor(this.clock() / 1000),
      ...(options.pushName ? { pushName: options.pushName } : {}),
    };
    this.deliver(message, options.type);
    return message;
  }

  /** The next `count` sends fail with `error`. */
  failSends(error: Error, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(error);
  }

  takeSendFailure(): Error | undefined {
    return this.failures.shift();
  }

  async sendDelay(): Promise<void> {
    if (this.sendDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.sendDelayMs));
  }

  record(message: SentMessage): void {
    this.sent.push(message);
    this.onSent?.(message);
    this.wake();
  }

  /** What the bot sent to a JID, in order. */
  sentTo(jid: string): SentMessage[] {
    return this.sent.filter((m) => m.jid === jid);
  }

  textsTo(jid: string): string[] {
    return this.sentTo(jid).map((m) => m.text ?? '');
  }

  /** Resolves once `count` messages have been sent to the JID in all. */
  async waitForSent(jid: string, count: number, timeoutMs = 10_000): Promise<SentMessage[]> {
    await this.until(() => this.sentTo(jid).length >= count, timeoutMs, `${count} messages to a chat`);
    return this.sentTo(jid);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`fake WhatsApp: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

// ---- time -------------------------------------------------------------------------------------

interface PendingSleep {
  ms: number;
  resolve: () => void;
}

/** Every sleep waits until the test releases it: the test sees each delay asked for, in order. */
export class ManualSleeps {
  readonly requested: number[] = [];
  private readonly pending: PendingSleep[] = [];
  private readonly waiters: (() => void)[] = [];

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const entry = { ms, resolve };
      if (signal?.aborted) return resolve();
      signal?.addEventListener('abort', () => {
        this.remove(entry);
        resolve();
      });
      this.requested.push(ms);
      this.pending.push(entry);
      for (const waiter of this.waiters.splice(0)) waiter();
    });

  /** Waits for a pending sleep matching `which` and returns its length (it stays pending). */
  async next(which: (ms: number) => boolean = () => true, timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.pending.find((p) => which(p.ms));
      if (found) return found.ms;
      if (Date.now() > deadline) throw new Error(`no matching sleep; pending: ${this.pending.map((p) => p.ms).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends the oldest pending sleep matching `which`. */
  release(which: (ms: number) => boolean = () => true): void {
    const found = this.pending.find((p) => which(p.ms));
    if (!found) throw new Error('no such sleep pending');
    this.remove(found);
    found.resolve();
  }

  /** Whether a sleep matching `which` is pending now. */
  has(which: (ms: number) => boolean): boolean {
    return this.pending.some((p) => which(p.ms));
  }

  private remove(entry: PendingSleep): void {
    const index = this.pending.indexOf(entry);
    if (index >= 0) this.pending.splice(index, 1);
  }
}

/**
 * A virtual clock whose sleeps end in order of their virtual wake time: whenever real time has
 * been quiet for a moment (the code under test is waiting), the clock jumps to the earliest wake.
 */
export class VirtualTime {
  now: number;
  private readonly timers: { at: number; resolve: () => void }[] = [];
  private ticking: NodeJS.Timeout | undefined;

  constructor(start = Date.now()) {
    this.now = start;
  }

  readonly clock = (): number => this.now;

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = { at: this.now + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        resolve();
      });
    });

  /** Starts advancing: every `quietMs` of real time, the earliest sleep ends. */
  start(quietMs = 2): void {
    this.ticking = setInterval(() => this.advance(), quietMs);
  }

  stop(): void {
    clearInterval(this.ticking);
  }

  private advance(): void {
    if (this.timers.length === 0) return;
    this.timers.sort((a, b) => a.at - b.at);
    const at = this.timers[0]!.at;
    this.now = Math.max(this.now, at);
    const due = this.timers.filter((t) => t.at <= this.now);
    for (const timer of due) this.timers.splice(this.timers.indexOf(timer), 1);
    for (const timer of due) timer.resolve();
  }
}

/** A paired session in the database, as `skm whatsapp link` leaves it. */
export async function storeLinkedSession(db: Db): Promise<void> {
  const auth = await usePostgresAuthState(db, { cache: false });
  Object.assign(auth.state.creds, { registered: true, me: { id: BOT_PN } });
  await auth.saveCreds();
}
