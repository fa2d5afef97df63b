// The gate a send waits at just before its request leaves: grants sends in arrival order as the
// channel's limiter (limiter.ts) allows, with one timer for all waiting sends.
import type { RateLimiter, SendTicket } from './limiter.js';

/** Longest a waiting send sleeps before looking again when only a send ending can free a slot. */
const UNTIL_DONE_FALLBACK_MS = 100;

interface Waiter {
  chatId: string;
  resolve: (slot: SendTicket | null) => void;
}

/**
 * Grants sends in arrival order as the limiter allows: one timer for all waiting sends, instead of
 * every waiting send polling the limiter. A send that ends may free a slot, so it wakes the gate.
 */
export class SendGate {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private pumpWake: AbortController | undefined;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
    private readonly stopSignal: AbortSignal,
  ) {}

  /** Resolves with the slot once the send may leave, or null if stopping. */
  acquire(chatId: string): Promise<SendTicket | null> {
    if (this.stopSignal.aborted) return Promise.resolve(null);
    // Free now: go (waiters, if any, are held by their own chat's spacing, or the pump is about
    // to serve them).
    const slot = this.limiter.tryTake(chatId);
    if (typeof slot !== 'number') return Promise.resolve(slot);
    return new Promise((resolve) => {
      this.waiters.push({ chatId, resolve });
      void this.pump();
    });
  }

  /** The send's answer arrived (or it failed): its slot starts ageing out. */
  done(ticket: SendTicket): void {
    this.limiter.done(ticket);
    this.pumpWake?.abort();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        if (this.stopSignal.aborted) {
          for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
          return;
        }
        const wait = this.serve();
        if (wait > 0) {
          const wake = new AbortController();
          this.pumpWake = wake;
          // UNTIL_DONE: a send ending wakes the gate; the timeout is only a fallback.
          await this.sleep(Math.min(wait, UNTIL_DONE_FALLBACK_MS), AbortSignal.any([this.stopSignal, wake.signal])).catch(() => {});
          this.pumpWake = undefined;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Grants every waiter it can now; returns how long until the next may go. */
  private serve(): number {
    for (;;) {
      const global = this.limiter.globalDelay();
      if (global > 0) return global;
      let soonest = Infinity;
      const index = this.waiters.findIndex((w) => {
        const wait = this.limiter.chatDelay(w.chatId);
        soonest = Math.min(soonest, wait);
        return wait === 0;
      });
      if (index < 0) return soonest;
      const [waiter] = this.waiters.splice(index, 1);
      waiter!.resolve(this.limiter.take(waiter!.chatId));
      if (this.waiters.length === 0) return 0;
    }
  }
}
