// The outbox's Telegram transport: sendMessage and sendPhoto through telegraf's Telegram client,
// with telegraf's errors turned into the sender's four kinds of failure. Texts go as plain text
// (no parse mode), exactly as the jobs composed them.
import { Telegram, TelegramError } from 'telegraf';
import { redact } from '../log.js';
import { OutboxSendError, type OutboxTransport, type PhotoSource, type SendFailure, type SendResult } from './transport.js';

export interface TelegramTransportOptions {
  token: string;
  /** Another Bot API server (a self-hosted one, or the fake one in tests). */
  apiRoot?: string | undefined;
  /** A request that has not answered after this long is abandoned and retried (default 30 s). */
  requestTimeoutMs?: number;
}

type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

function isNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, type } = error as { name?: unknown; code?: unknown; message?: unknown; type?: unknown };
  if (name === 'FetchError' || name === 'AbortError' || type === 'aborted') return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return typeof message === 'string' && /socket hang up/i.test(message);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redact(message).slice(0, 500);
}

/** What a telegraf error means for an outbox row. */
export function classifyTelegramError(error: unknown): SendFailure {
  if (error instanceof TelegramError) {
    const description = redact(`${error.code}: ${error.description}`).slice(0, 500);
    if (error.code === 429) return { kind: 'rate-limited', retryAfterSeconds: error.parameters?.retry_after ?? 1, description };
    if (error.code === 403) return { kind: 'blocked', description };
    // 5xx, and 401/404 (a wrong token or API root is the configuration's fault, not the row's).
    if (error.code >= 500 || error.code === 401 || error.code === 404) return { kind: 'transient', description };
    return { kind: 'permanent', description };
  }
  // Network errors are retried; so is anything unexpected, within the row's attempt limit.
  return { kind: 'transient', description: isNetworkError(error) ? describe(error) : `unexpected: ${describe(error)}` };
}

/** The file_id of the largest size Telegram made of a photo it received. */
export function photoFileId(message: { photo?: readonly { file_id: string }[] } | undefined): string | undefined {
  return message?.photo?.at(-1)?.file_id;
}

export class TelegramTransport implements OutboxTransport {
  private readonly telegram: Telegram;
  private readonly timeoutMs: number;

  constructor(options: TelegramTransportOptions) {
    this.telegram = new Telegram(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async sendText(chatId: string, text: string): Promise<SendResult> {
    await this.call(() => this.telegram.callApi('sendMessage', { chat_id: chatId, text }, { signal: this.signal() }));
    return {};
  }

  async sendPhoto(chatId: string, photo: PhotoSource, caption: string): Promise<SendResult> {
    const file = 'fileId' in photo ? photo.fileId : { source: photo.content, filename: photo.filename };
    const payload = { chat_id: chatId, photo: file, ...(caption ? { caption } : {}) };
    const message = await this.call(() => this.telegram.callApi('sendPhoto', payload, { signal: this.signal() }));
    const fileId = 'fileId' in photo ? undefined : photoFileId(message);
    return fileId ? { fileId } : {};
  }

  /**
   * A timeout for one request. telegraf types its signal as the abort-controller polyfill's;
   * node-fetch, which it uses, accepts Node's own AbortSignal at runtime.
   */
  private signal(): TelegrafSignal {
    return AbortSignal.timeout(this.timeoutMs) as unknown as TelegrafSignal;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new OutboxSendError(classifyTelegramError(error));
    }
  }
}
