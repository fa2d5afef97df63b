// The outbox: messages jobs queue for officials (store.ts), delivered by one sender at a time
// (sender.ts, holding a lease from lease.ts) within each channel's rate limits (limiter.ts),
// through a channel's transport (src/channels/*/transport.ts; the interface is transport.ts).
export {
  type OutgoingMessage,
  type OutboxListing,
  type OutboxRow,
  type OutboxStatus,
  OUTBOX_STATUSES,
  isOutboxStatus,
  enqueue,
  listOutbox,
  retryOutbox,
  formatOutboxList,
} from './store.js';
export { OutboxSender, type OutboxSenderOptions } from './sender.js';
export { type OutboxChannel, type OutboxTransport, type PhotoSource, type SendFailure, type SendResult, OutboxSendError } from './transport.js';
export { type ChannelLimits, RateLimiter, TELEGRAM_LIMITS, WHATSAPP_LIMITS } from './limiter.js';
