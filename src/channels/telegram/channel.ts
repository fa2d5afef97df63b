// The Telegram channel: updates arrive by long polling (our own loop over getUpdates) or by webhook
// (POSTed to the bot's HTTP server, see src/http), each is turned into an event, run through the
// staff commands or the survey service, and the replies are sent with telegraf's API client.
//
// The rules every update follows, whichever way it came:
// - one chat's updates are handled in order; chats run in parallel;
// - an update counts as received only once its claim is committed (the survey step or staff
//   command in the same transaction): polling confirms the offset, the webhook answers 200, only
//   then; an update whose handling failed before that is offered again;
// - one chat cannot crowd out the others: beyond a few waiting updates, its updates are dropped
//   (with at most one "please slow down" note a minute);
// - an unreachable Bot API is retried with backoff and jitter, logged once per change of state; a
//   token Telegram refuses (401) stops the channel.
import { performance } from 'node:perf_hooks';
import { Telegram, TelegramError } from 'telegraf';
import type { StaffCommands } from '../../admin/commands.js';
import type { Logger } from '../../log.js';
import type { SurveyService } from '../../survey/service.js';
import type { EngineOutput, Locale, OutMessage, Translate } from '../../survey/types.js';
import { fromUpdate, keyboard, updateIdOf, type TelegramInbound } from './convert.js';
import {
  backoffMs,
  isNetworkError,
  isTransient,
  TelegramBlockedError,
  TelegramUnauthorizedError,
  withRetry,
  type RetryOptions,
} from './retry.js';

export interface TelegramChannelOptions {
  token: string;
  apiRoot: string;
  service: SurveyService;
  t: Translate;
  log: Logger;
  defaultLocale: Locale;
  /** Webhook mode: Telegram POSTs updates to `url` (served by src/http); unset: long polling. */
  webhook?: { url: string; secret: string } | undefined;
  retry?: RetryOptions;
  /** Officials' and admins' commands; without it every command goes to the citizen conversation. */
  staff?: StaffCommands | undefined;
  /** Updates of one chat waiting to be handled before more are dropped. Default 4. */
  chatQueueMax?: number;
  /** Longest wait between two attempts to reach the Bot API (ms). Default 30 s. */
  maxBackoffMs?: number;
  /** Called with the milliseconds from an update's arrival to its last reply sent (benchmarks, metrics). */
  onUpdateHandled?: (ms: number) => void;
}

/**
 * What became of an update: `accepted` (claimed, or a duplicate of a claimed one), `ignored` (not
 * for this bot, or malformed), `dropped` (its chat floods), `failed` (not stored: offer it again),
 * `stopping` (the channel is shutting down: offer it again later).
 */
export type Intake = 'accepted' | 'ignored' | 'dropped' | 'failed' | 'stopping';

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** A polled update whose handling keeps failing is given up after this many attempts. */
const MAX_UPDATE_ATTEMPTS = 8;
const SLOW_DOWN_EVERY_MS = 60_000;

export class TelegramChannel {
  readonly telegram: Telegram;
  /** The bot's @username, known once the Bot API answered getMe. */
  username: string | undefined;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, number>();
  private readonly slowDownSent = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly failedAttempts = new Map<number, number>();
  private polling: Promise<void> | undefined;
  /** Undefined until the first call answers or fails. */
  private connected: boolean | undefined;
  private stopping = false;
  private ended!: (error?: Error) => void;
  private readonly end: Promise<void>;

  constructor(private readonly options: TelegramChannelOptions) {
    this.telegram = new Telegram(options.token, { apiRoot: options.apiRoot, webhookReply: false });
    this.end = new Promise<void>((resolve, reject) => {
      this.ended = (error) => (error ? reject(error) : resolve());
    });
    this.end.catch(() => {});
  }

  /** True while the Bot API answers (for /readyz). */
  isConnected(): boolean {
    return this.connected === true && !this.stopping;
  }

  /**
   * Takes one update (from the poller or the webhook) and resolves with what became of it once it
   * is completely handled: stored and answered. Only then is it confirmed to Telegram (the next
   * getUpdates offset, or the webhook's 200), so an update whose process died between storing and
   * answering comes back, and its stored reply is sent again (see `process`).
   */
  handleUpdate(update: unknown): Promise<Intake> {
    const inbound = fromUpdate(update);
    if (!inbound) {
      // Not our bug: updates the bot does not handle, or malformed ones. One quiet line, no content.
      this.options.log.debug({ updateId: updateIdOf(update) }, 'update ignored');
      return Promise.resolve('ignored');
    }
    if (this.stopping) return Promise.resolve('stopping');
    const chatId = inbound.chatId;
    const queued = this.waiting.get(chatId) ?? 0;
    if (queued >= (this.options.chatQueueMax ?? 4)) {
      this.slowDown(inbound);
      return Promise.resolve('dropped');
    }
    this.waiting.set(chatId, queued + 1);
    const arrived = performance.now();
    // Serialise per chat so that a chat's taps are applied (and answered) in the order they were made.
    const previous = this.chains.get(chatId) ?? Promise.resolve();
    const current = previous.then(() => this.process(inbound));
    const done = current.then(() => {});
    this.chains.set(chatId, done);
    this.inFlight.add(done);
    void done.finally(() => {
      this.options.onUpdateHandled?.(performance.now() - arrived);
      this.inFlight.delete(done);
      const left = (this.waiting.get(chatId) ?? 1) - 1;
      if (left > 0) this.waiting.set(chatId, left);
      else this.waiting.delete(chatId);
      if (this.chains.get(chatId) === done) this.chains.delete(chatId);
    });
    return current;
  }

  /** At most one note a minute to a chat whose updates are being dropped. */
  private slowDown(inbound: TelegramInbound): void {
    const now = Date.now();
    const last = this.slowDownSent.get(inbound.chatId);
    this.options.log.debug({ updateId: inbound.updateId }, 'update dropped: its chat sends too fast');
    if (last !== undefined && now - last < SLOW_DOWN_EVERY_MS) return;
    if (this.slowDownSent.size > 10_000) {
      for (const [chat, at] of this.slowDownSent) if (now - at >= SLOW_DOWN_EVERY_MS) this.slowDownSent.delete(chat);
    }
    this.slowDownSent.set(inbound.chatId, now);
    const locale = inbound.localeHint ?? this.options.defaultLocale;
    void this.telegram.sendMessage(inbound.chatId, this.options.t(locale, 'errors.slowDown')).catch(() => {});
  }

  private async process(inbound: TelegramInbound): Promise<Intake> {
    const { log } = this.options;
    let locale: Locale = inbound.localeHint ?? this.options.defaultLocale;
    let claimed = false;
    const updateId = String(inbound.updateId);
    try {
      if (inbound.event.kind === 'command' && this.options.staff) {
        const handled = await this.staffCommand(inbound, inbound.event.command, inbound.event.arg, () => (claimed = true));
        if (handled) return 'accepted';
      }
      const result = await this.options.service.handle({
        channel: 'telegram',
        chatId: inbound.chatId,
        updateId,
        event: inbound.event,
        localeHint: inbound.localeHint,
      });
      claimed = true;
      if (result.duplicate) {
        if (inbound.callback) await this.answerCallback(inbound.callback.id, undefined);
        // Answered here already, or unknown: nothing to send. Otherwise the update came back
        // unconfirmed: its process may have died before the reply went out, so it goes out again.
        if (result.reply === null || result.reply.length === 0 || this.answered.has(updateId)) {
          log.debug({ updateId: inbound.updateId }, 'duplicate update ignored');
          return 'accepted';
        }
        log.info({ updateId: inbound.updateId }, 'update delivered again: its reply is sent again');
        await this.send(inbound.chatId, result.reply);
        this.remember(updateId);
        return 'accepted';
      }
      locale = result.locale;
      await this.deliver(inbound, result.output);
      this.remember(updateId);
      this.setConnected(true);
      return 'accepted';
    } catch (error) {
      if (error instanceof TelegramBlockedError) {
        log.info({ updateId: inbound.updateId }, 'chat has blocked the bot');
        return 'accepted';
      }
      if (isNetworkError(error) || (error instanceof TelegramError && error.code >= 500)) {
        // The reply could not be sent: the Bot API is unreachable, not our fault. Offered again, the
        // update's stored reply is sent then.
        this.setConnected(false, error);
        return 'failed';
      }
      log.error({ err: error, updateId: inbound.updateId, event: inbound.event.kind }, 'update handling failed');
      await this.apologise(inbound, locale);
      // Not stored: offer it again (the database may be back by then). Stored: it is answered.
      return claimed ? 'accepted' : 'failed';
    }
  }

  /** Update ids this process answered recently: a duplicate of one of them needs no new reply. */
  private readonly answered = new Set<string>();

  private remember(updateId: string): void {
    this.answered.add(updateId);
    if (this.answered.size > 20_000) {
      // Oldest first (a Set keeps insertion order).
      let drop = this.answered.size - 10_000;
      for (const id of this.answered) {
        if (drop-- <= 0) break;
        this.answered.delete(id);
      }
    }
  }

  private async send(chatId: string, messages: readonly OutMessage[]): Promise<void> {
    for (const message of messages) {
      await withRetry(() => this.telegram.sendMessage(chatId, message.text, keyboard(message)), this.options.retry);
    }
  }

  /** True when the command was a staff matter (answered here), false for the citizen conversation. */
  private async staffCommand(inbound: TelegramInbound, command: string, arg: string, committed: () => void): Promise<boolean> {
    const staff = this.options.staff!;
    const locale = inbound.localeHint ?? this.options.defaultLocale;
    const result = await staff.handle({
      channel: 'telegram',
      userId: inbound.chatId,
      displayName: inbound.fromName,
      command,
      arg,
      locale,
      updateId: String(inbound.updateId),
    });
    if (result === null) return false;
    committed();
    if (result.duplicate) return true;
    const reply = result.reply;
    const telegram = this.telegram;
    const retry = this.options.retry;
    for (const text of reply.messages) await withRetry(() => telegram.sendMessage(inbound.chatId, text), retry);
    if (reply.photo) {
      const photo = reply.photo;
      await withRetry(() => telegram.sendPhoto(inbound.chatId, { source: photo.content, filename: 'tren.png' }, { caption: photo.caption }), retry);
    }
    if (reply.document) {
      const doc = reply.document;
      await withRetry(() => telegram.sendDocument(inbound.chatId, { source: doc.content, filename: doc.filename }, { caption: doc.caption }), retry);
    }
    if (reply.menu) {
      const menu = reply.menu;
      await withRetry(() => telegram.setMyCommands(menu, { scope: { type: 'chat', chat_id: Number(inbound.chatId) } }), retry).catch(
        (error: unknown) => this.options.log.warn({ err: error }, 'could not set the command menu'),
      );
    }
    return true;
  }

  private async deliver(inbound: TelegramInbound, output: EngineOutput): Promise<void> {
    const telegram = this.telegram;
    const retry = this.options.retry;
    if (inbound.callback) {
      await this.answerCallback(inbound.callback.id, output.notice);
      const messageId = inbound.callback.messageId;
      if (output.editSource !== undefined && messageId !== undefined) {
        const text = output.editSource;
        await withRetry(() => telegram.editMessageText(inbound.chatId, messageId, undefined, text), retry).catch((error: unknown) => {
          // An edit is cosmetic: a failure must not stop the next question from being sent.
          if (error instanceof TelegramBlockedError) throw error;
          this.options.log.debug({ err: error, updateId: inbound.updateId }, 'could not edit the answered question');
        });
      }
    }
    await this.send(inbound.chatId, output.messages);
  }

  private async answerCallback(id: string, text: string | undefined): Promise<void> {
    await withRetry(() => this.telegram.answerCbQuery(id, text), this.options.retry).catch((error: unknown) => {
      // Queries expire after a while; an old one cannot be answered and that is harmless.
      this.options.log.debug({ err: error }, 'callback query not answered');
    });
  }

  private async apologise(inbound: TelegramInbound, locale: Locale): Promise<void> {
    try {
      if (inbound.callback) await this.answerCallback(inbound.callback.id, undefined);
      await withRetry(() => this.telegram.sendMessage(inbound.chatId, this.options.t(locale, 'errors.internal')), {
        ...this.options.retry,
        attempts: 2,
      });
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not send the apology');
    }
  }

  // ---- connection ------------------------------------------------------------------------

  private setConnected(connected: boolean, error?: unknown): void {
    if (connected === this.connected) return;
    const before = this.connected;
    this.connected = connected;
    if (connected) {
      if (before === false) this.options.log.info('Telegram Bot API reachable again');
    } else this.options.log.warn({ reason: describe(error) }, 'Telegram Bot API unreachable, retrying with backoff');
  }

  /** Sleeps unless the channel stops meanwhile; false when it stopped. */
  private async pause(ms: number): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
    return !this.abort.signal.aborted;
  }

  /**
   * Calls the Bot API until it answers: transient failures (network, 5xx, 429) are retried with
   * backoff; 401 throws TelegramUnauthorizedError. Undefined when the channel stopped meanwhile.
   */
  private async untilAnswered<T>(call: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      if (this.abort.signal.aborted) return undefined;
      try {
        const result = await call();
        this.setConnected(true);
        return result;
      } catch (error) {
        if (this.abort.signal.aborted) return undefined;
        if (error instanceof TelegramError && error.code === 401) {
          throw new TelegramUnauthorizedError('Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN');
        }
        if (!isTransient(error)) throw error;
        this.setConnected(false, error);
        const retryAfter = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
        const wait = retryAfter !== undefined ? retryAfter * 1000 : backoffMs(attempt, 500, this.options.maxBackoffMs ?? 30_000);
        if (!(await this.pause(wait))) return undefined;
      }
    }
  }

  /**
   * Connects (retrying while the Bot API cannot be reached), then registers the webhook or starts
   * long polling. Throws TelegramUnauthorizedError for a refused token. Resolves early if the
   * channel is stopped meanwhile.
   */
  async start(): Promise<void> {
    const { webhook, log } = this.options;
    const me = await this.untilAnswered(() => this.telegram.getMe());
    if (!me) return;
    this.username = me.username;
    if (webhook) {
      const set = await this.untilAnswered(() =>
        this.telegram.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] }),
      );
      if (set === undefined) return;
      await this.setCitizenMenu();
      log.info({ username: this.username, path: new URL(webhook.url).pathname }, 'Telegram bot started (webhook)');
      return;
    }
    // A webhook left from an earlier webhook deployment would make getUpdates fail (409).
    if ((await this.untilAnswered(() => this.telegram.deleteWebhook({ drop_pending_updates: false }))) === undefined) return;
    await this.setCitizenMenu();
    this.polling = this.poll().catch((error: unknown) => this.ended(error as Error));
    log.info({ username: this.username }, 'Telegram bot started (long polling)');
  }

  /**
   * Long polling: each batch is handled before the next getUpdates confirms it (its offset), so an
   * update is confirmed only once it is stored. An update whose handling failed is asked for again.
   */
  private async poll(): Promise<void> {
    let offset = 0;
    while (!this.abort.signal.aborted) {
      const updates = await this.untilAnswered(() =>
        this.telegram.callApi('getUpdates', { timeout: 50, offset, allowed_updates: [...ALLOWED_UPDATES] }, { signal: telegrafSignal(this.abort.signal) }),
      ).catch((error: unknown) => {
        if (error instanceof TelegramError && error.code === 409) return 'conflict' as const;
        throw error;
      });
      if (updates === undefined) return;
      if (updates === 'conflict') {
        // Another process polls this bot, or a webhook was set meanwhile.
        this.setConnected(false, new Error('409 Conflict: another instance is polling this bot, or a webhook is set'));
        if (!(await this.pause(backoffMs(4, 500, this.options.maxBackoffMs ?? 30_000)))) return;
        continue;
      }
      const intakes = await Promise.all(updates.map((u) => this.handleUpdate(u)));
      let next = offset;
      let retry: number | undefined;
      updates.forEach((update, i) => {
        const id = update.update_id;
        if ((intakes[i] === 'failed' || intakes[i] === 'stopping') && retry === undefined) {
          const attempts = (this.failedAttempts.get(id) ?? 0) + 1;
          this.failedAttempts.set(id, attempts);
          if (attempts < MAX_UPDATE_ATTEMPTS && intakes[i] === 'failed') retry = id;
          else if (intakes[i] === 'failed') this.options.log.error({ updateId: id, attempts }, 'update given up after repeated failures');
        }
        if (retry === undefined) {
          next = Math.max(next, id + 1);
          this.failedAttempts.delete(id);
        }
      });
      offset = retry ?? next;
      if (retry !== undefined) {
        // Offered again from the failed one on; those after it that were stored are duplicates then.
        if (!(await this.pause(backoffMs(this.failedAttempts.get(retry) ?? 1, 500, this.options.maxBackoffMs ?? 30_000)))) return;
      }
    }
  }

  /** Resolves when the channel has stopped (stop()); rejects when it failed for good (a refused token). */
  async done(): Promise<void> {
    await this.end;
  }

  /** The command menu everyone sees; staff get their own per chat (see staffCommand). */
  private async setCitizenMenu(): Promise<void> {
    const commands = ['start', 'bantuan', 'batal', 'ulang', 'bahasa', 'privasi', 'hapusdata'];
    for (const locale of ['id', 'en'] as const) {
      const menu = commands.map((command) => ({ command, description: this.options.t(locale, `citizenMenu.${command}`) }));
      await this.telegram
        .setMyCommands(menu, locale === 'id' ? {} : { language_code: 'en' })
        .catch((error: unknown) => this.options.log.warn({ reason: describe(error) }, 'could not set the command menu'));
    }
  }

  /** Stops taking updates, then waits for the ones in hand (at most `timeoutMs`). */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    const pending = Promise.allSettled([...this.inFlight, this.polling ?? Promise.resolve()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([pending, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.options.log.warn({ pending: this.inFlight.size }, 'stopped with updates still in hand');
    this.ended();
  }
}

/** telegraf types its abort signal as the abort-controller polyfill's; node-fetch takes Node's own. */
type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;
const telegrafSignal = (signal: AbortSignal): TelegrafSignal => signal as unknown as TelegrafSignal;

/** A short reason for a log line: an error's code or name, never a URL (it may hold the token). */
function describe(error: unknown): string {
  if (error === undefined || error === null) return 'unknown';
  if (error instanceof TelegramError) return `${error.code} ${error.description}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
