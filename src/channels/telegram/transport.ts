// The outbox's Telegram transport (it lives with the channel; the outbox knows only transport.ts): sendMessage and sendPhoto through telegraf's Telegram client,
// with telegraf's errors turned into the sender's four kinds of failure. Texts go as plain text
// (no parse mode), exactly as the jobs composed them.
import { Telegram } from 'telegraf';
import { OutboxSendError, type OutboxTransport, type PhotoSource, type SendFailure, type SendResult } from '../../outbox/transport.js';
import { classifyTelegramError } from './errors.js';
import { type TelegrafSignal, telegrafSignal } from './retry.js';

export interface TelegramTransportOptions {
  token: string;
  /** Another Bot API server (a self-hosted one, or the fake one in tests). */
  apiRoot?: string | undefined;
  /** A request that has not answered after this long is abandoned and retried (default 30 s). */
  requestTimeoutMs?: number;
}

/** What a Bot API error means for an outbox row (the reading is the live bot's too: errors.ts). */
export function classifyForOutbox(error: unknown): SendFailure {
  const failure = classifyTelegramError(error);
  // A wrong token or API root is the configuration's fault, not the row's: it waits, and is retried.
  if (failure.kind === 'refused-token') return { kind: 'transient', description: failure.description };
  return failure;
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

  /** A timeout for one request. */
  private signal(): TelegrafSignal {
    return telegrafSignal(AbortSignal.timeout(this.timeoutMs));
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new OutboxSendError(classifyForOutbox(error));
    }
  }
}
