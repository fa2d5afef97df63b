// Webhook mode through the program an operator runs (`npm start`'s bin/start.js, its own process):
// Telegram (the fake Bot API) POSTs updates to the bot's HTTP server; a citizen completes a survey
// that way, and requests that are forged, of the wrong method or type, too large, not a JSON object
// or too slow are refused with no effect. Also: health checks, a flood from one chat, malformed
// updates, a Bot API that is unreachable at start, and a token Telegram refuses.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { Crowd } from '../support/crowd.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { type RunningBot, startBot } from '../support/run.js';

let t: TestDatabase;
const SECRET = 'rahasia-webhook-uji-123';

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(async () => {
  await t?.drop();
});

interface Webhooked {
  fake: FakeBotApi;
  bot: RunningBot;
  port: number;
  base: string;
}

async function startWebhookBot(env: Record<string, string> = {}): Promise<Webhooked> {
  const fake = await FakeBotApi.start();
  const port = await freePort();
  const bot = startBot({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    DATABASE_URL: t.url,
    SCHEDULER_ENABLED: 'false',
    ...env,
  });
  await bot.waitForLog(/Telegram bot started \(webhook\)/);
  return { fake, bot, port, base: `http://127.0.0.1:${port}` };
}

async function stop(w: Webhooked): Promise<number | string | null> {
  w.bot.child.kill('SIGTERM');
  const code = await w.bot.exited;
  await w.fake.close();
  return code;
}

function post(base: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<number> {
  return fetch(`${base}/telegram/hook`, {
    method,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET, ...headers },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });
}

/** Writes a raw request and resolves with whatever the server answered once it closes (or in 20 s). */
function rawRequest(port: number, text: string | Buffer): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    setTimeout(() => socket.destroy(), 20_000);
  });
}

function textUpdate(updateId: number, chatId: number, text: string) {
  return {
    update_id: updateId,
    message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'W' }, text },
  };
}

/** Error-level (pino level ≥ 50) log records, and records that carry a stack. */
function faults(bot: RunningBot) {
  const records = bot.records();
  return {
    errors: records.filter((r) => typeof r.level === 'number' && r.level >= 50),
    stacks: records.filter((r) => JSON.stringify(r).includes('"stack"')),
  };
}

describe('webhook mode through the real entry point', () => {
  it('runs until SIGTERM: a citizen completes a survey by POSTs, health and readiness answer, then it drains and exits 0', async () => {
    const w = await startWebhookBot();
    try {
      expect(w.fake.webhook?.secretToken).toBe(SECRET);
      const setWebhook = w.fake.callsOf('setWebhook')[0]!;
      expect(setWebhook.params.allowed_updates).toEqual(['message', 'callback_query']);
      expect((await fetch(`${w.base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${w.base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, checks: { database: true, migrations: true, telegram: true } });
      // The public pages on the same port: the demo MPP's results, and a poster's landing page whose
      // button opens this bot (its username learnt from Telegram at start).
      const results = await fetch(`${w.base}/MPP-DEMO`);
      expect(results.status).toBe(200);
      expect(results.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await results.text()).toContain('DUKCAPIL');
      const landing = await (await fetch(`${w.base}/u/dukcapil`)).text();
      expect(landing).toMatch(/href="https:\/\/t\.me\/\w+bot\?start=u_DUKCAPIL"/i);
      expect(landing).not.toContain('Nilai lewat WhatsApp');

      const crowd = new Crowd(w.fake, 0);
      const before = await t.db.response.count();
      expect(await crowd.citizen(810_001, 'DUKCAPIL')).toBe(true);
      await w.fake.webhookSettled();
      expect(await t.db.response.count()).toBe(before + 1);
      // Webhook mode once ended itself about 3 s after starting: it must still be running.
      expect(w.bot.child.exitCode).toBeNull();
      expect(w.fake.webhookStats.refused).toBe(0);
      // SCHEDULER_ENABLED=false: no summaries or reminders here, but maintenance (retention) still
      // runs, through the scheduler, for the current 15-minute slot.
      let maintenance = null;
      for (let i = 0; i < 60 && !maintenance; i++) {
        maintenance = await t.db.jobRun.findFirst({ where: { name: 'maintenance' } });
        if (!maintenance) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(maintenance?.key, w.bot.logs()).toMatch(/^maintenance:\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45)Z$/);
      const details = (maintenance?.details ?? {}) as Record<string, unknown>;
      expect([typeof details.processedUpdates, typeof details.deletedAliases]).toEqual(['number', 'number']);
      expect(await t.db.jobRun.count({ where: { name: { in: ['weekly-summary', 'daily-check'] } } })).toBe(0);
    } finally {
      const code = await stop(w).finally(() => w.bot.kill());
      expect(code, w.bot.logs()).toBe(0);
    }
    expect(w.bot.logs()).toContain('"msg":"stopped"');
    expect(w.bot.logs()).not.toContain(SECRET);
    expect(w.bot.logs()).not.toContain('810001');
    expect(faults(w.bot).errors).toHaveLength(0);
  }, 90_000);

  it('refuses forged, wrong-method, wrong-type, oversize, non-object and slow requests, with no effect', async () => {
    const w = await startWebhookBot({ HTTP_REQUEST_TIMEOUT_SECONDS: '1' });
    try {
      const chat = 810_101;
      const good = JSON.stringify(textUpdate(950_001, chat, '/start u_SAMSAT'));
      expect(await post(w.base, good, { 'x-telegram-bot-api-secret-token': 'salah-rahasia-123456' })).toBe(403);
      expect(await post(w.base, good, { 'x-telegram-bot-api-secret-token': '' })).toBe(403);
      expect(await post(w.base, good, { 'x-telegram-bot-api-secret-token': SECRET.slice(0, -1) })).toBe(403);
      expect(await post(w.base, '', {}, 'GET')).toBe(405);
      expect(await post(w.base, good, {}, 'PUT')).toBe(405);
      expect(await post(w.base, good, { 'content-type': 'text/plain' })).toBe(415);
      for (const body of ['null', '[]', '123', '"text"', 'true', '{"update_id": 950001, ', '']) {
        expect(await post(w.base, body), body).toBe(400);
      }
      // More than 1 MB (the default limit) is refused before it is read whole.
      const huge = Buffer.alloc(2 * 1024 * 1024, 0x20);
      huge.write('{"update_id": 950002, "message": {"text": "', 0);
      const head = `POST /telegram/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: ${huge.length}\r\n\r\n`;
      expect(await rawRequest(w.port, Buffer.concat([Buffer.from(head), huge.subarray(0, 64 * 1024)]))).toMatch(/^HTTP\/1.1 413/);

      // A body announced as 50 MB is refused at once, without waiting for (or reading) the rest.
      const announced = await rawRequest(
        w.port,
        `POST /telegram/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: 52428800\r\n\r\n{"update_id":`,
      );
      expect(announced).toMatch(/^HTTP\/1.1 413/);

      // A request that sends its headers and part of its body, then nothing: cut off.
      const cut = await new Promise<string>((resolve) => {
        const socket = net.connect(w.port, '127.0.0.1', () => {
          socket.write(
            `POST /telegram/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: 200\r\n\r\n{"update_id":`,
          );
        });
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => resolve(answer));
        // Bounded: the server must close it long before this.
        setTimeout(() => socket.destroy(), 20_000);
      });
      expect(cut === '' || cut.startsWith('HTTP/1.1 408')).toBe(true);

      // None of it had any effect: no reply, nothing claimed.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(w.fake.messages(chat)).toHaveLength(0);
      const claimed = await t.db.processedUpdate.count({ where: { updateId: { in: ['950001', '950002'] } } });
      expect(claimed).toBe(0);
      // The bot still serves: the genuine update is taken.
      expect(await post(w.base, good)).toBe(200);
      await w.fake.waitForMessages(chat, 2);
      expect(faults(w.bot).errors).toHaveLength(0);
    } finally {
      await stop(w).finally(() => w.bot.kill());
    }
  }, 90_000);

  it('malformed updates are answered 200 and ignored, never logged as errors or with a stack', async () => {
    const w = await startWebhookBot();
    try {
      const odd: unknown[] = [
        { update_id: 960_001 },
        { update_id: 960_002, message: null },
        { update_id: 960_003, message: { text: 'hai' } },
        { update_id: 960_004, message: { chat: null, text: 'hai' } },
        { update_id: 960_005, message: { chat: { id: 'abc', type: 'private' }, text: 'hai' } },
        { update_id: 960_006, callback_query: { id: 'q1', data: 'x' } },
        { update_id: 960_007, callback_query: null },
        { update_id: 960_008, callback_query: { id: 5, from: { id: 810_201 }, data: 12 } },
        { update_id: 960_009, callback_query: { id: 'q2', from: { id: 810_202 }, data: '\u0000\u0007garbage' } },
        { update_id: 960_010, message: { chat: { id: 810_203, type: 'private' }, text: 42 } },
        { update_id: 960_011, message: { chat: { id: 810_204, type: 'private' }, text: '\u0000'.repeat(10) } },
        { update_id: 960_012, message: { chat: { id: 810_205, type: 'private' }, text: '😀'.repeat(2000) } },
        { update_id: -1, message: { chat: { id: 810_206, type: 'private' }, text: 'hai' } },
        { update_id: 'x', message: { chat: { id: 810_207, type: 'private' }, text: 'hai' } },
        { update_id: 960_013, edited_message: { chat: { id: 810_208, type: 'private' }, text: 'hai' } },
        { update_id: 960_014, message: { chat: { id: 810_209, type: 'group' }, text: '/skor' } },
        { update_id: 960_015, message: { chat: { id: 1e300, type: 'private' }, text: 'hai' } },
        {
          update_id: 960_016,
          callback_query: { id: 'q3', from: { id: 810_210 }, message: { chat: { id: 810_210, type: 'private' } }, data: 'v1|999|9' },
        },
      ];
      for (const update of odd) expect(await post(w.base, JSON.stringify(update)), JSON.stringify(update).slice(0, 80)).toBe(200);
      // A citizen completes afterwards.
      const crowd = new Crowd(w.fake, 0);
      expect(await crowd.citizen(810_299, 'DPMPTSP')).toBe(true);
      const { errors, stacks } = faults(w.bot);
      expect(errors).toHaveLength(0);
      expect(stacks).toHaveLength(0);
      expect(w.bot.child.exitCode).toBeNull();
    } finally {
      await stop(w).finally(() => w.bot.kill());
    }
  }, 90_000);

  it('a chat that floods gets a few answers and one slow-down note; another citizen is served meanwhile', async () => {
    const w = await startWebhookBot();
    try {
      const flooder = 810_301;
      const posts = Array.from({ length: 60 }, (_, i) => post(w.base, JSON.stringify(textUpdate(970_000 + i, flooder, `halo ${i}`))));
      const crowd = new Crowd(w.fake, 0);
      const served = crowd.citizen(810_302, 'SAMSAT');
      const statuses = await Promise.all(posts);
      expect(statuses).toHaveLength(60);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(await served).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const texts = w.fake.messages(flooder).map((m) => m.text ?? '');
      const notes = texts.filter((text) => text.includes('terlalu cepat'));
      expect(notes).toHaveLength(1);
      // Far fewer answers than messages: the queue per chat is bounded.
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.length).toBeLessThan(30);
    } finally {
      await stop(w).finally(() => w.bot.kill());
    }
  }, 90_000);
});

describe('connecting to the Bot API', () => {
  it('a Bot API unreachable at start is retried, logged once, and /readyz says not ready until it answers', async () => {
    const apiPort = await freePort();
    const port = await freePort();
    const token = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ';
    const bot = startBot({
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${apiPort}`,
      PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      DATABASE_URL: t.url,
      SCHEDULER_ENABLED: 'false',
    });
    let fake: FakeBotApi | undefined;
    try {
      await bot.waitForLog(/Telegram Bot API unreachable/);
      const notReady = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ready: false, checks: { database: true, telegram: false } });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      // Let it retry a few times, then the network comes back.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      fake = await FakeBotApi.start({ token, port: apiPort, maxPollMs: 200 });
      await bot.waitForLog(/Telegram bot started \(long polling\)/, 60_000);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const crowd = new Crowd(fake, 0);
      expect(await crowd.citizen(810_401, 'DUKCAPIL')).toBe(true);
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    } finally {
      bot.kill();
      await fake?.close();
    }
    // Logged once per change of state, not once per attempt.
    expect(bot.logs().match(/Telegram Bot API unreachable/g)).toHaveLength(1);
    expect(faults(bot).errors).toHaveLength(0);
  }, 90_000);

  it('a token Telegram refuses (401) stops the start with a clear message and exit code 78', async () => {
    const fake = await FakeBotApi.start();
    const bot = startBot({
      TELEGRAM_BOT_TOKEN: '123456789:ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkk',
      TELEGRAM_API_ROOT: fake.apiRoot,
      PORT: '0',
      DATABASE_URL: t.url,
      SCHEDULER_ENABLED: 'false',
    });
    try {
      expect(await bot.exited).toBe(78);
    } finally {
      bot.kill();
      await fake.close();
    }
    expect(bot.logs()).toContain('TELEGRAM_BOT_TOKEN');
    expect(bot.logs()).not.toContain('ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkk');
  }, 60_000);
});
