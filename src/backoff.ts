// The one backoff formula: every loop that retries (the Bot API connection, interactive replies,
// the outbox rows and its database loop, the WhatsApp socket) waits this long before attempt
// `attempt` (1, 2...): doubling from `baseMs`, capped at `maxMs`, and jittered down by up to
// `jitter` of itself so that many clients failing together do not retry in lockstep.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Share of the delay taken off at random: 0.5 waits between half and all of it (default). */
  jitter?: number;
  /** Never wait less than this (default 0). */
  floorMs?: number;
  random?: () => number;
}

export function backoffMs(attempt: number, options: BackoffOptions): number {
  const doublings = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** doublings);
  const jitter = options.jitter ?? 0.5;
  const random = (options.random ?? Math.random)();
  return Math.max(options.floorMs ?? 0, Math.round(ceiling * (1 - jitter * random)));
}
