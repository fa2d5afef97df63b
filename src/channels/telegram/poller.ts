// Long polling that confirms an update only once it is stored and answered, without making new
// updates wait for old ones. getUpdates confirms every update below its `offset`, so the offset
// stays at the oldest update still in hand; Telegram then offers the updates in hand again with
// the new ones, and those already in hand are skipped. While updates are in hand the next poll
// waits for one to finish (no busy loop); the updates in hand stay within one getUpdates answer
// (100) from the offset.
//
// A failed update (not stored, or its answer not sent) holds the offset and is handled again when
// Telegram offers it after a backoff; after MAX_UPDATE_ATTEMPTS it is given up with an error line.
import { backoffMs } from '../../backoff.js';
import type { Logger } from '../../log.js';
import type { Intake } from '../pipeline.js';

/** A polled update whose handling keeps failing is given up after this many attempts. */
export const MAX_UPDATE_ATTEMPTS = 8;
/** Polls while updates are in hand are at least this far apart (plus 1 ms per 5 offered again). */
const MIN_POLL_GAP_MS = 10;
/** The most updates one getUpdates answer holds. */
const WINDOW = 100;
/** Longest wait for the offset to move after a full window before asking again anyway. */
const FULL_WINDOW_WAIT_MS = 1_000;
const LONG_POLL_SECONDS = 50;
/** While updates are in hand and nothing new came, new ones are looked for this often. */
const RECHECK_MS = 50;
/** While only failed updates are open (waiting for their retry), new ones are looked for this often. */
const FAILED_POLL_MS = 1_000;

export interface PollerOptions {
  /** getUpdates from `offset`: the updates, 'conflict' (409), or undefined when the channel stopped. */
  fetch(offset: number, timeoutSeconds: number): Promise<{ update_id: number }[] | 'conflict' | undefined>;
  handle(update: unknown): Promise<Intake>;
  /** Sleeps unless the channel stops meanwhile; false when it stopped. */
  pause(ms: number): Promise<boolean>;
  signal: AbortSignal;
  log: Logger;
  maxBackoffMs: number;
  /** Told when another poller or a webhook holds the bot (409). */
  onConflict(): void;
}

interface Failed {
  attempts: number;
  /** Handled again when offered at or after this time (ms, Date.now()). */
  retryAt: number;
}

export class Poller {
  /** Updates being handled. */
  private readonly inHand = new Map<number, Promise<Intake>>();
  /** Updates finished (stored and answered, ignored, dropped, or given up) but not yet confirmed. */
  private readonly finished = new Set<number>();
  private readonly failed = new Map<number, Failed>();
  /** Every update below this offset is finished (and confirmed by the next getUpdates). */
  private confirmed = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PollerOptions) {}

  async run(): Promise<void> {
    const { signal } = this.options;
    while (!signal.aborted) {
      const offset = this.offset();
      // With updates in hand Telegram answers at once anyway (they are still pending).
      const updates = await this.options.fetch(offset, this.inHand.size > 0 ? 0 : LONG_POLL_SECONDS);
      if (updates === undefined) return;
      if (updates === 'conflict') {
        this.options.onConflict();
        if (!(await this.options.pause(backoffMs(4, { baseMs: 500, maxMs: this.options.maxBackoffMs })))) return;
        continue;
      }
      // Copies of one update in one answer (Telegram unsure it arrived) are all handled, in order:
      // the claim makes the later ones duplicates.
      const fresh = new Map<number, unknown[]>();
      for (const update of updates) {
        const id = update.update_id;
        // An id below the offset is not skipped: handed out again, it is a duplicate to its claim.
        if (!Number.isSafeInteger(id) || this.inHand.has(id) || this.finished.has(id)) continue;
        const failed = this.failed.get(id);
        if (failed && failed.retryAt > Date.now()) continue;
        const copies = fresh.get(id);
        if (copies) copies.push(update);
        else fresh.set(id, [update]);
      }
      for (const [id, copies] of fresh) this.take(id, copies);
      if (this.inHand.size > 0) {
        if (!(await this.beforeNextPoll(offset, updates.length >= WINDOW))) return;
      } else if (this.failed.size > 0) {
        // Only failed updates are open, and Telegram keeps offering them: look again at their
        // retry time, or within a second for new updates.
        let soonest = Infinity;
        for (const f of this.failed.values()) soonest = Math.min(soonest, f.retryAt);
        if (!(await this.options.pause(Math.min(FAILED_POLL_MS, Math.max(0, soonest - Date.now()))))) return;
      }
    }
  }

  /**
   * With updates in hand, Telegram would answer the next poll at once with them again. So ask
   * again when one finishes (the offset may move, new updates may have come), at the latest after
   * RECHECK_MS (an export taking seconds must not hold back the next citizen); when the last
   * answer was a full window, only once the offset moves (nothing new fits in it before); and
   * never more often than a gap that grows with the updates offered again each time. False when
   * the channel stopped.
   */
  private async beforeNextPoll(offset: number, windowFull: boolean): Promise<boolean> {
    const since = Date.now();
    for (;;) {
      await this.nextFinish(RECHECK_MS);
      if (this.options.signal.aborted) return false;
      if (this.inHand.size === 0 || !windowFull || this.offset() !== offset || Date.now() - since >= FULL_WINDOW_WAIT_MS) break;
    }
    const gap = MIN_POLL_GAP_MS + (this.inHand.size + this.finished.size) / 5 - (Date.now() - since);
    return gap <= 0 || (await this.options.pause(gap));
  }

  /**
   * The next getUpdates offset: the oldest update not finished, so that every update it confirms
   * (those below it) is stored and answered; past the newest finished one when none is open.
   */
  private offset(): number {
    let oldestOpen = Infinity;
    for (const id of this.inHand.keys()) oldestOpen = Math.min(oldestOpen, id);
    for (const id of this.failed.keys()) oldestOpen = Math.min(oldestOpen, id);
    for (const id of this.finished) {
      if (id < oldestOpen) {
        this.confirmed = Math.max(this.confirmed, id + 1);
        this.finished.delete(id);
      }
    }
    return oldestOpen === Infinity ? this.confirmed : oldestOpen;
  }

  private take(id: number, copies: unknown[]): void {
    const handling = Promise.all(copies.map((update) => this.options.handle(update))).then(worst);
    this.inHand.set(id, handling);
    void handling
      .catch((error: unknown): Intake => {
        this.options.log.error({ err: error, updateId: id }, 'update handling failed');
        return 'failed';
      })
      .then((intake) => {
        this.inHand.delete(id);
        if (intake === 'failed' || intake === 'stopping') {
          const attempts = (this.failed.get(id)?.attempts ?? 0) + 1;
          if (intake === 'stopping' || attempts < MAX_UPDATE_ATTEMPTS) {
            const wait = backoffMs(attempts, { baseMs: 500, maxMs: this.options.maxBackoffMs });
            this.failed.set(id, { attempts, retryAt: Date.now() + wait });
          } else {
            this.options.log.error({ updateId: id, attempts }, 'update given up after repeated failures');
            this.failed.delete(id);
            this.finished.add(id);
          }
        } else {
          this.failed.delete(id);
          this.finished.add(id);
        }
        this.wake?.();
      });
  }

  /** Resolves when an update in hand is finished, the channel stops, or `timeoutMs` passed. */
  private nextFinish(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.options.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.wake = done;
      this.options.signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** What became of an update handed out several times at once: failed if any copy failed. */
function worst(intakes: Intake[]): Intake {
  for (const bad of ['stopping', 'failed'] as const) if (intakes.includes(bad)) return bad;
  return intakes[0] ?? 'accepted';
}
