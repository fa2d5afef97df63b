// Rate limits for one outgoing channel, mirroring Telegram's: a global cap over all chats, a
// minimum spacing between two messages to the same chat, and a per-minute cap for group chats.
// Channels that must stay far slower (WhatsApp bans bulk senders) add per-minute caps over all
// chats and per chat, as sliding 60-second windows like the others.
// Pure bookkeeping with an injected clock: the sender asks how long to wait, takes a slot just
// before a request leaves, gives it back (done) when the answer arrives, and reports 429s.
//
// The global cap is a sliding window ("at most N sends in any 1000 ms", as the server counts),
// not a token bucket: a bucket allows a burst of N right after N sends, which the server counts
// as 2N in one second. The server stamps a request somewhere between the moment it leaves and the
// moment its answer is back, so a send counts in the window until its answer arrived plus the
// window: then the server's stamps of two sends N apart are always at least a window apart, however
// long requests take (a slow first connection, a busy event loop). A send still in flight counts
// as not yet ended. `marginMs` widens every window further, for servers on another clock.
//
// A 429 pauses its chat for retry_after. Telegram does not say whether a 429 is about one chat or
// the whole bot, so a second 429 from another chat soon after (or one known not to be
// chat-specific) is taken as a global one: everything pauses for retry_after and the global pace
// drops, recovering step by step once the 429s stop.

export interface ChannelLimits {
  /** Messages per second over all chats (Telegram: about 30). */
  globalPerSecond: number;
  /** Messages per second in one chat (Telegram: about 1 in private chats). */
  perChatPerSecond: number;
  /** Messages per minute in one group chat (Telegram: 20). */
  groupPerMinute: number;
  /** Added to every window, for a server whose clock differs from ours in its granularity. */
  marginMs: number;
  /** Whether a chat id is a group (Telegram: negative ids). */
  isGroup: (chatId: string) => boolean;
  /** Messages per minute over all chats, on top of globalPerSecond (WhatsApp: 20). */
  globalPerMinute?: number | undefined;
  /** Messages per minute to one chat, on top of perChatPerSecond (WhatsApp: 5). */
  perChatPerMinute?: number | undefined;
}

export const TELEGRAM_LIMITS: ChannelLimits = {
  globalPerSecond: 30,
  perChatPerSecond: 1,
  groupPerMinute: 20,
  marginMs: 5,
  isGroup: (chatId) => chatId.startsWith('-'),
};

/**
 * WhatsApp publishes no bot limits for personal accounts; stay far below anything bulk-like: at
 * most 20 messages a minute in all and 5 a minute to one official (a summary and its chart still
 * go a second apart).
 */
export const WHATSAPP_LIMITS: ChannelLimits = {
  globalPerSecond: 1,
  perChatPerSecond: 1,
  groupPerMinute: 20,
  globalPerMinute: 20,
  perChatPerMinute: 5,
  marginMs: 5,
  isGroup: (chatId) => chatId.endsWith('@g.us'),
};

const MINUTE_MS = 60_000;

/** Two 429s from different chats this close together are read as a global limit. */
const GLOBAL_429_WINDOW_MS = 2_000;
/** The pace drops by this factor per global 429, down to PACE_FLOOR of the configured limit. */
const PACE_DROP = 0.8;
const PACE_FLOOR = 0.3;
/** Without 429s for this long, the pace recovers one step (PACE_STEP) towards the full limit. */
const PACE_RECOVERY_MS = 10_000;
const PACE_STEP = 0.1;
/** Per-chat bookkeeping is pruned every this many sends. */
const PRUNE_EVERY = 1_000;

/** A slot taken for one send; give it back with done() when the answer (or an error) arrives. */
export interface SendTicket {
  readonly chatId: string;
}

/** Returned by the delays while only a send in flight finishing can free a slot. */
export const UNTIL_DONE = Infinity;

export class RateLimiter {
  private readonly limits: ChannelLimits;
  private readonly now: () => number;
  /** End times of recent sends over all chats, oldest first, within the global window. */
  private readonly ended: number[] = [];
  /** The same within the last minute, kept only when there is a per-minute global cap. */
  private readonly endedInMinute: number[] = [];
  private inFlight = 0;
  private readonly chatsInFlight = new Set<string>();
  private readonly lastInChat = new Map<string, number>();
  /** Per chat with a per-minute cap (groups; every chat under perChatPerMinute): end times within the minute, and sends in flight. */
  private readonly groups = new Map<string, { ended: number[]; inFlight: number }>();
  private readonly chatPausedUntil = new Map<string, number>();
  private globalPausedUntil = 0;
  private paceFactor = 1;
  private paceChangedAt = 0;
  private last429: { chatId: string; at: number } | undefined;
  private sends = 0;

  constructor(limits: ChannelLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  /** The fraction of the configured global limit currently used (1 unless 429s slowed it). */
  get pace(): number {
    return this.paceFactor;
  }

  /** Milliseconds until a send to any chat is allowed by the global limit and pause (0: now). */
  globalDelay(): number {
    const now = this.now();
    this.recover(now);
    const window = 1000 + this.limits.marginMs;
    const cap = Math.max(1, Math.floor(this.limits.globalPerSecond * this.paceFactor));
    let limit = windowDelay(this.ended, this.inFlight, cap, window, now);
    const perMinute = this.limits.globalPerMinute;
    if (perMinute !== undefined) {
      const minuteCap = Math.max(1, Math.floor(perMinute * this.paceFactor));
      limit = Math.max(limit, windowDelay(this.endedInMinute, this.inFlight, minuteCap, MINUTE_MS + this.limits.marginMs, now));
    }
    return Math.max(limit, this.globalPausedUntil - now, 0);
  }

  /** Milliseconds until this chat may receive its next message, ignoring the global limit. */
  chatDelay(chatId: string): number {
    if (this.chatsInFlight.has(chatId)) return UNTIL_DONE;
    const now = this.now();
    let delay = Math.max(0, (this.chatPausedUntil.get(chatId) ?? 0) - now);
    const last = this.lastInChat.get(chatId);
    if (last !== undefined) delay = Math.max(delay, last + 1000 / this.limits.perChatPerSecond + this.limits.marginMs - now);
    const group = this.groups.get(chatId);
    const minuteCap = this.minuteCap(chatId);
    if (group && minuteCap !== undefined) {
      delay = Math.max(delay, windowDelay(group.ended, group.inFlight, minuteCap, MINUTE_MS + this.limits.marginMs, now));
    }
    return delay;
  }

  /** The per-minute cap of a chat: the group cap for groups, the per-chat cap for any chat, the lower of both. */
  private minuteCap(chatId: string): number | undefined {
    const caps = [this.limits.isGroup(chatId) ? this.limits.groupPerMinute : undefined, this.limits.perChatPerMinute];
    const defined = caps.filter((c): c is number => c !== undefined);
    return defined.length > 0 ? Math.max(1, Math.min(...defined)) : undefined;
  }

  /** Milliseconds until a message to this chat is allowed (0: now; UNTIL_DONE: after a send ends). */
  delay(chatId: string): number {
    return Math.max(this.globalDelay(), this.chatDelay(chatId));
  }

  /** Takes a slot for a send to the chat now (just before the request leaves). */
  take(chatId: string): SendTicket {
    this.inFlight++;
    this.chatsInFlight.add(chatId);
    if (this.minuteCap(chatId) !== undefined) {
      const group = this.groups.get(chatId) ?? { ended: [], inFlight: 0 };
      group.inFlight++;
      this.groups.set(chatId, group);
    }
    return { chatId };
  }

  /** The send's answer (or failure) arrived: from now on its slot ages out of the windows. */
  done(ticket: SendTicket): void {
    const now = this.now();
    this.inFlight--;
    this.ended.push(now);
    if (this.limits.globalPerMinute !== undefined) this.endedInMinute.push(now);
    this.chatsInFlight.delete(ticket.chatId);
    this.lastInChat.set(ticket.chatId, now);
    const group = this.groups.get(ticket.chatId);
    if (group) {
      group.inFlight--;
      group.ended.push(now);
    }
    if (++this.sends % PRUNE_EVERY === 0) this.prune(now);
  }

  /** Takes a slot if one is free now (returns it), or says how long to wait. */
  tryTake(chatId: string): SendTicket | number {
    const wait = this.delay(chatId);
    return wait === 0 ? this.take(chatId) : wait;
  }

  /**
   * Reports a 429 for the chat. `chatSpecific`: true or false when the server said which limit
   * was hit, undefined when it did not (Telegram never does).
   */
  throttled(chatId: string, retryAfterMs: number, chatSpecific?: boolean): void {
    const now = this.now();
    const until = now + retryAfterMs;
    this.chatPausedUntil.set(chatId, Math.max(this.chatPausedUntil.get(chatId) ?? 0, until));
    const previous = this.last429;
    this.last429 = { chatId, at: now };
    if (chatSpecific === true) return;
    const another = previous !== undefined && previous.chatId !== chatId && now - previous.at <= GLOBAL_429_WINDOW_MS;
    if (chatSpecific === false || another) {
      this.globalPausedUntil = Math.max(this.globalPausedUntil, until);
      this.paceFactor = Math.max(PACE_FLOOR, this.paceFactor * PACE_DROP);
      this.paceChangedAt = now;
    }
  }

  private recover(now: number): void {
    if (this.paceFactor >= 1) return;
    const quietSince = Math.max(this.paceChangedAt, this.last429?.at ?? 0);
    if (now - quietSince < PACE_RECOVERY_MS) return;
    this.paceFactor = Math.min(1, this.paceFactor + PACE_STEP);
    this.paceChangedAt = now;
  }

  /** Forgets chats whose spacing, pause and group window have all passed. */
  private prune(now: number): void {
    const horizon = 1000 / this.limits.perChatPerSecond + this.limits.marginMs;
    for (const [chatId, last] of this.lastInChat) if (last <= now - horizon) this.lastInChat.delete(chatId);
    for (const [chatId, until] of this.chatPausedUntil) if (until <= now) this.chatPausedUntil.delete(chatId);
    const groupWindow = MINUTE_MS + this.limits.marginMs;
    dropOlder(this.endedInMinute, now - groupWindow);
    for (const [chatId, group] of this.groups) {
      dropOlder(group.ended, now - groupWindow);
      if (group.inFlight === 0 && group.ended.length === 0) this.groups.delete(chatId);
    }
  }
}

/** Removes the leading times at or before `cutoff` (the list is in order). */
function dropOlder(times: number[], cutoff: number): void {
  let expired = 0;
  while (expired < times.length && times[expired]! <= cutoff) expired++;
  if (expired > 0) times.splice(0, expired);
}

/**
 * How long until fewer than `cap` sends are in a sliding window: sends in flight always count,
 * ended ones until `window` after they ended. UNTIL_DONE when only sends in flight could free it.
 */
function windowDelay(ended: number[], inFlight: number, cap: number, window: number, now: number): number {
  dropOlder(ended, now - window);
  const excess = inFlight + ended.length - cap;
  if (excess < 0) return 0;
  if (excess >= ended.length) return UNTIL_DONE;
  return ended[excess]! + window - now;
}
