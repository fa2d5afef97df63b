// The outbox's WhatsApp side without a database: the per-minute limits (20 a minute in all, 5 a
// minute to one official) on a fake clock, and how Baileys' errors are classified.
import { DisconnectReason } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { whatsAppLimits } from '../../src/channels/whatsapp/channel.js';
import { type ChannelLimits, RateLimiter, WHATSAPP_LIMITS } from '../../src/outbox/limiter.js';
import { classifyWhatsAppError } from '../../src/channels/whatsapp/transport.js';
import { FakeBoom } from '../support/fake-wa-socket.js';
import { maxInWindow } from '../support/windows.js';

function limiterAt(limits: Partial<ChannelLimits> = {}) {
  const clock = { now: 0 };
  return { clock, limiter: new RateLimiter({ ...WHATSAPP_LIMITS, marginMs: 0, ...limits }, () => clock.now) };
}

/** Sends greedily (one attempt per chat per step of `stepMs`, round robin) until `untilMs`. */
function greedy(limiter: RateLimiter, clock: { now: number }, chats: string[], untilMs: number, stepMs = 1): { at: number; chatId: string }[] {
  const sent: { at: number; chatId: string }[] = [];
  while (clock.now < untilMs) {
    for (const chatId of chats) {
      const slot = limiter.tryTake(chatId);
      if (typeof slot === 'number') continue;
      limiter.done(slot);
      sent.push({ at: clock.now, chatId });
    }
    clock.now += stepMs;
  }
  return sent;
}

describe('WhatsApp limits', () => {
  it('defaults to 20 a minute in all and 5 a minute to one chat', () => {
    expect(WHATSAPP_LIMITS).toMatchObject({ globalPerMinute: 20, perChatPerMinute: 5 });
    expect(whatsAppLimits(12, 3)).toEqual({ globalPerMinute: 12, perChatPerMinute: 3 });
  });

  it('lets 5 messages to one official go a second apart, then holds the sixth until a minute after the first', () => {
    const { clock, limiter } = limiterAt();
    const sent = greedy(limiter, clock, ['a@s.whatsapp.net'], 130_000).map((s) => s.at);
    expect(sent.slice(0, 6)).toEqual([0, 1000, 2000, 3000, 4000, 60_000]);
    expect(maxInWindow(sent, 60_000)).toBe(5);
    expect(sent).toHaveLength(15);
  });

  it('never lets more than 20 messages into any minute over many officials', () => {
    const { clock, limiter } = limiterAt();
    const chats = Array.from({ length: 50 }, (_, i) => `62812${i}@s.whatsapp.net`);
    const sent = greedy(limiter, clock, chats, 200_000, 10);
    const times = sent.map((s) => s.at);
    expect(maxInWindow(times, 60_000)).toBe(20);
    expect(sent).toHaveLength(80); // 20 from 0 s, 60 s, 120 s and 180 s
    for (const chat of chats)
      expect(
        maxInWindow(
          sent.filter((s) => s.chatId === chat).map((s) => s.at),
          60_000,
        ),
      ).toBeLessThanOrEqual(5);
  });

  it('keeps Telegram as it was: no per-minute caps for private chats', () => {
    const { clock, limiter } = limiterAt({
      globalPerSecond: 30,
      perChatPerSecond: 1,
      globalPerMinute: undefined,
      perChatPerMinute: undefined,
      isGroup: (id) => id.startsWith('-'),
    });
    const sent = greedy(limiter, clock, ['42'], 10_000);
    expect(sent).toHaveLength(10);
  });
});

describe('classifying WhatsApp send errors', () => {
  it('maps rate limits, unknown recipients, bad requests and connection trouble to the sender’s failure kinds', () => {
    expect(classifyWhatsAppError(new FakeBoom('rate-overlimit', 500, 429))).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    expect(classifyWhatsAppError(new FakeBoom('item-not-found', 500, 404)).kind).toBe('blocked');
    expect(classifyWhatsAppError(new FakeBoom('bad-request', 500, 400)).kind).toBe('permanent');
    expect(classifyWhatsAppError(new FakeBoom('Connection Closed', DisconnectReason.connectionClosed)).kind).toBe('transient');
    expect(classifyWhatsAppError(new FakeBoom('Timed Out', DisconnectReason.timedOut)).kind).toBe('transient');
    expect(classifyWhatsAppError(new FakeBoom('not-authorized', 500, 401)).kind).toBe('transient');
    expect(classifyWhatsAppError(new Error('socket hang up')).kind).toBe('transient');
  });

  it('keeps phone numbers out of the stored error', () => {
    const failure = classifyWhatsAppError(new FakeBoom('item-not-found for 6281234567890@s.whatsapp.net', 500, 404));
    expect(failure.description).not.toContain('6281234567890');
  });
});
