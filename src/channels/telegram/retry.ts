// Outgoing Bot API calls for interactive replies: telegraf does not retry, so a 429 is waited
// out (its retry_after), network errors and 5xx are retried with backoff, a few times only. The
// reading of an error is the one the outbox uses too (errors.ts).
import { type Telegram, TelegramError } from 'telegraf';
import { backoffMs } from '../../backoff.js';
import { classifyTelegramError, isNetworkError } from './errors.js';

export { isNetworkError };

export interface RetryOptions {
  attempts?: number;
  /** A 429 asking to wait longer than this is not waited for (the reply is dropped and logged). */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** telegraf types its abort signal as the abort-controller polyfill's; node-fetch, which it uses, takes Node's own. */
export type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;
export const telegrafSignal = (signal: AbortSignal): TelegrafSignal => signal as unknown as TelegrafSignal;

export class TelegramBlockedError extends Error {
  override name = 'TelegramBlockedError';
}

/** Telegram answered 401 (or 404 for the bot): the token is wrong or was revoked. Retrying cannot help. */
export class TelegramUnauthorizedError extends Error {
  override name = 'TelegramUnauthorizedError';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Worth trying again later: a 429, a 5xx, or the network (not an unexpected error of ours). */
export function isTransient(error: unknown): boolean {
  const failure = classifyTelegramError(error);
  return failure.kind === 'rate-limited' || (failure.kind === 'transient' && (error instanceof TelegramError || isNetworkError(error)));
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const maxWait = options.maxRetryAfterSeconds ?? 30;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = classifyTelegramError(error);
      if (failure.kind === 'blocked') throw new TelegramBlockedError(failure.description);
      if (failure.kind === 'refused-token') throw new TelegramUnauthorizedError(failure.description);
      if (attempt >= attempts) throw error;
      if (failure.kind === 'rate-limited') {
        if (failure.retryAfterSeconds > maxWait) throw error;
        await sleep(failure.retryAfterSeconds * 1000);
        continue;
      }
      if (isTransient(error)) {
        await sleep(backoffMs(attempt + 1, { baseMs: 250, maxMs: 8000 }));
        continue;
      }
      throw error;
    }
  }
}
