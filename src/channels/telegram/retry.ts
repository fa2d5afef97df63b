// Outgoing Bot API calls for interactive replies: telegraf does not retry, so a 429 is waited
// out (its retry_after), 5xx and network errors are retried with backoff, a few times only.
// Also the classification the channel's connection loop uses: unreachable (retry) versus a token
// Telegram refuses (stop).
import { TelegramError } from 'telegraf';

export interface RetryOptions {
  attempts?: number;
  /** A 429 asking to wait longer than this is not waited for (the reply is dropped and logged). */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class TelegramBlockedError extends Error {
  override name = 'TelegramBlockedError';
}

/** Telegram answered 401: the token is wrong or was revoked. Retrying cannot help. */
export class TelegramUnauthorizedError extends Error {
  override name = 'TelegramUnauthorizedError';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  const name = (error as { name?: string }).name;
  const code = (error as { code?: string; errno?: string }).code ?? (error as { errno?: string }).errno;
  return name === 'FetchError' || (typeof code === 'string' && NETWORK_CODES.has(code));
}

/** Worth trying again later: the network, a 5xx or a 429. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TelegramError) return error.code === 429 || error.code >= 500;
  return isNetworkError(error);
}

/** Exponential backoff with jitter: attempt 1 waits about `baseMs`, doubling up to `maxMs`. */
export function backoffMs(attempt: number, baseMs = 250, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling * (0.5 + Math.random() / 2);
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const maxWait = options.maxRetryAfterSeconds ?? 30;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof TelegramError && error.code === 403) throw new TelegramBlockedError(error.description);
      if (error instanceof TelegramError && error.code === 401) throw new TelegramUnauthorizedError(error.description);
      if (attempt >= attempts) throw error;
      if (error instanceof TelegramError && error.code === 429) {
        const retryAfter = error.parameters?.retry_after ?? 1;
        if (retryAfter > maxWait) throw error;
        await sleep(retryAfter * 1000);
        continue;
      }
      if (isTransient(error)) {
        await sleep(backoffMs(attempt + 1, 250, 8000));
        continue;
      }
      throw error;
    }
  }
}
