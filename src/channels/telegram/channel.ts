// The Telegram channel: updates arrive by long polling (our own loop over getUpdates) or by webhook
// (POSTed to the bot's HTTP server, see src/http); each is converted (convert.ts) and handed to the
// inbound pipeline (../pipeline.ts: order per chat, fairness, routing, exactly-once, apology) with
// an outlet that answers on Telegram (buttons, the answered question's edit, staff files).
//
// Telegram-specific rules kept here: an update is confirmed (the next getUpdates offset, or the
// webhook's 200) only once the pipeline has stored and answered it, so an update whose process
// died in between comes back; an unreachable Bot API is retried with backoff and jitter, logged
// once per change of state; a token Telegram refuses (401) stops the channel.
import { Telegram, TelegramError } from 'telegraf';
import type { StaffCommands, StaffReply } from '../../admin/commands/index.js';
import type { Logger } from '../../log.js';
import type { SurveyService } from '../../survey/service.js';
import type { EngineOutput, Locale, OutMessage, Translate } from '../../survey/types.js';
import { InboundPipeline, type Failure, type Intake, type Outlet } from '../pipeline.js';
import { fromUpdate, keyboard, updateIdOf, type TelegramInbound } from './convert.js';
import { Poller } from './poller.js';
import { backoffMs } from '../../backoff.js';
import { isTransient, TelegramBlockedError, TelegramUnauthorizedError, telegrafSignal, withRetry, type RetryOptions } from './retry.js';

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

export type { Intake };

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export class TelegramChannel {
  readonly telegram: Telegram;
  /** The bot's @username, known once the Bot API answered getMe. */
  username: string | undefined;
  private readonly pipeline: InboundPipeline;
  private readonly abort = new AbortController();
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
    this.pipeline = new InboundPipeline({
      channel: 'telegram',
      // Inline keyboards: a choice is tapped (or its number typed).
      choicesAs: 'buttons',
      service: options.service,
      staff: options.staff,
      t: options.t,
      log: options.log,
      defaultLocale: options.defaultLocale,
      chatQueueMax: options.chatQueueMax,
      classify: classifyTelegramFailure,
      onReachable: (reachable, error) => this.setConnected(reachable, error),
      onHandled: options.onUpdateHandled,
    });
  }

  /** True while the Bot API answers (for /readyz). */
  isConnected(): boolean {
    return this.connected === true && !this.stopping;
  }

  /**
   * Takes one update (from the poller or the webhook) and resolves with what became of it once it
   * is completely handled: stored and answered. Only then is it confirmed to Telegram (the next
   * getUpdates offset, or the webhook's 200), so an update whose process died between storing and
   * answering comes back, and its stored reply is sent again.
   */
  handleUpdate(update: unknown): Promise<Intake> {
    const inbound = fromUpdate(update);
    if (!inbound) {
      // Not our bug: updates the bot does not handle, or malformed ones. One quiet line, no content.
      this.options.log.debug({ updateId: updateIdOf(update) }, 'update ignored');
      return Promise.resolve('ignored');
    }
    const event = inbound.event;
    const locale = inbound.localeHint ?? this.options.defaultLocale;
    return this.pipeline.take(
      {
        chatId: inbound.chatId,
        updateId: String(inbound.updateId),
        event,
        localeHint: inbound.localeHint,
        staff:
          event.kind === 'command'
            ? async () => ({ userId: inbound.chatId, command: event.command, arg: event.arg, displayName: inbound.fromName, locale })
            : undefined,
      },
      new TelegramOutlet(this.telegram, inbound, this.options),
    );
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
    const signal = this.abort.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        // The poller pauses many times a second under load: a listener left behind each time
        // would pile up on the signal for the life of the process.
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
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
        const wait = retryAfter !== undefined ? retryAfter * 1000 : backoffMs(attempt, { baseMs: 500, maxMs: this.options.maxBackoffMs ?? 30_000 });
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

  /** Long polling (poller.ts): an update is confirmed only once it is stored and answered. */
  private poll(): Promise<void> {
    const maxBackoffMs = this.options.maxBackoffMs ?? 30_000;
    const poller = new Poller({
      fetch: (offset, timeout) =>
        this.untilAnswered(() =>
          this.telegram.callApi(
            'getUpdates',
            { timeout, offset, allowed_updates: [...ALLOWED_UPDATES] },
            { signal: telegrafSignal(this.abort.signal) },
          ),
        ).catch((error: unknown) => {
          if (error instanceof TelegramError && error.code === 409) return 'conflict' as const;
          throw error;
        }),
      handle: (update) => this.handleUpdate(update),
      pause: (ms) => this.pause(ms),
      signal: this.abort.signal,
      log: this.options.log,
      maxBackoffMs,
      // Another process polls this bot, or a webhook was set meanwhile.
      onConflict: () => this.setConnected(false, new Error('409 Conflict: another instance is polling this bot, or a webhook is set')),
    });
    return poller.run();
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
    const drained = await this.pipeline.stop(timeoutMs);
    await this.polling;
    if (!drained) this.options.log.warn({ pending: this.pipeline.pending }, 'stopped with updates still in hand');
    this.ended();
  }
}

/** Answers one update on Telegram: the tapped button, the answered question's edit, the replies. */
class TelegramOutlet implements Outlet {
  constructor(
    private readonly telegram: Telegram,
    private readonly inbound: TelegramInbound,
    private readonly options: TelegramChannelOptions,
  ) {}

  async answer(output: EngineOutput): Promise<void> {
    const { inbound, telegram } = this;
    const retry = this.options.retry;
    // The tapped button's answer and the answered question's edit go out beside the reply, not
    // before it: three round trips to the Bot API in the time of one.
    const beside: Promise<void>[] = [];
    if (inbound.callback) {
      beside.push(this.answerCallback(output.notice));
      const messageId = inbound.callback.messageId;
      if (output.editSource !== undefined && messageId !== undefined) {
        const text = output.editSource;
        beside.push(
          withRetry(() => telegram.editMessageText(inbound.chatId, messageId, undefined, text), retry).then(
            () => {},
            (error: unknown) => {
              // An edit is cosmetic: a failure must not stop the next question from being sent.
              if (error instanceof TelegramBlockedError) throw error;
              this.options.log.debug({ reason: describe(error), updateId: inbound.updateId }, 'could not edit the answered question');
            },
          ),
        );
      }
    }
    const sent = this.repeat(output.messages);
    const [reply, ...others] = await Promise.allSettled([sent, ...beside]);
    if (reply?.status === 'rejected') throw reply.reason;
    const failed = others.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async repeat(messages: OutMessage[]): Promise<void> {
    for (const message of messages) {
      await withRetry(() => this.telegram.sendMessage(this.inbound.chatId, message.text, keyboard(message)), this.options.retry);
    }
  }

  async duplicate(): Promise<void> {
    await this.answerCallback(undefined);
  }

  async staffReply(reply: StaffReply): Promise<void> {
    const { telegram, inbound } = this;
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
        (error: unknown) => this.options.log.warn({ reason: describe(error) }, 'could not set the command menu'),
      );
    }
  }

  async say(text: string): Promise<void> {
    if (this.inbound.callback) await this.answerCallback(undefined);
    await withRetry(() => this.telegram.sendMessage(this.inbound.chatId, text), { ...this.options.retry, attempts: 2 });
  }

  private async answerCallback(text: string | undefined): Promise<void> {
    const callback = this.inbound.callback;
    if (!callback) return;
    await withRetry(() => this.telegram.answerCbQuery(callback.id, text), this.options.retry).catch((error: unknown) => {
      // Queries expire after a while; an old one cannot be answered and that is harmless.
      this.options.log.debug({ reason: describe(error) }, 'callback query not answered');
    });
  }
}

function classifyTelegramFailure(error: unknown): Failure {
  if (error instanceof TelegramBlockedError) return 'blocked';
  return isTransient(error) ? 'unreachable' : 'fault';
}

/** A short reason for a log line: an error's code or name, never a URL (it may hold the token). */
function describe(error: unknown): string {
  if (error === undefined || error === null) return 'unknown';
  if (error instanceof TelegramError) return `${error.code} ${error.description}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
