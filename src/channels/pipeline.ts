// The one inbound pipeline every channel feeds: a channel converts what arrives into an
// InboundMessage, hands it over with an Outlet (how to answer in that channel), and the pipeline
// does the rest, the same way for Telegram, WhatsApp and the terminal:
//
// - order: one chat's messages are handled one after another, in arrival order; chats in parallel;
// - fairness: at most `chatQueueMax` messages of one chat wait; more are dropped, and the chat gets
//   at most one "please slow down" note a minute;
// - routing: a staff request (when the channel sees one) goes to the staff commands first; anything
//   else, or what staff commands do not take, goes to the survey;
// - exactly once: both claim the update in the same transaction as its effect (src/survey/service.ts,
//   src/admin/commands/); a duplicate changes nothing; a duplicate whose reply may never have
//   arrived (not answered by this process) gets the stored reply again;
// - after commit: effect handlers the channel registered (WhatsApp forgets a person's aliases on
//   erasure), then the answer through the outlet;
// - failure: a chat that blocked the bot is noted; a channel or database that cannot be reached
//   leaves the update to be offered again; our own fault is logged at error level (update id and
//   event kind only, never the chat or its text) and apologised for.
import { performance } from 'node:perf_hooks';
import type { StaffCommands, StaffReply } from '../admin/commands/index.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { Logger } from '../log.js';
import type { ChannelName, SurveyService } from '../survey/service.js';
import type { ChoicesShownAs, Effect, EngineOutput, InboundEvent, Locale, OutMessage, Translate } from '../survey/types.js';

/**
 * What became of a message: `accepted` (stored and answered, or a duplicate), `ignored` (not for
 * the bot, or malformed), `dropped` (its chat floods), `failed` (not stored or not answered: offer
 * it again), `stopping` (shutting down: offer it again later).
 */
export type Intake = 'accepted' | 'ignored' | 'dropped' | 'failed' | 'stopping';

export interface StaffRequestOf {
  /** The staff member's id on the channel. */
  userId: string;
  command: string;
  arg: string;
  displayName?: string | undefined;
  locale: Locale;
}

export interface InboundMessage {
  /** Ordering key, and the identity the survey service keys the conversation by. */
  chatId: string;
  /** The channel's id of this update: claimed exactly once. Null where the channel has none. */
  updateId: string | null;
  event: InboundEvent;
  localeHint?: Locale | undefined;
  /**
   * The staff request this message carries, if any, worked out in the chat's turn (it may need a
   * look-up, as on WhatsApp). Null or absent: the survey answers it.
   */
  staff?: (() => Promise<StaffRequestOf | null>) | undefined;
}

/** How to answer one message in its channel. */
export interface Outlet {
  /** The engine's answer to a message handled now. */
  answer(output: EngineOutput, locale: Locale): Promise<void>;
  /** The stored reply of a message delivered again: it may never have arrived. */
  repeat(messages: OutMessage[], locale: Locale): Promise<void>;
  /** A duplicate with nothing to send (Telegram stops the tapped button's spinner). */
  duplicate?(): Promise<void>;
  staffReply(reply: StaffReply, request: StaffRequestOf): Promise<void>;
  /** A short text of our own: the apology, the slow-down note. Best effort. */
  say(text: string): Promise<void>;
}

/** What a failed send means: the chat refuses the bot, the channel is unreachable, or our fault. */
export type Failure = 'blocked' | 'unreachable' | 'fault';

export type EffectHandlers = Partial<Record<Effect['kind'], (message: InboundMessage) => Promise<void>>>;

export interface PipelineOptions {
  channel: ChannelName;
  /** How this channel shows a question's choices: the engine's hints follow it ("tekan tombol" or "balas dengan angka"). */
  choicesAs: ChoicesShownAs;
  service: SurveyService;
  staff?: StaffCommands | undefined;
  t: Translate;
  log: Logger;
  defaultLocale: Locale;
  /** Messages of one chat waiting before more are dropped. Default 4. */
  chatQueueMax?: number | undefined;
  classify: (error: unknown) => Failure;
  /** Told when sending works again or stops working (the channel's readiness). */
  onReachable?: ((reachable: boolean, error?: unknown) => void) | undefined;
  /** Run after the survey's transaction committed, per effect of the engine. */
  effects?: EffectHandlers | undefined;
  /** Milliseconds from a message's arrival to its last reply sent (benchmarks, metrics). */
  onHandled?: ((ms: number) => void) | undefined;
}

const SLOW_DOWN_EVERY_MS = 60_000;
/** Update ids answered by this process, remembered so that a late duplicate is not answered twice. */
const ANSWERED_MAX = 20_000;

export class InboundPipeline {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, number>();
  private readonly slowDownSent = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly answered = new Set<string>();
  private stopping = false;

  constructor(private readonly options: PipelineOptions) {}

  /** Messages in hand (being handled or waiting for their chat's turn). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves with what became of the message once it is completely handled (stored and answered). */
  take(message: InboundMessage, outlet: Outlet): Promise<Intake> {
    if (this.stopping) return Promise.resolve('stopping');
    const { chatId } = message;
    const queued = this.waiting.get(chatId) ?? 0;
    if (queued >= (this.options.chatQueueMax ?? 4)) {
      this.slowDown(message, outlet);
      return Promise.resolve('dropped');
    }
    this.waiting.set(chatId, queued + 1);
    const arrived = performance.now();
    const previous = this.chains.get(chatId) ?? Promise.resolve();
    const current = previous.then(() => this.process(message, outlet));
    const done = current.then(() => {});
    this.chains.set(chatId, done);
    this.inFlight.add(done);
    void done.finally(() => {
      this.options.onHandled?.(performance.now() - arrived);
      this.inFlight.delete(done);
      const left = (this.waiting.get(chatId) ?? 1) - 1;
      if (left > 0) this.waiting.set(chatId, left);
      else this.waiting.delete(chatId);
      if (this.chains.get(chatId) === done) this.chains.delete(chatId);
    });
    return current;
  }

  /** Takes no more messages, then waits for those in hand (at most `timeoutMs`). False on time-out. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.allSettled([...this.inFlight]), timedOut]);
    clearTimeout(timer);
    return outcome !== 'timeout';
  }

  private slowDown(message: InboundMessage, outlet: Outlet): void {
    const now = Date.now();
    this.options.log.debug({ updateId: message.updateId }, 'message dropped: its chat sends too fast');
    const last = this.slowDownSent.get(message.chatId);
    if (last !== undefined && now - last < SLOW_DOWN_EVERY_MS) return;
    if (this.slowDownSent.size > 10_000) {
      for (const [chat, at] of this.slowDownSent) if (now - at >= SLOW_DOWN_EVERY_MS) this.slowDownSent.delete(chat);
    }
    this.slowDownSent.set(message.chatId, now);
    const locale = message.localeHint ?? this.options.defaultLocale;
    void outlet.say(this.options.t(locale, 'errors.slowDown')).catch(() => {});
  }

  private remember(updateId: string | null): void {
    if (updateId === null) return;
    this.answered.add(updateId);
    if (this.answered.size > ANSWERED_MAX) {
      // Oldest first (a Set keeps insertion order).
      let drop = this.answered.size - ANSWERED_MAX / 2;
      for (const id of this.answered) {
        if (drop-- <= 0) break;
        this.answered.delete(id);
      }
    }
  }

  private async process(message: InboundMessage, outlet: Outlet): Promise<Intake> {
    const { log, service, channel } = this.options;
    let locale: Locale = message.localeHint ?? this.options.defaultLocale;
    let stored = false;
    try {
      const request = this.options.staff && message.staff ? await message.staff() : null;
      if (request && this.options.staff) {
        locale = request.locale;
        const result = await this.options.staff.handle({ channel, ...request, updateId: message.updateId });
        if (result !== null) {
          stored = true;
          if (!result.duplicate) await outlet.staffReply(result.reply, request);
          this.options.onReachable?.(true);
          return 'accepted';
        }
      }
      const result = await service.handle({
        channel,
        chatId: message.chatId,
        updateId: message.updateId,
        event: message.event,
        localeHint: message.localeHint,
        choicesAs: this.options.choicesAs,
      });
      stored = true;
      if (result.duplicate) {
        const reply = result.reply;
        // Answered here already, or nothing kept: nothing to send. Otherwise the update came back
        // unconfirmed: its process may have died before the reply went out, so it goes out again.
        if (reply === null || reply.length === 0 || (message.updateId !== null && this.answered.has(message.updateId))) {
          log.debug({ updateId: message.updateId }, 'duplicate update ignored');
          await outlet.duplicate?.();
          return 'accepted';
        }
        log.info({ updateId: message.updateId }, 'update delivered again: its reply is sent again');
        await outlet.repeat(reply, locale);
      } else {
        locale = result.locale;
        for (const effect of result.output.effects) await this.options.effects?.[effect.kind]?.(message);
        await outlet.answer(result.output, locale);
      }
      this.remember(message.updateId);
      this.options.onReachable?.(true);
      return 'accepted';
    } catch (error) {
      const failure = isDatabaseUnavailable(error) ? 'database' : this.options.classify(error);
      if (failure === 'blocked') {
        log.info({ updateId: message.updateId }, 'chat has blocked the bot');
        return 'accepted';
      }
      if (failure === 'unreachable') {
        // The answer could not be sent: offered again, the stored reply is sent then.
        this.options.onReachable?.(false, error);
        return 'failed';
      }
      if (failure === 'database') {
        log.warn({ updateId: message.updateId, reason: reasonOf(error) }, 'database unavailable: update to be offered again');
      } else {
        log.error({ err: error, updateId: message.updateId, event: message.event.kind }, 'update handling failed');
      }
      await outlet.say(this.options.t(locale, 'errors.internal')).catch((sendError: unknown) => {
        log.warn({ reason: reasonOf(sendError) }, 'could not send the apology');
      });
      // Not stored: offer it again (the database may be back by then). Stored: it was answered.
      return stored ? 'accepted' : 'failed';
    }
  }
}

/** A short reason for a log line: an error's code or name, never its message (it may quote input). */
export function reasonOf(error: unknown): string {
  if (error === null || error === undefined) return 'unknown';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return error instanceof Error ? error.name : typeof error;
}
