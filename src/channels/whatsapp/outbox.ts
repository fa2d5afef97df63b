// The outbox sender the WhatsApp connection runs for officials' WhatsApp rows while it holds the
// socket: the transport sends through that socket, at the pace set here, and what it sends is
// kept like any reply (sent-store.ts) so that a retry receipt for it can be answered.
import type { Db } from '../../db/client.js';
import type { ChannelLimits } from '../../outbox/limiter.js';
import { OutboxSender, type OutboxSenderOptions } from '../../outbox/sender.js';
import type { Logger } from '../../log.js';
import type { SentMessageStore } from './sent-store.js';
import { WhatsAppTransport, type WhatsAppSender } from './transport.js';

/** The outbox sender this channel runs for WhatsApp rows while it holds the socket. */
export interface WhatsAppOutboxOptions {
  /** Messages per minute over all officials (default 20). */
  perMinute: number;
  /** Messages per minute to one official (default 5). */
  perChatPerMinute: number;
  /** Anything else the sender takes (attempts, backoff, clock, sleep...). */
  sender?: Partial<Omit<OutboxSenderOptions, 'db' | 'transports' | 'log'>>;
}

/** The limiter's terms for "perMinute over all, perChatPerMinute to one official" (on top of WHATSAPP_LIMITS). */
export function whatsAppLimits(perMinute: number, perChatPerMinute: number): Partial<ChannelLimits> {
  return { globalPerMinute: perMinute, perChatPerMinute };
}

/** A sender for the WhatsApp rows, through `socket` (undefined while disconnected). */
export function whatsAppOutboxSender(
  outbox: WhatsAppOutboxOptions,
  parts: { db: Db; log: Logger; socket: () => WhatsAppSender | undefined; sent: SentMessageStore },
): OutboxSender {
  const transport = new WhatsAppTransport({ socket: parts.socket, db: parts.db, sent: parts.sent });
  return new OutboxSender({
    leaseName: 'outbox-sender-whatsapp',
    ...outbox.sender,
    db: parts.db,
    transports: { whatsapp: transport },
    log: parts.log,
    limits: { whatsapp: whatsAppLimits(outbox.perMinute, outbox.perChatPerMinute) },
  });
}
