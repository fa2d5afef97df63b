// The one reading of Bot API failures, used by the live bot (replies, the connection loop) and by
// the outbox's Telegram transport alike: what an error means decides whether to wait, retry, stop
// or give up, so both must read it the same way.
import { TelegramError } from 'telegraf';
import { redact } from '../../log.js';

export type TelegramFailure =
  /** 429: wait `retryAfterSeconds`, then try again. */
  | { kind: 'rate-limited'; retryAfterSeconds: number; description: string }
  /** 403: the user blocked the bot (or never started it): sending again cannot help. */
  | { kind: 'blocked'; description: string }
  /** 401, or 404 for the whole bot: a wrong token or API root, a configuration mistake. */
  | { kind: 'refused-token'; description: string }
  /** The network, a timeout, or a 5xx: try again later. */
  | { kind: 'transient'; description: string }
  /** The request itself is wrong (other 4xx): the same request would fail again. */
  | { kind: 'permanent'; description: string };

/** Errors of the connection itself (DNS, refused, reset, timed out): the Bot API was not reached. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, errno, message, type } = error as { name?: unknown; code?: unknown; errno?: unknown; message?: unknown; type?: unknown };
  if (name === 'FetchError' || name === 'AbortError' || name === 'TimeoutError' || type === 'aborted') return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (typeof errno === 'string' && NETWORK_CODES.has(errno)) return true;
  return typeof message === 'string' && /socket hang up/i.test(message);
}

/** A description safe to log or store: the token redacted, at most 500 characters. */
function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redact(message).slice(0, 500);
}

export function classifyTelegramError(error: unknown): TelegramFailure {
  if (error instanceof TelegramError) {
    const description = redact(`${error.code}: ${error.description}`).slice(0, 500);
    if (error.code === 429) return { kind: 'rate-limited', retryAfterSeconds: error.parameters?.retry_after ?? 1, description };
    if (error.code === 403) return { kind: 'blocked', description };
    if (error.code === 401 || error.code === 404) return { kind: 'refused-token', description };
    if (error.code >= 500) return { kind: 'transient', description };
    return { kind: 'permanent', description };
  }
  return { kind: 'transient', description: isNetworkError(error) ? describe(error) : `unexpected: ${describe(error)}` };
}
