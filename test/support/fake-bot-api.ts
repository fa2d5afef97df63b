// A fake Telegram Bot API server on 127.0.0.1 that tests and benchmarks control. The real telegraf
// talks HTTP to it exactly as to api.telegram.org: long polling (getUpdates with offsets and a
// held request), webhooks (setWebhook, then updates POSTed with the secret header), sending and
// editing messages with inline keyboards, callback queries, media uploads (multipart), and the
// errors the real server gives: 400s for invalid requests, 403 for a blocked bot, 429 with
// retry_after when the configured rate limits are exceeded, and failures injected on purpose.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBotApiOptions {
  token?: string;
  botUsername?: string;
  /** Messages per second over all chats before answering 429 (Telegram: about 30). */
  globalPerSecond?: number;
  /** Messages per second in one chat before answering 429 (Telegram: about 1). */
  perChatPerSecond?: number;
  /** Longest a getUpdates request is held open, whatever timeout the bot asks for. */
  maxPollMs?: number;
  /** Port to listen on (default: any free one). */
  port?: number;
}

export interface FakeMessage {
  message_id: number;
  chatId: string;
  method: string;
  date: number;
  text?: string;
  caption?: string;
  reply_markup?: unknown;
  /** Telegram's photo sizes of a sendPhoto, with the file_id a later send may reuse. */
  photo?: { file_id: string; file_unique_id: string; width: number; height: number }[];
  /** Uploaded files by field name (sendPhoto, sendDocument). */
  files?: Record<string, { filename: string; contentType: string; bytes: Buffer }>;
  /** Earlier texts, oldest first, each time editMessageText changed the message. */
  edits: string[];
}

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  chatId: string | undefined;
  at: number;
  /** The status the fake answered with (200, 400, 403, 429...; 0 for a dropped connection). */
  status: number;
}

export interface InjectedFailure {
  code: number;
  description?: string;
  retryAfter?: number;
  /** Only calls for this chat fail. */
  chatId?: number | string;
}

interface Waiter {
  method: string;
  predicate: (call: FakeCall) => boolean;
  resolve: (call: FakeCall) => void;
}

type Params = Record<string, unknown>;
type Update = Record<string, unknown> & { update_id: number };

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'copyMessage', 'forwardMessage']);

/** Thrown inside a request to close its connection without an answer. */
class DroppedConnection extends Error {}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

export class FakeBotApi {
  readonly token: string;
  private uploads = 0;
  private readonly fileIds = new Set<string>();
  readonly botUsername: string;
  readonly botId = 7_000_000_001;
  readonly calls: FakeCall[] = [];
  readonly stats = { tooMany: 0, byMethod: {} as Record<string, number> };
  /** Called when a getUpdates answer hands updates to the bot. */
  onDelivered: ((updates: readonly { update_id: number }[]) => void) | undefined;
  /** Called for every message the bot sends (after it is stored). */
  onMessage: ((chatId: string, message: FakeMessage, call: FakeCall) => void) | undefined;
  webhook: { url: string; secretToken: string | undefined } | undefined;

  private server!: http.Server;
  private port = 0;
  private readonly options: FakeBotApiOptions;
  private readonly queue: { update: Update; delivered: boolean }[] = [];
  // Update ids are unique per bot, and the bot remembers processed ones: each fake server
  // continues where the previous one in this process stopped.
  private static updateIdBase = 100_000;
  private nextUpdateId: number;
  private readonly pollers = new Set<() => void>();
  private readonly chats = new Map<string, FakeMessage[]>();
  private readonly nextMessageId = new Map<string, number>();
  private readonly openQueries = new Map<string, string>();
  private readonly failures = new Map<string, (InjectedFailure & { times: number })[]>();
  private readonly drops = new Map<string, number>();
  private readonly blocked = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private readonly globalWindow: number[] = [];
  private readonly lastSendInChat = new Map<string, number>();
  private queryCounter = 0;
  private stall: { updateId: number; release: () => void; released: Promise<void> } | undefined;
  /** Updates handed out again because their earlier delivery was not confirmed (e.g. a bot restart). */
  redeliveries = 0;

  private constructor(options: FakeBotApiOptions) {
    this.options = options;
    this.token = options.token ?? `123456789:${randomBytes(18).toString('base64url')}`;
    this.botUsername = options.botUsername ?? 'skm_test_bot';
    this.nextUpdateId = FakeBotApi.updateIdBase;
    FakeBotApi.updateIdBase += 10_000_000;
  }

  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const fake = new FakeBotApi(options);
    fake.server = http.createServer((req, res) => void fake.serve(req, res));
    fake.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => fake.server.listen(options.port ?? 0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** What to pass as telegraf's `apiRoot` (TELEGRAM_API_ROOT). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  // ---- updates the test sends as a citizen ----

  /** How many updates pushUpdate() (and sendText, tapButton...) have queued. */
  pushed = 0;
  private readonly sent = new Map<number, Update>();

  /** Delivers an update again, unchanged (as Telegram does when it is unsure it arrived). */
  redeliver(updateId: number): void {
    const update = this.sent.get(updateId);
    if (!update) throw new Error(`no update ${updateId} was sent`);
    this.pushUpdate(update);
  }

  /** Queues an update (or POSTs it to the webhook once one is set). Returns its update_id. */
  pushUpdate(update: Record<string, unknown> & { update_id?: number | undefined }): number {
    this.pushed++;
    const full: Update = { ...update, update_id: update.update_id ?? this.nextUpdateId++ };
    if (full.update_id >= this.nextUpdateId) this.nextUpdateId = full.update_id + 1;
    this.sent.set(full.update_id, full);
    if (this.webhook) {
      this.deliver(full);
    } else {
      this.queue.push({ update: full, delivered: false });
      for (const wake of this.pollers) wake();
    }
    return full.update_id;
  }

  private user(chatId: number, languageCode = 'id') {
    return { id: chatId, is_bot: false, first_name: `Warga ${chatId}`, language_code: languageCode };
  }

  private userMessage(chatId: number, extra: Record<string, unknown>, languageCode?: string) {
    return {
      message_id: this.allocateMessageId(String(chatId)),
      from: this.user(chatId, languageCode),
      chat: { id: chatId, type: 'private', first_name: `Warga ${chatId}` },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  }

  sendText(chatId: number, text: string, options: { updateId?: number; languageCode?: string } = {}): number {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return this.pushUpdate({
      update_id: options.updateId,
      message: this.userMessage(chatId, { text, ...(entities ? { entities } : {}) }, options.languageCode),
    });
  }

  sendSticker(chatId: number): number {
    return this.pushUpdate({
      message: this.userMessage(chatId, {
        sticker: { file_id: 'sticker-1', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false },
      }),
    });
  }

  sendPhoto(chatId: number, caption?: string): number {
    return this.pushUpdate({
      message: this.userMessage(chatId, {
        photo: [{ file_id: 'photo-1', file_unique_id: 'p1', width: 90, height: 90 }],
        ...(caption ? { caption } : {}),
      }),
    });
  }

  /** Taps an inline button of a message the bot sent. Returns the update_id. */
  tapButton(chatId: number, messageId: number, data: string, options: { updateId?: number } = {}): number {
    const message = this.chats.get(String(chatId))?.find((m) => m.message_id === messageId);
    const id = `cq-${++this.queryCounter}`;
    this.openQueries.set(id, String(chatId));
    return this.pushUpdate({
      update_id: options.updateId,
      callback_query: {
        id,
        from: this.user(chatId),
        chat_instance: `ci-${chatId}`,
        data,
        message: {
          message_id: messageId,
          from: { id: this.botId, is_bot: true, first_name: 'SKM', username: this.botUsername },
          chat: { id: chatId, type: 'private', first_name: `Warga ${chatId}` },
          date: message?.date ?? Math.floor(Date.now() / 1000),
          text: message?.text ?? '',
          ...(message?.reply_markup ? { reply_markup: message.reply_markup } : {}),
        },
      },
    });
  }

  /**
   * Where webhook updates are POSTed: the URL the bot registered, unless a test puts something in
   * between (a load balancer in front of several instances).
   */
  webhookTarget: string | undefined;
  /** Webhook POSTs made, and those answered with something else than 200 (or not at all). */
  readonly webhookStats = { posts: 0, refused: 0 };
  private readonly deliveries = new Set<Promise<void>>();

  /**
   * As Telegram does: POSTs the update to the webhook until it is answered 200, waiting a little
   * longer after each failure (gives up after about a minute).
   */
  private deliver(update: Update): void {
    const delivery = (async () => {
      for (let attempt = 1; attempt <= 60 && !this.closed; attempt++) {
        this.onDelivered?.([update]);
        const status = await this.postToWebhook(update).catch(() => 0);
        this.webhookStats.posts++;
        if (status === 200) return;
        this.webhookStats.refused++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
      }
    })();
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  /** Resolves when every update pushed so far was answered 200 by the webhook (or given up). */
  async webhookSettled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /**
   * POSTs an update to the webhook the bot registered; resolves with the HTTP status. The secret
   * header carries the registered secret unless another one (or null: no header) is given.
   */
  async postToWebhook(update: Record<string, unknown>, secretToken: string | null | undefined = this.webhook?.secretToken): Promise<number> {
    if (!this.webhook) throw new Error('no webhook set');
    const response = await fetch(this.webhookTarget ?? this.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(typeof secretToken === 'string' ? { 'x-telegram-bot-api-secret-token': secretToken } : {}),
      },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  }

  // ---- what the bot did ----

  messages(chatId: number | string): FakeMessage[] {
    return this.chats.get(String(chatId)) ?? [];
  }

  lastMessage(chatId: number | string): FakeMessage | undefined {
    return this.messages(chatId).at(-1);
  }

  /** Every message the bot sent, in all chats. */
  allMessages(): FakeMessage[] {
    return [...this.chats.values()].flat();
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first call of `method` (from now on) that matches. */
  waitForCall(method: string, predicate: (call: FakeCall) => boolean = () => true, timeoutMs = 10_000): Promise<FakeCall> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${method} call within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves once `count` messages exist in the chat. */
  async waitForMessages(chatId: number | string, count: number, timeoutMs = 10_000): Promise<FakeMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages(chatId).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`chat ${chatId}: ${this.messages(chatId).length} messages after ${timeoutMs} ms, wanted ${count}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.messages(chatId);
  }

  // ---- faults the test injects ----

  /** The next `times` calls of `method` fail with this error. */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const list = this.failures.get(method) ?? [];
    list.push({ ...failure, times });
    this.failures.set(method, list);
  }

  /** The next `times` calls of `method` get their connection closed without an answer. */
  dropNext(method: string, times = 1): void {
    this.drops.set(method, (this.drops.get(method) ?? 0) + times);
  }

  /** Updates queued or handed out but not yet confirmed by a later getUpdates offset. */
  get unconfirmed(): number {
    return this.queue.length;
  }

  /**
   * The confirmation of `updateId` never arrives, as when the bot dies between handling an update
   * and its next getUpdates: from now on, a getUpdates whose offset would confirm it is held
   * unanswered (its offset not applied) until releaseConfirmations(), which drops it. A bot
   * started afterwards gets the update again.
   */
  stallConfirmationOf(updateId: number): void {
    this.releaseConfirmations();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.stall = { updateId, release, released };
  }

  releaseConfirmations(): void {
    this.stall?.release();
    this.stall = undefined;
  }

  /** The citizen blocks the bot: sends to the chat answer 403. */
  block(chatId: number | string): void {
    this.blocked.add(String(chatId));
  }

  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    this.releaseConfirmations();
    for (const wake of this.pollers) wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- the HTTP side ----

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const reply = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    let params: Params;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const chatId = params.chat_id !== undefined ? paramText(params.chat_id) : this.openQueries.get(paramText(params.callback_query_id) ?? '');
    const call: FakeCall = { method, params, chatId, at: Date.now(), status: 200 };
    this.calls.push(call);
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;

    const drops = this.drops.get(method) ?? 0;
    if (drops > 0) {
      this.drops.set(method, drops - 1);
      call.status = 0;
      this.notify(call);
      req.socket.destroy();
      return;
    }
    try {
      const result = await this.dispatch(method, params, call);
      this.notify(call);
      reply(200, { ok: true, result });
      if (result && typeof result === 'object' && 'message_id' in result && call.chatId !== undefined && SEND_METHODS.has(method)) {
        this.onMessage?.(call.chatId, result as FakeMessage, call);
      }
    } catch (error) {
      if (error instanceof DroppedConnection) {
        call.status = 0;
        this.notify(call);
        req.socket.destroy();
        return;
      }
      if (!(error instanceof ApiError)) throw error;
      call.status = error.code;
      if (error.code === 429) this.stats.tooMany++;
      this.notify(call);
      reply(error.code, {
        ok: false,
        error_code: error.code,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }

  private notify(call: FakeCall): void {
    for (const waiter of this.waiters) {
      if (waiter.method === call.method && waiter.predicate(call)) {
        this.waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  private injected(method: string, chatId: string | undefined): void {
    const list = this.failures.get(method);
    if (!list) return;
    const index = list.findIndex((f) => f.chatId === undefined || String(f.chatId) === chatId);
    if (index < 0) return;
    const failure = list[index]!;
    if (--failure.times <= 0) list.splice(index, 1);
    const description =
      failure.description ??
      (failure.code === 429
        ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}`
        : failure.code === 403
          ? 'Forbidden: bot was blocked by the user'
          : failure.code >= 500
            ? 'Internal Server Error'
            : 'Bad Request');
    throw new ApiError(failure.code, description, failure.code === 429 ? { retry_after: failure.retryAfter ?? 1 } : undefined);
  }

  private rateLimit(chatId: string): void {
    const now = Date.now();
    const { globalPerSecond, perChatPerSecond } = this.options;
    if (perChatPerSecond !== undefined) {
      const last = this.lastSendInChat.get(chatId);
      if (last !== undefined && now - last < 1000 / perChatPerSecond) {
        throw new ApiError(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
      }
    }
    if (globalPerSecond !== undefined) {
      while (this.globalWindow.length > 0 && this.globalWindow[0]! <= now - 1000) this.globalWindow.shift();
      if (this.globalWindow.length >= globalPerSecond) {
        throw new ApiError(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
      }
      this.globalWindow.push(now);
    }
    if (perChatPerSecond !== undefined) this.lastSendInChat.set(chatId, now);
  }

  private allocateMessageId(chatId: string): number {
    const id = this.nextMessageId.get(chatId) ?? 1;
    this.nextMessageId.set(chatId, id + 1);
    return id;
  }

  private storeMessage(chatId: string, method: string, fields: Partial<FakeMessage>): FakeMessage {
    const message: FakeMessage = {
      message_id: this.allocateMessageId(chatId),
      chatId,
      method,
      date: Math.floor(Date.now() / 1000),
      edits: [],
      ...fields,
    };
    const list = this.chats.get(chatId) ?? [];
    list.push(message);
    this.chats.set(chatId, list);
    return message;
  }

  private async dispatch(method: string, params: Params, call: FakeCall): Promise<unknown> {
    this.injected(method, call.chatId);
    const chatId = call.chatId;
    if (SEND_METHODS.has(method) || method === 'editMessageText') {
      if (chatId === undefined) throw new ApiError(400, 'Bad Request: chat_id is empty');
      if (this.blocked.has(chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    }
    switch (method) {
      case 'getMe':
        return { id: this.botId, is_bot: true, first_name: 'SKM', username: this.botUsername, can_join_groups: false };
      case 'getUpdates':
        return await this.getUpdates(params);
      case 'setWebhook': {
        const url = paramText(params.url) ?? '';
        if (url === '') {
          this.webhook = undefined;
          return true;
        }
        const secret = paramText(params.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
          throw new ApiError(400, 'Bad Request: secret token contains unallowed characters');
        }
        this.webhook = { url, secretToken: secret };
        return true;
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') this.queue.length = 0;
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length };
      case 'setMyCommands':
      case 'deleteMyCommands':
      case 'setChatMenuButton':
      case 'sendChatAction':
        return true;
      case 'getMyCommands':
        return [];
      case 'answerCallbackQuery': {
        const id = paramText(params.callback_query_id) ?? '';
        if (!this.openQueries.has(id)) throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        if (typeof params.text === 'string' && params.text.length > 200) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        this.openQueries.delete(id);
        return true;
      }
      case 'sendMessage': {
        const text = typeof params.text === 'string' ? params.text : '';
        if (text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
        if (text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
        validateMarkup(params.reply_markup);
        this.rateLimit(chatId!);
        return this.storeMessage(chatId!, method, { text, ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}) });
      }
      case 'sendPhoto':
      case 'sendDocument': {
        const field = method === 'sendPhoto' ? 'photo' : 'document';
        const caption = typeof params.caption === 'string' ? params.caption : undefined;
        if (caption !== undefined && caption.length > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
        const file = params[field];
        const files: NonNullable<FakeMessage['files']> = {};
        if (isUpload(file)) files[field] = file;
        else if (typeof file !== 'string' || file === '') throw new ApiError(400, `Bad Request: there is no ${field} in the request`);
        validateMarkup(params.reply_markup);
        this.rateLimit(chatId!);
        // As Telegram: an uploaded photo gets a file_id that later sends may use instead of bytes.
        let photo: FakeMessage['photo'];
        if (method === 'sendPhoto') {
          const fileId = isUpload(file) ? `fake-file-${++this.uploads}` : String(file);
          if (!isUpload(file) && !this.fileIds.has(fileId)) throw new ApiError(400, 'Bad Request: wrong file identifier/HTTP URL specified');
          this.fileIds.add(fileId);
          photo = [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 1000, height: 560 }];
        }
        return this.storeMessage(chatId!, method, {
          ...(caption !== undefined ? { caption } : {}),
          ...(photo ? { photo } : {}),
          files,
          ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
        });
      }
      case 'editMessageText': {
        const messageId = Number(params.message_id);
        const message = this.chats.get(chatId!)?.find((m) => m.message_id === messageId);
        if (!message) throw new ApiError(400, 'Bad Request: message to edit not found');
        const text = typeof params.text === 'string' ? params.text : '';
        if (text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
        if (text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
        validateMarkup(params.reply_markup);
        const markup = params.reply_markup;
        if (message.text === text && JSON.stringify(message.reply_markup) === JSON.stringify(markup)) {
          throw new ApiError(
            400,
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        message.edits.push(message.text ?? '');
        message.text = text;
        // Like Telegram: an edit without reply_markup removes the inline keyboard.
        if (markup) message.reply_markup = markup;
        else delete message.reply_markup;
        return { ...message };
      }
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  private async getUpdates(params: Params): Promise<Update[]> {
    if (this.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // An offset confirms the updates handed out below it. An update pushed again with an old
    // update_id (a re-delivery) is still handed out once, as Telegram does after a restart.
    const offset = Number(params.offset ?? 0);
    const stall = this.stall;
    if (stall && offset > stall.updateId) {
      await stall.released;
      throw new DroppedConnection();
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const entry = this.queue[i]!;
      if (entry.delivered && entry.update.update_id < offset) this.queue.splice(i, 1);
    }
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const pending = () => {
      const batch = this.queue.filter((e) => !e.delivered || e.update.update_id >= offset).slice(0, limit);
      for (const entry of batch) {
        if (entry.delivered) this.redeliveries++;
        entry.delivered = true;
      }
      const updates = batch.map((e) => e.update);
      if (updates.length > 0) this.onDelivered?.(updates);
      return updates;
    };
    let ready = pending();
    if (ready.length > 0) return ready;
    const timeoutMs = Math.min(Number(params.timeout ?? 0) * 1000, this.options.maxPollMs ?? 50_000);
    if (timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.pollers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        this.pollers.add(wake);
      });
    }
    ready = pending();
    return ready;
  }
}

function isUpload(value: unknown): value is { filename: string; contentType: string; bytes: Buffer } {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as { bytes?: unknown }).bytes);
}

/** A parameter as the Bot API reads it: strings as they are, numbers and booleans spelled out, objects as JSON. */
function paramText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function validateMarkup(markup: unknown): void {
  if (markup === undefined) return;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (rows === undefined) return;
  if (!Array.isArray(rows)) throw new ApiError(400, 'Bad Request: inline keyboard must be an array');
  for (const row of rows) {
    if (!Array.isArray(row)) throw new ApiError(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    for (const button of row as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
      if (typeof button.text !== 'string' || button.text === '')
        throw new ApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
      if (button.callback_data !== undefined) {
        const data = paramText(button.callback_data) ?? '';
        if (data === '' || Buffer.byteLength(data) > 64) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      } else if (button.url === undefined) {
        throw new ApiError(400, "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must have exactly one of the optional fields");
      }
    }
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseValue(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

async function readParams(req: http.IncomingMessage): Promise<Params> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Params;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries([...new URLSearchParams(body.toString('utf8'))].map(([k, v]) => [k, parseValue(v)]));
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2]!);
  throw new Error(`unsupported content type ${type}`);
}

function parseMultipart(body: Buffer, boundary: string): Params {
  const params: Params = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position >= 0) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Part: CRLF headers CRLF CRLF content CRLF
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
    if (name !== undefined) {
      params[name] = filename !== undefined ? { filename, contentType, bytes: Buffer.from(content) } : parseValue(content.toString('utf8'));
    }
    position = next;
  }
  // telegraf attaches files as attach://<name>: resolve them to the uploaded part.
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.startsWith('attach://')) {
      const attached = params[value.slice('attach://'.length)];
      if (attached !== undefined) params[key] = attached;
    }
  }
  return params;
}
