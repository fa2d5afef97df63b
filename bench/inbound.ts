// Inbound benchmark: N simulated citizens complete surveys concurrently through the real
// Telegram channel (telegraf, long polling) against the fake Bot API, on PostgreSQL. Each citizen
// waits for the bot's next question before tapping, as a person would. The same citizens then
// drive a bare telegraf bot that answers every update with one sendMessage: the baseline.
import { performance } from 'node:perf_hooks';
import { Telegraf } from 'telegraf';
import { TelegramChannel } from '../src/channels/telegram/channel.js';
import { createDb, migrate, seedDemo } from '../src/db/index.js';
import { translate } from '../src/i18n/index.js';
import { createLogger } from '../src/log.js';
import { Catalog } from '../src/survey/catalog.js';
import { createPseudonymizer } from '../src/survey/pseudonym.js';
import { SurveyService } from '../src/survey/service.js';
import type { EngineConfig } from '../src/survey/types.js';
import { FakeBotApi, type FakeMessage } from '../test/support/fake-bot-api.js';

export interface InboundResult {
  citizens: number;
  completed: number;
  updates: number;
  seconds: number;
  surveysPerSecond: number;
  updatesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  storedResponses: number;
}

export const SURVEY_UPDATES = 18;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const ENGINE: EngineConfig = {
  expiryMinutes: 30,
  responseWindow: { kind: 'day' },
  consentVersion: 'bench',
  retentionDays: 365,
  unitListMax: 10,
  suggestionMaxLength: 1000,
};

const UNITS = ['DUKCAPIL', 'DPMPTSP', 'SAMSAT', 'BPJSKES', 'IMIGRASI'];

/**
 * One simulated citizen per chat: sends /start, then taps a button on every question the bot
 * sends, until the thank-you message. `answer` picks the button index for a keyboard.
 */
class Crowd {
  private readonly waiting = new Map<string, (message: FakeMessage) => void>();

  constructor(private readonly fake: FakeBotApi) {
    fake.onMessage = (chatId, message) => {
      const resolve = this.waiting.get(chatId);
      if (!resolve) return;
      this.waiting.delete(chatId);
      resolve(message);
    };
  }

  /** Resolves with the next message for the chat that matches `wanted`. */
  next(chatId: number, wanted: (m: FakeMessage) => boolean, timeoutMs = 30_000): Promise<FakeMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(String(chatId));
        reject(new Error(`citizen ${chatId} waited ${timeoutMs} ms for the bot`));
      }, timeoutMs);
      const listen = (message: FakeMessage) => {
        if (wanted(message)) {
          clearTimeout(timer);
          resolve(message);
        } else {
          this.waiting.set(String(chatId), listen);
        }
      };
      this.waiting.set(String(chatId), listen);
    });
  }
}

function buttons(message: FakeMessage): string[] {
  const markup = message.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? '');
}

async function runCitizen(fake: FakeBotApi, crowd: Crowd, chatId: number, unit: string): Promise<boolean> {
  const hasButtons = (m: FakeMessage) => buttons(m).length > 0;
  let reply = crowd.next(chatId, hasButtons);
  fake.sendText(chatId, `/start u_${unit}`);
  for (let i = 1; i < SURVEY_UPDATES; i++) {
    const message = await reply;
    const choices = buttons(message);
    // Consent: agree; service type: first; profile: skip; U1–U9: 3 or 4; maladmin: no; suggestion: skip.
    let pick = 0;
    if (i === 3) pick = 1;
    else if (i >= 4 && i <= 12) pick = 2 + (chatId % 2);
    else if (i >= 13 && i <= 17) pick = 1;
    if (i === SURVEY_UPDATES - 1) pick = 0;
    const last = i === SURVEY_UPDATES - 1;
    reply = crowd.next(chatId, last ? (m) => (m.text ?? '').startsWith('Terima kasih') : hasButtons);
    fake.tapButton(chatId, message.message_id, choices[pick] ?? choices[0]!);
  }
  const thanks = await reply;
  return (thanks.text ?? '').includes('sudah kami terima');
}

async function drive(fake: FakeBotApi, citizens: number, firstChat: number): Promise<{ completed: number; seconds: number }> {
  const crowd = new Crowd(fake);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: citizens }, (_, i) =>
      runCitizen(fake, crowd, firstChat + i, UNITS[i % UNITS.length]!).catch((error: unknown) => {
        console.error(String(error));
        return false;
      }),
    ),
  );
  return { completed: results.filter(Boolean).length, seconds: (performance.now() - started) / 1000 };
}

export async function benchInbound(databaseUrl: string, citizens: number): Promise<InboundResult> {
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, 10);
  await seedDemo(db);
  const log = createLogger('silent');
  const service = new SurveyService({
    db,
    catalog: new Catalog(db),
    pseudonymizer: createPseudonymizer('bench-key-bench-key-bench-key-bench-key'),
    engine: ENGINE,
    defaultLocale: 'id',
    t: translate,
    log,
  });
  const fake = await FakeBotApi.start({ maxPollMs: 200 });
  const latencies: number[] = [];
  const channel = new TelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service,
    t: translate,
    log,
    defaultLocale: 'id',
    onUpdateHandled: (ms) => latencies.push(ms),
  });
  await channel.start();
  try {
    const run = await drive(fake, citizens, 700_000_000);
    latencies.sort((a, b) => a - b);
    const storedResponses = await db.response.count();
    return {
      citizens,
      completed: run.completed,
      updates: latencies.length,
      seconds: run.seconds,
      surveysPerSecond: run.completed / run.seconds,
      updatesPerSecond: latencies.length / run.seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      storedResponses,
    };
  } finally {
    await channel.stop();
    await fake.close();
    await db.$disconnect();
  }
}

/** The same crowd against a telegraf bot that answers each update with one sendMessage. */
export async function benchBareTelegraf(citizens: number): Promise<{ updatesPerSecond: number; seconds: number; updates: number }> {
  const fake = await FakeBotApi.start({ maxPollMs: 200 });
  const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot, webhookReply: false } });
  let updates = 0;
  const keyboard = { reply_markup: { inline_keyboard: [[{ text: '1', callback_data: '1' }, { text: '2', callback_data: '2' }, { text: '3', callback_data: '3' }]] } };
  bot.on('message', async (ctx) => {
    updates++;
    await ctx.telegram.sendMessage(ctx.chat.id, 'ok', keyboard);
  });
  bot.on('callback_query', async (ctx) => {
    updates++;
    const chatId = ctx.chat?.id ?? ctx.from.id;
    // The last tap of a survey gets the closing text, like the real bot's thank-you.
    await ctx.telegram.sendMessage(chatId, counts.get(chatId) === SURVEY_UPDATES - 2 ? 'Terima kasih, sudah kami terima' : 'ok', keyboard);
    counts.set(chatId, (counts.get(chatId) ?? 0) + 1);
  });
  const counts = new Map<number, number>();
  await new Promise<void>((resolve) => {
    void bot.launch(() => resolve());
  });
  try {
    const run = await drive(fake, citizens, 800_000_000);
    return { updatesPerSecond: updates / run.seconds, seconds: run.seconds, updates };
  } finally {
    bot.stop();
    await fake.close();
  }
}
