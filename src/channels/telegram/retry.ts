// Outgoing Bot API calls for interactive replies: telegraf does not retry, so a 429 is waited
// out (its retry_after), 5xx and network errors are retried with backoff, a few times only.
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const code = (error as { code?: string }).code;
  return name === 'FetchError' || code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EPIPE';
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
      if (attempt >= attempts) throw error;
      if (error instanceof TelegramError && error.code === 429) {
        const retryAfter = error.parameters?.retry_after ?? 1;
        if (retryAfter > maxWait) throw error;
        await sleep(retryAfter * 1000);
        continue;
      }
      const serverError = error instanceof TelegramError && error.code >= 500;
      if (serverError || isNetworkError(error)) {
        await sleep(Math.min(8000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2));
        continue;
      }
      throw error;
    }
  }
}
