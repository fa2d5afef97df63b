// The Baileys socket as the channel and the pairing see it: the small interface they use (the fake
// in tests implements it), the factory that builds the real one, and the helpers for reading a
// close (its status code), spacing reconnects and keeping JIDs out of logged errors.
import makeWASocket, {
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  Browsers,
  type Contact,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { backoffMs } from '../../backoff.js';
import { redactWhatsApp } from './transport.js';

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

type SocketConfig = Parameters<typeof makeWASocket>[0];

export interface SocketOptions {
  auth: AuthenticationState;
  logger: BaileysLogger;
  /** The original of a message the bot sent, for a recipient who asks for it again (a retry receipt). */
  getMessage?: SocketConfig['getMessage'];
  /** Counts the retries per message across sockets (Baileys stops at maxMsgRetryCount). */
  msgRetryCounterCache?: SocketConfig['msgRetryCounterCache'];
  maxMsgRetryCount?: number;
}

export type SocketFactory = (options: SocketOptions) => WaSocket;

/** The real socket. Groups, broadcasts and newsletters are not even decrypted. */
export const baileysSocketFactory: SocketFactory = ({ auth, logger, getMessage, msgRetryCounterCache, maxMsgRetryCount }) =>
  makeWASocket({
    auth,
    logger,
    browser: Browsers.ubuntu('SKM Bot'),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldIgnoreJid: (jid) => Boolean(isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)),
    // Without a store nothing can be re-sent: the recipient then sees "Waiting for this message".
    getMessage: getMessage ?? (async () => undefined),
    ...(msgRetryCounterCache ? { msgRetryCounterCache } : {}),
    ...(maxMsgRetryCount !== undefined ? { maxMsgRetryCount } : {}),
  });

export const WHATSAPP_LEASE = 'whatsapp-socket';

/** The status code of a close (Baileys puts a Boom error in lastDisconnect). */
export function disconnectCode(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** The delay before reconnect attempt `attempt` (1, 2...): doubling, capped, jittered down by up to a quarter, never below base. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  return backoffMs(attempt, { baseMs, maxMs, jitter: 0.25, floorMs: baseMs, random: () => random });
}

/** An error fit for the log: JIDs and phone numbers replaced. */
export function scrubbed(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redactWhatsApp(original.message));
  copy.name = original.name;
  if (original.stack !== undefined) copy.stack = redactWhatsApp(original.stack);
  return copy;
}
