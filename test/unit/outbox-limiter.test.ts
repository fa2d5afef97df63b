// The outbox's rate limiter on a fake clock: Telegram's limits as the fake Bot API checks them
// (at most N sends in any 1000 ms window, a spacing per chat, 20 per minute per group), and how
// 429s pause a chat or everything.
import { describe, expect, it } from 'vitest';
import { type ChannelLimits, RateLimiter, TELEGRAM_LIMITS, UNTIL_DONE } from '../../src/outbox/limiter.js';
import { maxInWindow } from '../support/windows.js';

function limiterAt(limits: Partial<ChannelLimits> = {}) {
  const clock = { now: 0 };
  const limiter = new RateLimiter({ ...TELEGRAM_LIMITS, marginMs: 0, ...limits }, () => clock.now);
  return { clock, limiter };
}

/** A send whose answer arrives at once. True if the limiter let it go. */
function sendNow(limiter: RateLimiter, chatId: string): boolean {
  const slot = limiter.tryTake(chatId);
  if (typeof slot === 'number') return false;
  limiter.done(slot);
  return true;
}

/** Sends as fast as the limiter allows, one millisecond per step; returns the send times per chat. */
function greedy(limiter: RateLimiter, clock: { now: number }, chats: string[], untilMs: number): { at: number; chatId: string }[] {
  const sent: { at: number; chatId: string }[] = [];
  let next = 0;
  while (clock.now < untilMs) {
    for (let i = 0; i < chats.length; i++) {
      const chatId = chats[(next + i) % chats.length]!;
      if (sendNow(limiter, chatId)) {
        sent.push({ at: clock.now, chatId });
        next = (next + i + 1) % chats.length;
        break;
      }
    }
    clock.now += 1;
  }
  return sent;
}

describe('the global limit', () => {
  it('allows N sends at once, then the next only when the first leaves the 1-second window', () => {
    const { clock, limiter } = limiterAt({ globalPerSecond: 3 });
    for (const chat of ['a', 'b', 'c']) expect(sendNow(limiter, chat)).toBe(true);
    expect(limiter.tryTake('d')).toBe(1000);
    clock.now = 999;
    expect(limiter.globalDelay()).toBe(1);
    clock.now = 1000;
    expect(sendNow(limiter, 'd')).toBe(true);
  });

  it('counts a send in the window until its answer arrived, however long it took', () => {
    const { clock, limiter } = limiterAt({ globalPerSecond: 2 });
    const a = limiter.take('a');
    const b = limiter.take('b');
    expect(limiter.globalDelay()).toBe(UNTIL_DONE); // only an answer can free a slot
    clock.now = 700; // a is answered: the server stamped it at some time up to now
    limiter.done(a);
    expect(limiter.globalDelay()).toBe(1000);
    clock.now = 800;
    limiter.done(b);
    expect(limiter.globalDelay()).toBe(900); // a leaves the window 1000 ms after its answer
    clock.now = 1700;
    expect(sendNow(limiter, 'c')).toBe(true);
    expect(limiter.globalDelay()).toBe(100); // then b
  });

  it('never lets more than N sends into any 1000 ms window, even after a pause (no burst)', () => {
    const { clock, limiter } = limiterAt({ globalPerSecond: 30 });
    const chats = Array.from({ length: 500 }, (_, i) => String(i + 1));
    const first = greedy(limiter, clock, chats, 3_000);
    clock.now += 2_500; // idle: a token bucket would now allow a burst
    const second = greedy(limiter, clock, chats, clock.now + 3_000);
    const times = [...first, ...second].map((s) => s.at);
    expect(maxInWindow(times, 1000)).toBe(30);
    // ...and still reaches the limit: 30 per second over each 3-second run.
    expect(first.length).toBe(90);
    expect(second.length).toBe(90);
  });

  it('widens the window by the margin', () => {
    const { clock, limiter } = limiterAt({ globalPerSecond: 2, marginMs: 50 });
    sendNow(limiter, 'a');
    sendNow(limiter, 'b');
    clock.now = 1000;
    expect(limiter.globalDelay()).toBe(50);
    clock.now = 1050;
    expect(limiter.globalDelay()).toBe(0);
  });
});

describe('per chat', () => {
  it('spaces two messages to one private chat by a second, other chats unaffected', () => {
    const { clock, limiter } = limiterAt({ marginMs: 20 });
    const slot = limiter.take('42');
    expect(limiter.chatDelay('42')).toBe(UNTIL_DONE); // one at a time
    limiter.done(slot);
    expect(limiter.chatDelay('42')).toBe(1020);
    expect(limiter.delay('43')).toBe(0);
    clock.now = 1020;
    expect(limiter.delay('42')).toBe(0);
  });

  it('keeps any one chat at its spacing when sending greedily to a few chats', () => {
    const { clock, limiter } = limiterAt({ globalPerSecond: 30, perChatPerSecond: 1 });
    const sent = greedy(limiter, clock, ['1', '2', '3'], 5_000);
    for (const chat of ['1', '2', '3']) {
      const times = sent.filter((s) => s.chatId === chat).map((s) => s.at);
      expect(times.length).toBe(5);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
  });

  it('holds a group chat to 20 messages in any minute', () => {
    const { clock, limiter } = limiterAt({ groupPerMinute: 20 });
    const sent = greedy(limiter, clock, ['-100123'], 130_000);
    const times = sent.map((s) => s.at);
    expect(maxInWindow(times, 60_000)).toBe(20);
    expect(times.length).toBe(50); // at 1/s: 20 from 0 s, 20 from 60 s, 10 from 120 s
  });

  it('treats negative Telegram ids as groups and positive ones as private chats', () => {
    const { limiter } = limiterAt({ groupPerMinute: 1, perChatPerSecond: 1000 });
    sendNow(limiter, '-5');
    sendNow(limiter, '5');
    expect(limiter.chatDelay('-5')).toBeGreaterThan(59_000);
    expect(limiter.chatDelay('5')).toBeLessThanOrEqual(1);
  });
});

describe('after a 429', () => {
  it('pauses only that chat for retry_after when it is the only one', () => {
    const { clock, limiter } = limiterAt();
    limiter.throttled('7', 3000);
    expect(limiter.chatDelay('7')).toBe(3000);
    expect(limiter.delay('8')).toBe(0);
    clock.now = 3000;
    expect(limiter.delay('7')).toBe(0);
  });

  it('pauses everything and slows the pace when 429s come from two chats in a row', () => {
    const { clock, limiter } = limiterAt({ globalPerSecond: 30 });
    limiter.throttled('7', 1000);
    clock.now = 500;
    limiter.throttled('8', 1000);
    expect(limiter.delay('9')).toBe(1000);
    expect(limiter.pace).toBeLessThan(1);
    clock.now = 1500;
    const sent = greedy(
      limiter,
      clock,
      Array.from({ length: 100 }, (_, i) => String(100 + i)),
      2500,
    );
    expect(sent.length).toBeLessThan(30);
    expect(sent.length).toBeGreaterThanOrEqual(Math.floor(30 * 0.8));
  });

  it('pauses everything at once when the channel says the limit is global', () => {
    const { limiter } = limiterAt();
    limiter.throttled('7', 2000, false);
    expect(limiter.delay('8')).toBe(2000);
  });

  it('does not pause other chats for repeated 429s from one chat, or chat-specific ones', () => {
    const { clock, limiter } = limiterAt();
    limiter.throttled('7', 1000);
    clock.now = 100;
    limiter.throttled('7', 1000);
    limiter.throttled('8', 1000, true);
    expect(limiter.delay('9')).toBe(0);
    expect(limiter.pace).toBe(1);
  });

  it('recovers the full pace step by step once the 429s stop', () => {
    const { clock, limiter } = limiterAt();
    limiter.throttled('7', 1000, false);
    limiter.throttled('8', 1000, false);
    const slowed = limiter.pace;
    expect(slowed).toBeCloseTo(0.64);
    clock.now = 10_000;
    limiter.globalDelay();
    expect(limiter.pace).toBeCloseTo(slowed + 0.1);
    for (let i = 0; i < 10; i++) {
      clock.now += 10_000;
      limiter.globalDelay();
    }
    expect(limiter.pace).toBe(1);
  });
});
