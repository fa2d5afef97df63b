// What the outbox sender needs from a channel: send a text, send a photo (uploaded, or by an id the
// channel gave for an earlier upload), and say what kind of failure an error was. The sender knows
// nothing else about Telegram or WhatsApp.

export type OutboxChannel = 'telegram' | 'whatsapp';

/** How a failed send is handled (see sender.ts). */
export type SendFailure =
  /** Too many requests: wait `retryAfterSeconds`. chatSpecific: undefined when the channel does not say. */
  | { kind: 'rate-limited'; retryAfterSeconds: number; chatSpecific?: boolean; description: string }
  /** The recipient refused the bot (blocked it, deactivated, never started it): never retried. */
  | { kind: 'blocked'; description: string }
  /** Network trouble or a server error: retried with backoff. */
  | { kind: 'transient'; description: string }
  /** The request itself is wrong (400): failed at once. */
  | { kind: 'permanent'; description: string };

/** Thrown by transports: a failed send, already classified. */
export class OutboxSendError extends Error {
  override name = 'OutboxSendError';
  constructor(readonly failure: SendFailure) {
    super(failure.description);
  }
}

export type PhotoSource = { fileId: string } | { filename: string; content: Buffer; contentType: string };

export interface SendResult {
  /** The channel's id for an uploaded photo, to send the same file again without uploading it. */
  fileId?: string;
}

export interface OutboxTransport {
  sendText(chatId: string, text: string): Promise<SendResult>;
  sendPhoto(chatId: string, photo: PhotoSource, caption: string): Promise<SendResult>;
}
