// Telegram end to end: the real telegraf bot (TelegramChannel) talks HTTP to a fake Bot API
// server on 127.0.0.1, on a real PostgreSQL database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/channel.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { translate } from '../../src/i18n/index.js';
import { createLogger } from '../../src/log.js';
import type { SurveyService } from '../../src/survey/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi, type FakeMessage } from '../support/fake-bot-api.js';
import { freePort } from '../../src/db/embedded.js';
import { startBot as startEntryPoint } from '../support/run.js';
import { createTestService } from '../support/service.js';

let t: TestDatabase;
let fake: FakeBotApi;
/** Updates the bot has completely handled (replies sent) since the fake started. */
let handled = 0;
const channels: TelegramChannel[] = [];
const log = createLogger('silent');

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(async () => {
  await t?.drop();
});
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.stop(5000);
  await fake?.close();
});

interface StartOptions {
  service?: SurveyService;
}

async function startBot(options: StartOptions = {}): Promise<TelegramChannel> {
  const service = options.service ?? createTestService(t.db).service;
  const channel = new TelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service,
    t: translate,
    log,
    defaultLocale: 'id',
    retry: { maxRetryAfterSeconds: 5 },
    onUpdateHandled: () => handled++,
  });
  channels.push(channel);
  await channel.start();
  return channel;
}

async function newFake(options: Parameters<typeof FakeBotApi.start>[0] = {}): Promise<FakeBotApi> {
  fake = await FakeBotApi.start({ maxPollMs: 100, ...options });
  handled = 0;
  return fake;
}

/**
 * Resolves once the bot has completely handled every update pushed so far, and confirmed them (an
 * update pushed again later is then a re-delivery, as after a restart: Telegram does not offer an
 * update again that was confirmed, and the bot skips one it offers again that is still in hand).
 */
async function settled(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (handled < fake.pushed || (fake.webhook === undefined && fake.unconfirmed > 0)) {
    if (Date.now() > deadline) throw new Error(`${fake.pushed - handled} updates still unhandled, ${fake.unconfirmed} unconfirmed`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function buttonsOf(message: FakeMessage | undefined): { text: string; callback_data: string }[] {
  const markup = message?.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat();
}

/** A citizen in one chat: sends, taps, and waits for the bot's answer. */
class Citizen {
  private seen = 0;
  constructor(readonly chatId: number) {}

  /** Messages the bot sent since the last call, once every update sent so far is handled. */
  async replies(atLeast = 1): Promise<FakeMessage[]> {
    await fake.waitForMessages(this.chatId, this.seen + atLeast);
    await settled();
    const all = fake.messages(this.chatId);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /** Collects the bot's messages until one matches. */
  async until(wanted: (m: FakeMessage) => boolean): Promise<FakeMessage[]> {
    const collected: FakeMessage[] = [];
    for (;;) {
      const fresh = await this.replies();
      collected.push(...fresh);
      if (fresh.some(wanted)) return collected;
    }
  }

  /** Waits for the next message carrying buttons (the next question). */
  async question(): Promise<FakeMessage> {
    for (;;) {
      const fresh = await this.replies();
      const asked = fresh.filter((m) => buttonsOf(m).length > 0).at(-1);
      if (asked) return asked;
    }
  }

  /** Deep link, consent, the first service type, skip the profile: resolves with U1. */
  async toFirstQuestion(unit: string): Promise<FakeMessage> {
    this.say(`/start u_${unit}`);
    let q = await this.question();
    this.tap(q, 'Saya setuju');
    q = await this.question();
    this.tap(q, 0);
    q = await this.question();
    this.tap(q, 'Lewati');
    return this.question();
  }

  say(text: string): void {
    fake.sendText(this.chatId, text);
  }

  tap(message: FakeMessage, label: string | number): string {
    const buttons = buttonsOf(message);
    const button = typeof label === 'number' ? buttons[label] : buttons.find((b) => b.text === label);
    if (!button) throw new Error(`no button ${label} in: ${buttons.map((b) => b.text).join(', ')}`);
    fake.tapButton(this.chatId, message.message_id, button.callback_data);
    return button.callback_data;
  }
}

describe('Telegram bot against a fake Bot API', () => {
  it('a citizen completes a survey by buttons; the answered questions are edited and the response is stored', async () => {
    await newFake();
    await startBot();
    const citizen = new Citizen(5001);
    citizen.say('/start u_DUKCAPIL');
    const greeting = await citizen.replies(2);
    expect(greeting[0]!.text).toContain('Disdukcapil');
    expect(greeting.some((m) => (m.text ?? '').includes('UU 27/2022'))).toBe(true);
    let q = greeting.at(-1)!;
    expect(buttonsOf(q).map((b) => b.text)).toEqual(['Saya setuju', 'Saya tidak setuju', 'Selengkapnya']);
    // "Selengkapnya" sends the whole notice, naming the agency, then the question with two buttons.
    citizen.tap(q, 'Selengkapnya');
    const more = await citizen.until((m) => buttonsOf(m).length > 0);
    const fullText = more.map((m) => m.text ?? '').join('\n');
    expect(fullText).toContain('Pengendali data: Mal Pelayanan Publik Kota Demo');
    expect(fullText).toContain('/hapusdata');
    q = more.filter((m) => buttonsOf(m).length > 0).at(-1)!;
    expect(buttonsOf(q).map((b) => b.text)).toEqual(['Saya setuju', 'Saya tidak setuju']);

    citizen.tap(q, 'Saya setuju');
    q = await citizen.question();
    expect(q.text).toContain('Layanan apa yang Bapak/Ibu terima di Disdukcapil');
    citizen.tap(q, 'Kartu Keluarga');
    q = await citizen.question();
    citizen.tap(q, 'Isi profil');
    q = await citizen.question();
    citizen.tap(q, 'Perempuan');
    q = await citizen.question();
    citizen.tap(q, '30–39 tahun');
    q = await citizen.question();
    citizen.tap(q, 0);
    q = await citizen.question();
    citizen.tap(q, 'Wirausaha');

    const answers = [4, 3, 3, 2, 4, 4, 4, 3, 3];
    const questions: FakeMessage[] = [];
    for (const [i, a] of answers.entries()) {
      q = await citizen.question();
      expect(q.text).toMatch(new RegExp(`^Pertanyaan ${i + 1}/9`));
      expect(buttonsOf(q)).toHaveLength(4);
      questions.push(q);
      citizen.tap(q, a - 1);
    }
    // Maladministration: an illegal fee (yes), the rest no.
    for (let i = 0; i < 5; i++) {
      q = await citizen.question();
      citizen.tap(q, i === 0 ? 'Ya' : 'Tidak');
    }
    q = await citizen.question();
    expect(q.text).toContain('adakah saran');
    citizen.say('Mohon tambah kursi di ruang tunggu.');
    const closing = await citizen.until((m) => (m.text ?? '').includes('sudah kami terima'));
    expect(closing.map((m) => m.text).join('\n')).toContain('tanpa identitas Bapak/Ibu');

    // Every answered question was edited to show the choice, and its keyboard removed.
    const u4 = fake.messages(5001).find((m) => m.message_id === questions[3]!.message_id)!;
    expect(u4.edits).toHaveLength(1);
    expect(u4.text).toMatch(/✅ .+$/);
    expect(buttonsOf(u4)).toHaveLength(0);
    expect(fake.callsOf('answerCallbackQuery').length).toBeGreaterThanOrEqual(20);

    const rows = await t.db.response.findMany({ where: { unit: { code: 'DUKCAPIL' } }, include: { serviceType: true, questionnaire: true } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect([row.u1, row.u2, row.u3, row.u4, row.u5, row.u6, row.u7, row.u8, row.u9]).toEqual(answers);
    expect(row.serviceType?.name).toBe('Kartu Keluarga');
    expect(row.questionnaire.version).toBe(1);
    expect(row.gender).toBe('P');
    expect(row.ageBand).toBe('30-39');
    expect(row.occupation).toBe('Wirausaha');
    expect(row.maladminCount).toBe(1);
    expect(row.maladmin).toMatchObject({ imbalan: true, calo: false });
    expect(row.suggestion).toBe('Mohon tambah kursi di ruang tunggu.');
    expect(row.channel).toBe('telegram');
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('5001');
  });

  it('a re-delivered update_id changes nothing and gets no second reply', async () => {
    await newFake();
    await startBot();
    const citizen = new Citizen(5002);
    const q = await citizen.toFirstQuestion('SAMSAT');
    expect(q.text).toMatch(/^Pertanyaan 1\/9/);
    // Tap "4" on U1, then Telegram delivers the very same update again (same update_id).
    const data = buttonsOf(q)[3]!.callback_data;
    const updateId = fake.tapButton(5002, q.message_id, data);
    const u2 = await citizen.question();
    expect(u2.text).toMatch(/^Pertanyaan 2\/9/);
    await settled();
    const before = fake.messages(5002).length;
    const answered = fake.callsOf('answerCallbackQuery').length;
    fake.tapButton(5002, q.message_id, data, { updateId });
    fake.sendText(5002, '/start u_SAMSAT', { updateId: updateId - 1 });
    // The bot answers the re-delivered callback query (so the spinner stops) but sends nothing.
    await settled();
    expect(fake.callsOf('answerCallbackQuery').length).toBe(answered + 1);
    expect(fake.messages(5002).length).toBe(before);
    const conversation = await t.db.conversation.findMany();
    const states = conversation.map((c) => c.state as { survey?: { answers?: number[] } });
    expect(states.some((s) => JSON.stringify(s.survey?.answers) === '[4]')).toBe(true);
  });

  it('a double tap and a tap on an earlier question change nothing and get a short note', async () => {
    await newFake();
    await startBot();
    const citizen = new Citizen(5003);
    const u1 = await citizen.toFirstQuestion('DPMPTSP');
    const earlier = buttonsOf(u1)[0]!.callback_data;
    // Two taps on U1 arrive together.
    citizen.tap(u1, 2);
    citizen.tap(u1, 3);
    const u2 = await citizen.question();
    expect(u2.text).toMatch(/^Pertanyaan 2\/9/);
    const notes = () => fake.callsOf('answerCallbackQuery').filter((c) => c.params.text === 'Pertanyaan ini sudah dijawab.').length;
    expect(notes()).toBe(1);
    // Later, a tap on U1's (now edited) message again.
    fake.tapButton(5003, u1.message_id, earlier);
    await settled();
    expect(notes()).toBe(2);
    expect(fake.messages(5003).filter((m) => /^Pertanyaan 2\/9/.test(m.text ?? ''))).toHaveLength(1);
    citizen.tap(u2, 1);
    const u3 = await citizen.question();
    expect(u3.text).toMatch(/^Pertanyaan 3\/9/);
    const state = (await t.db.conversation.findMany()).map((c) => c.state as { survey?: { answers?: number[] } });
    expect(state.some((s) => JSON.stringify(s.survey?.answers) === '[3,2]')).toBe(true);
  });

  it('text, numbers, stickers, photos, long messages, unknown commands and unknown units get a polite answer and the question again', async () => {
    await newFake();
    await startBot();
    const citizen = new Citizen(5004);
    citizen.say('/start u_NOSUCHUNIT');
    const notFound = await citizen.replies();
    expect(notFound[0]!.text).toContain('kode unit "NOSUCHUNIT" tidak kami temukan');
    const u1 = await citizen.toFirstQuestion('BPJSKES');

    citizen.say('pelayanannya bagus sekali');
    let replies = await citizen.replies(2);
    expect(replies[0]!.text).toContain('tidak kami kenali');
    // Telegram shows buttons: its hint may name them.
    expect(replies[0]!.text).toContain('(tekan tombol, atau ketik angka 1–4)');
    expect(replies.at(-1)!.text).toBe(u1.text);
    expect(buttonsOf(replies.at(-1))).toHaveLength(4);

    fake.sendSticker(5004);
    replies = await citizen.replies(2);
    expect(replies[0]!.text).toContain('hanya dapat membaca pesan teks dan tombol');
    expect(replies.at(-1)!.text).toBe(u1.text);

    fake.sendPhoto(5004, 'foto loket');
    replies = await citizen.replies(2);
    expect(replies[0]!.text).toContain('hanya dapat membaca pesan teks dan tombol');

    citizen.say('x'.repeat(5000));
    replies = await citizen.replies(2);
    expect(replies[0]!.text).toContain('tidak kami kenali');
    expect(replies).toHaveLength(2);
    expect(replies.every((m) => (m.text ?? '').length <= 4096)).toBe(true);

    citizen.say('/entahlah');
    replies = await citizen.replies(2);
    expect(replies[0]!.text).toContain('perintah /entahlah tidak dikenal');

    // A typed number answers like the button.
    citizen.say('3');
    const u2 = await citizen.question();
    expect(u2.text).toMatch(/^Pertanyaan 2\/9/);
    const sends = fake.callsOf('sendMessage');
    expect(sends.length).toBeGreaterThan(0);
    expect(sends.every((c) => c.status === 200)).toBe(true);
  });

  it('waits out a 429 retry_after on sendMessage and then delivers the reply', async () => {
    await newFake();
    await startBot();
    fake.failNext('sendMessage', { code: 429, retryAfter: 1, chatId: 5005 });
    const citizen = new Citizen(5005);
    citizen.say('/start u_IMIGRASI');
    const replies = await citizen.replies(2);
    expect(replies[0]!.text).toContain('Kantor Imigrasi');
    const sends = fake.callsOf('sendMessage').filter((c) => c.chatId === '5005');
    expect(sends[0]!.status).toBe(429);
    expect(sends[1]!.status).toBe(200);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.stats.tooMany).toBe(1);
  });

  it('a failing handler is logged, the chat gets an apology, and the bot keeps serving', async () => {
    await newFake();
    const { service } = createTestService(t.db);
    let failures = 1;
    const flaky = {
      handle: async (envelope: Parameters<SurveyService['handle']>[0]) => {
        if (envelope.chatId === '5006' && failures-- > 0) throw new Error('database went away');
        return service.handle(envelope);
      },
    } as unknown as SurveyService;
    await startBot({ service: flaky });
    const citizen = new Citizen(5006);
    citizen.say('/start u_DUKCAPIL');
    const apology = await citizen.replies();
    expect(apology[0]!.text).toContain('Mohon maaf, terjadi gangguan');
    citizen.say('/start u_DUKCAPIL');
    const greeting = await citizen.replies(2);
    expect(greeting[0]!.text).toContain('Disdukcapil');
  });

  it('a citizen who blocked the bot does not stop it', async () => {
    await newFake();
    await startBot();
    fake.block(5007);
    fake.sendText(5007, '/start u_DUKCAPIL');
    await fake.waitForCall('sendMessage', (c) => c.chatId === '5007' && c.status === 403);
    const other = new Citizen(5008);
    other.say('/start u_DUKCAPIL');
    expect((await other.replies(2))[0]!.text).toContain('Disdukcapil');
  });

  it('stops cleanly: no new updates taken, the update in hand finishes and its reply is sent', async () => {
    await newFake();
    const { service } = createTestService(t.db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const slow = {
      handle: async (envelope: Parameters<SurveyService['handle']>[0]) => {
        entered();
        await gate;
        return service.handle(envelope);
      },
    } as unknown as SurveyService;
    const channel = await startBot({ service: slow });
    fake.sendText(5010, '/start u_DUKCAPIL');
    await inHandler;
    const stopping = channel.stop(5000);
    setTimeout(release, 200);
    await stopping;
    expect(fake.messages(5010).length).toBe(2);
    // After stop, updates are no longer taken.
    const polls = fake.callsOf('getUpdates').length;
    fake.sendText(5011, '/start u_DUKCAPIL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsOf('getUpdates').length).toBe(polls);
    expect(fake.messages(5011)).toHaveLength(0);
  });

  it('the real entry point (bin/start.js) polls, answers health and readiness on PORT, and stops cleanly on SIGTERM', async () => {
    await newFake();
    const port = await freePort();
    const bot = startEntryPoint({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: t.url,
      PORT: String(port),
      HTTP_HOST: '127.0.0.1',
    });
    try {
      await fake.waitForCall('getUpdates', () => true, 30_000);
      fake.sendText(5012, '/start u_DPMPTSP');
      const greeting = await fake.waitForMessages(5012, 2, 30_000);
      expect(greeting[0]!.text).toContain('DPMPTSP');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, checks: { database: true, migrations: true, telegram: true } });
      bot.child.kill('SIGTERM');
      expect(await bot.exited, bot.logs()).toBe(0);
    } finally {
      bot.kill();
    }
    const logs = bot.logs();
    // Before its first update it warmed up the engine, the database path and the Bot API client.
    const warmed = logs
      .split('\n')
      .filter((line) => line.includes('warmed up before the first update'))
      .map((line) => JSON.parse(line) as { engineSteps: number; databaseTaps: number; botApiCalls: number });
    expect(warmed).toHaveLength(1);
    expect(warmed[0]!.engineSteps).toBeGreaterThan(0);
    expect(warmed[0]!.databaseTaps).toBeGreaterThan(0);
    expect(warmed[0]!.botApiCalls).toBeGreaterThan(0);
    expect(logs).not.toContain('warm-up failed');
    expect(logs).toContain('shutting down');
    expect(logs).toContain('stopped');
    // No token, chat id or chat text in the logs.
    expect(logs).not.toContain(fake.token.split(':')[1]!);
    expect(logs).not.toContain('5012');
    expect(logs).not.toContain('u_DPMPTSP');
  }, 60_000);
});
