// The outbox's WhatsApp transport: texts and chart images to officials through the Baileys socket
// that the WhatsApp channel holds, with Baileys' errors turned into the sender's four kinds of
// failure. WhatsApp bans numbers that message strangers in bulk, so this transport only writes to
// staff who linked WhatsApp themselves (a StaffUser on channel 'whatsapp' with that JID): any other
// recipient is refused before anything leaves. The pace is the limiter's (WHATSAPP_LIMITS).
import type { AnyMessageContent, WAMessage } from '@whiskeysockets/baileys';
import type { Db } from '../../db/client.js';
import { OutboxSendError, type OutboxTransport, type PhotoSource, type SendFailure, type SendResult } from '../../outbox/transport.js';

/** The part of a Baileys socket this transport uses. */
export interface WhatsAppSender {
  sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined>;
}

export interface WhatsAppTransportOptions {
  /** The open socket, or undefined while disconnected (sends then fail transiently and are retried). */
  socket: () => WhatsAppSender | undefined;
  /** Used to check that a recipient is a WhatsApp staff member. */
  db: Db;
  /** How long to wait for WhatsApp to accept a message before it counts as a transient failure (default 60 s). */
  timeoutMs?: number;
  /** Keeps what was sent, for a recipient's retry receipt (sent-store.ts). */
  sent?: { remember(sent: readonly (WAMessage | undefined)[]): Promise<void> };
}

/** WhatsApp answered "rate-overlimit" without saying for how long: wait this long. */
const RATE_LIMIT_PAUSE_SECONDS = 60;

/** Status codes (Boom `output.statusCode`, or a server error node's `data` code) of a Baileys error. */
function codeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { data, output } = error as { data?: unknown; output?: { statusCode?: unknown } };
  if (typeof data === 'number' && Number.isFinite(data)) return data;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** Text fit for logs and lastError: JIDs and long digit runs (phone numbers) replaced. */
export function redactWhatsApp(text: string): string {
  return text.replace(/[\w.:+-]*@(?:s\.whatsapp\.net|lid|c\.us|g\.us|broadcast|newsletter|hosted(?:\.lid)?)\b/g, '<jid>').replace(/\d{6,}/g, '<id>');
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Baileys messages may name a JID: keep it out of the outbox's lastError.
  return redactWhatsApp(text).slice(0, 500);
}

/** What a Baileys send error means for an outbox row. */
export function classifyWhatsAppError(error: unknown): SendFailure {
  if (error instanceof OutboxSendError) return error.failure;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const description = describe(error);
  if (code === 429 || /rate-overlimit/i.test(message)) {
    return { kind: 'rate-limited', retryAfterSeconds: RATE_LIMIT_PAUSE_SECONDS, description };
  }
  // Not on WhatsApp (any more): the recipient cannot be reached; their other rows are cancelled.
  if (code === 404 || /item-not-found|not-found/i.test(message)) return { kind: 'blocked', description };
  if (code === 400 || code === 406 || /bad-request|not-acceptable|invalid jid/i.test(message)) {
    return { kind: 'permanent', description };
  }
  // Closed connections (428), timeouts (408), replaced sessions (440), server trouble (5xx), an
  // account problem (401, 403): none is this row's fault, so it is retried within its attempts.
  return { kind: 'transient', description: code === undefined ? `unexpected: ${description}` : description };
}

export class WhatsAppTransport implements OutboxTransport {
  private readonly timeoutMs: number;

  constructor(private readonly options: WhatsAppTransportOptions) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async sendText(chatId: string, text: string): Promise<SendResult> {
    await this.send(chatId, { text });
    return {};
  }

  async sendPhoto(chatId: string, photo: PhotoSource, caption: string): Promise<SendResult> {
    // WhatsApp media ids are not reusable like Telegram's file_id: always the bytes.
    if ('fileId' in photo) throw new OutboxSendError({ kind: 'permanent', description: 'WhatsApp cannot send a photo by file id' });
    await this.send(chatId, { image: photo.content, mimetype: photo.contentType, ...(caption ? { caption } : {}) });
    return {};
  }

  private async send(chatId: string, content: AnyMessageContent): Promise<void> {
    await this.checkRecipient(chatId);
    const socket = this.options.socket();
    if (!socket) throw new OutboxSendError({ kind: 'transient', description: 'WhatsApp is not connected' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OutboxSendError({ kind: 'transient', description: 'WhatsApp did not answer in time' })), this.timeoutMs);
    });
    let sent: WAMessage | undefined;
    try {
      sent = await Promise.race([socket.sendMessage(chatId, content), timeout]);
    } catch (error) {
      throw new OutboxSendError(classifyWhatsAppError(error));
    } finally {
      clearTimeout(timer);
    }
    await this.options.sent?.remember([sent]);
  }

  /** Never a first message to someone who did not link WhatsApp as staff. */
  private async checkRecipient(chatId: string): Promise<void> {
    const staff = await this.options.db.staffUser.findUnique({
      where: { channel_externalId: { channel: 'whatsapp', externalId: chatId } },
      select: { id: true },
    });
    if (!staff) throw new OutboxSendError({ kind: 'permanent', description: 'not a WhatsApp staff member: not sent' });
  }
}
