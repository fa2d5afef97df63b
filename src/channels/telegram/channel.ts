// The Telegram channel: telegraf receives updates (long polling, or a webhook with its secret
// header checked), each is turned into an event, run through the survey service, and the
// replies are sent. Updates of one chat are handled in order; chats run in parallel.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { StaffCommands } from '../../admin/commands.js';
import type { Logger } from '../../log.js';
import type { SurveyService } from '../../survey/service.js';
import type { EngineOutput, Locale, Translate } from '../../survey/types.js';
import { fromUpdate, keyboard, type TelegramInbound } from './convert.js';
import { TelegramBlockedError, withRetry, type RetryOptions } from './retry.js';

export interface TelegramChannelOptions {
  token: string;
  apiRoot: string;
  service: SurveyService;
  t: Translate;
  log: Logger;
  defaultLocale: Locale;
  webhook?: { url: string; secret: string; port: number; host?: string } | undefined;
  retry?: RetryOptions;
  /** Officials' and admins' commands; without it every command goes to the citizen conversation. */
  staff?: StaffCommands | undefined;
  /** Called with the milliseconds from an update's arrival to its last reply sent (benchmarks, metrics). */
  onUpdateHandled?: (ms: number) => void;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Updates whose replies may be in flight before intake waits for them. */
const MAX_IN_FLIGHT = 1000;

export class TelegramChannel {
  readonly bot: Telegraf;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private server: http.Server | undefined;
  private polling: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: TelegramChannelOptions) {
    this.bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot, webhookReply: false } });
    this.bot.use((ctx) => this.handleUpdate(ctx.update));
    // Handler errors are caught in handleUpdate; this only guards telegraf's own failures.
    this.bot.catch((error) => this.options.log.error({ err: error }, 'telegraf error'));
  }

  /**
   * Handles one update. Resolves once its effect is committed to the database (so that telegraf
   * confirms the update to Telegram only after it is safe), while the replies go out behind it;
   * `stop()` waits for those. When many replies are still being sent, resolves only when this
   * update is completely handled, so that a slow Bot API slows the intake instead of piling up work.
   */
  handleUpdate(update: Update): Promise<void> {
    const inbound = fromUpdate(update);
    if (!inbound) return Promise.resolve();
    const arrived = performance.now();
    let committed!: () => void;
    const stored = new Promise<void>((resolve) => (committed = resolve));
    // Serialise per chat so that a chat's taps are applied (and answered) in the order they were made.
    const previous = this.chains.get(inbound.chatId) ?? Promise.resolve();
    const current = previous.then(() => this.process(inbound, committed));
    this.chains.set(inbound.chatId, current);
    this.inFlight.add(current);
    void current.finally(() => {
      this.options.onUpdateHandled?.(performance.now() - arrived);
      this.inFlight.delete(current);
      if (this.chains.get(inbound.chatId) === current) this.chains.delete(inbound.chatId);
    });
    if (this.inFlight.size > MAX_IN_FLIGHT) return current;
    return Promise.race([stored, current]);
  }

  private async process(inbound: TelegramInbound, committed: () => void): Promise<void> {
    const { log } = this.options;
    let locale: Locale = inbound.localeHint ?? this.options.defaultLocale;
    try {
      if (inbound.event.kind === 'command' && this.options.staff) {
        const handled = await this.staffCommand(inbound, inbound.event.command, inbound.event.arg, committed);
        if (handled) return;
      }
      const result = await this.options.service.handle({
        channel: 'telegram',
        chatId: inbound.chatId,
        updateId: String(inbound.updateId),
        event: inbound.event,
        localeHint: inbound.localeHint,
      });
      committed();
      if (result.duplicate) {
        log.debug({ updateId: inbound.updateId }, 'duplicate update ignored');
        if (inbound.callback) await this.answerCallback(inbound.callback.id, undefined);
        return;
      }
      locale = result.locale;
      await this.deliver(inbound, result.output);
    } catch (error) {
      if (error instanceof TelegramBlockedError) {
        log.info({ updateId: inbound.updateId }, 'chat has blocked the bot');
        return;
      }
      log.error({ err: error, updateId: inbound.updateId, event: inbound.event.kind }, 'update handling failed');
      await this.apologise(inbound, locale);
    }
  }

  /** True when the command was a staff matter (answered here), false for the citizen conversation. */
  private async staffCommand(inbound: TelegramInbound, command: string, arg: string, committed: () => void): Promise<boolean> {
    const staff = this.options.staff!;
    const locale = inbound.localeHint ?? this.options.defaultLocale;
    const reply = await staff.handle({
      channel: 'telegram',
      userId: inbound.chatId,
      displayName: inbound.fromName,
      command,
      arg,
      locale,
    });
    if (reply === null) return false;
    // A staff command is recorded as processed like a citizen's update: a re-delivery is not answered twice.
    const fresh = await this.options.service.claimUpdate('telegram', String(inbound.updateId));
    committed();
    if (!fresh) return true;
    const telegram = this.bot.telegram;
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
    const telegram = this.bot.telegram;
    const retry = this.options.retry;
    if (inbound.callback) {
      await this.answerCallback(inbound.callback.id, output.notice);
      const messageId = inbound.callback.messageId;
      if (output.editSource !== undefined && messageId !== undefined) {
        const text = output.editSource;
        await withRetry(() => telegram.editMessageText(inbound.chatId, messageId, undefined, text), retry).catch(
          (error: unknown) => {
            // An edit is cosmetic: a failure must not stop the next question from being sent.
            if (error instanceof TelegramBlockedError) throw error;
            this.options.log.warn({ err: error }, 'could not edit the answered question');
          },
        );
      }
    }
    for (const message of output.messages) {
      await withRetry(() => telegram.sendMessage(inbound.chatId, message.text, keyboard(message)), retry);
    }
  }

  private async answerCallback(id: string, text: string | undefined): Promise<void> {
    await withRetry(() => this.bot.telegram.answerCbQuery(id, text), this.options.retry).catch((error: unknown) => {
      // Queries expire after a while; an old one cannot be answered and that is harmless.
      this.options.log.debug({ err: error }, 'callback query not answered');
    });
  }

  private async apologise(inbound: TelegramInbound, locale: Locale): Promise<void> {
    try {
      if (inbound.callback) await this.answerCallback(inbound.callback.id, undefined);
      await withRetry(() => this.bot.telegram.sendMessage(inbound.chatId, this.options.t(locale, 'errors.internal')), {
        ...this.options.retry,
        attempts: 2,
      });
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not send the apology');
    }
  }

  /** Starts long polling, or the webhook server when a webhook is configured. */
  async start(): Promise<void> {
    const { webhook, log } = this.options;
    if (webhook) {
      await this.startWebhook(webhook);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.polling = this.bot
        .launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () => resolve())
        .catch((error: unknown) => {
          log.error({ err: error }, 'Telegram polling stopped with an error');
          reject(error as Error);
        });
    });
    await this.setCitizenMenu();
    log.info({ username: this.bot.botInfo?.username }, 'Telegram bot started (long polling)');
  }

  /** Resolves when polling ends (stop() or a fatal error such as another instance polling). */
  async done(): Promise<void> {
    await this.polling;
  }

  private async startWebhook(webhook: NonNullable<TelegramChannelOptions['webhook']>): Promise<void> {
    const { log } = this.options;
    const path = new URL(webhook.url).pathname || '/';
    const callback = this.bot.webhookCallback(path, { secretToken: webhook.secret });
    this.server = http.createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/healthz') {
        res.writeHead(this.stopping ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: !this.stopping }));
        return;
      }
      if (this.stopping) {
        // Telegram re-delivers later; the next instance takes it.
        res.writeHead(503).end();
        return;
      }
      void callback(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'webhook request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(webhook.port, webhook.host ?? '0.0.0.0', () => resolve());
    });
    this.bot.botInfo ??= await this.bot.telegram.getMe();
    await this.bot.telegram.setWebhook(webhook.url, {
      secret_token: webhook.secret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    await this.setCitizenMenu();
    log.info({ port: webhook.port, path }, 'Telegram bot started (webhook)');
  }

  /** The command menu everyone sees; staff get their own per chat (see staffCommand). */
  private async setCitizenMenu(): Promise<void> {
    const commands = ['start', 'bantuan', 'batal', 'ulang', 'bahasa', 'privasi', 'hapusdata'];
    for (const locale of ['id', 'en'] as const) {
      const menu = commands.map((command) => ({ command, description: this.options.t(locale, `citizenMenu.${command}`) }));
      await this.bot.telegram
        .setMyCommands(menu, locale === 'id' ? {} : { language_code: 'en' })
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'could not set the command menu'));
    }
  }

  /** The port the webhook server listens on (for tests that bind port 0). */
  webhookPort(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Stops taking updates, then waits for the ones in hand (at most `timeoutMs`). */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopping = true;
    if (this.polling) {
      try {
        this.bot.stop('shutdown');
      } catch {
        // Not running (launch failed): nothing to stop.
      }
    }
    const pending = Promise.allSettled([...this.inFlight, this.polling ?? Promise.resolve()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([pending, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.options.log.warn({ pending: this.inFlight.size }, 'stopped with updates still in hand');
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    }
  }
}
