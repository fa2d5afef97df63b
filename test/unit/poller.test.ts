// The long-polling loop (src/channels/telegram/poller.ts) against a scripted getUpdates with
// Telegram's rule: an offset confirms (drops) every update below it, and unconfirmed updates are
// offered again. Must hold: a slow update does not hold back later ones; no update is confirmed
// before it is finished; a poll with nothing new waits instead of spinning; a failed update is
// handled again, and given up after MAX_UPDATE_ATTEMPTS.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { MAX_UPDATE_ATTEMPTS, Poller } from '../../src/channels/telegram/poller.js';
import type { Intake } from '../../src/channels/pipeline.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ScriptedTelegram {
  queue: number[] = [];
  offsets: number[] = [];
  fetches = 0;
  constructor(private readonly signal: AbortSignal) {}

  async fetch(offset: number, timeoutSeconds: number): Promise<{ update_id: number }[] | undefined> {
    this.fetches++;
    this.offsets.push(offset);
    this.queue = this.queue.filter((id) => id >= offset);
    const deadline = Date.now() + Math.min(timeoutSeconds * 1000, 50);
    while (this.queue.length === 0 && Date.now() < deadline && !this.signal.aborted) await sleep(2);
    if (this.signal.aborted) return undefined;
    return this.queue.slice(0, 100).map((update_id) => ({ update_id }));
  }
}

function setUp(handle: (id: number) => Promise<Intake>) {
  const abort = new AbortController();
  const telegram = new ScriptedTelegram(abort.signal);
  const poller = new Poller({
    fetch: (offset, timeout) => telegram.fetch(offset, timeout),
    handle: (update) => handle((update as { update_id: number }).update_id),
    pause: async (ms) => {
      await sleep(Math.min(ms, 5));
      return !abort.signal.aborted;
    },
    signal: abort.signal,
    log: createLogger('silent'),
    maxBackoffMs: 5,
    onConflict: () => {},
  });
  const running = poller.run();
  return { telegram, stop: async () => (abort.abort(), await running) };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(2);
  }
}

describe('long polling', () => {
  it('handles later updates while an earlier one is slow, and confirms nothing past the slow one until it is done', async () => {
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const done: number[] = [];
    const { telegram, stop } = setUp(async (id) => {
      if (id === 1) await slow;
      done.push(id);
      return 'accepted';
    });
    telegram.queue.push(1, 2, 3);
    await until(() => done.includes(2) && done.includes(3));
    telegram.queue.push(4);
    await until(() => done.includes(4));
    expect(done).not.toContain(1);
    // While 1 is in hand, no getUpdates confirmed it (offset ≤ 1), and 2–4 were handled once each.
    expect(telegram.offsets.every((o) => o <= 1)).toBe(true);
    expect(done).toEqual([2, 3, 4]);
    expect(telegram.offsets.length).toBeGreaterThan(1);
    // Nothing new while 1 is in hand: the poller looks again now and then (every 50 ms), it does
    // not spin (a spinning loop asks hundreds of times in 200 ms).
    const fetches = telegram.fetches;
    await sleep(200);
    expect(telegram.fetches - fetches).toBeLessThanOrEqual(10);
    telegram.queue.push(5);
    await until(() => done.includes(5));
    releaseSlow();
    await until(() => telegram.offsets.at(-1) === 6);
    expect(done).toEqual([2, 3, 4, 5, 1]);
    await stop();
  });

  it('handles a failed update again, and gives it up after the last attempt while the others go on', async () => {
    const attempts = new Map<number, number>();
    const { telegram, stop } = setUp(async (id) => {
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (id === 10) return 'failed';
      if (id === 11 && attempts.get(11)! < 3) return 'failed';
      return 'accepted';
    });
    telegram.queue.push(10, 11, 12);
    await until(() => (attempts.get(10) ?? 0) >= MAX_UPDATE_ATTEMPTS && telegram.offsets.at(-1) === 13);
    expect(attempts.get(10)).toBe(MAX_UPDATE_ATTEMPTS);
    expect(attempts.get(11)).toBe(3);
    expect(attempts.get(12)).toBe(1);
    await stop();
  });

  it('with a full window held by a slow update, waits for it instead of asking for the same 100 again and again', async () => {
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const done = new Set<number>();
    const { telegram, stop } = setUp(async (id) => {
      if (id === 1) await slow;
      done.add(id);
      return 'accepted';
    });
    for (let id = 1; id <= 150; id++) telegram.queue.push(id);
    await until(() => done.size === 99);
    const fetches = telegram.fetches;
    await sleep(300);
    // Nothing past 100 fits in the window while 1 holds the offset: no new polls for 300 ms but
    // the one a second at most (the fake answers each poll at once, so spinning would be hundreds).
    expect(telegram.fetches - fetches).toBeLessThanOrEqual(1);
    expect(done.has(101)).toBe(false);
    releaseSlow();
    await until(() => done.size === 150);
    expect(telegram.offsets.filter((o) => o > 1).length).toBeGreaterThan(0);
    await stop();
  });
});
