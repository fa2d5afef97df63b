// The webhook server under hostile HTTP (webhook mode on PORT): forged secrets, wrong methods and
// content types, bodies announced far over the limit, bodies that are not a JSON object, broken
// JSON, connections that send half a request and stall, and malformed updates with the right
// secret. Must hold: each is refused with its status (403, 405, 415, 413, 400; a stalled request
// cut off) or answered 200 and ignored; none has an effect (nothing claimed); the process never
// dies, never logs at error level, stays small in memory; a citizen completes a survey by POSTs
// afterwards. Here `trials` counts requests.
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../../src/db/embedded.js';
import { FakeBotApi } from '../../../test/support/fake-bot-api.js';
import { type ChaosProperty, randomSource, Verdict } from '../property.js';
import { BotProcess } from '../support/bot.js';
import { hostileUpdate } from '../support/hostile.js';
import { embeddedUrl, stopPostgres, tempDir, withClient } from '../support/postgres.js';
import { aCitizenCompletes, PSEUDONYM_KEY } from '../support/survey.js';

const SECRET = 'chaos-webhook-secret-0123456789';
/** Requests in flight at once. */
const PARALLEL = 20;

/** One kind of request; `send` uses `updateId` for the update it carries, if any. */
type Attack = { name: string; expect: number[]; send: (port: number, updateId: number) => Promise<number> };

function post(port: number, body: string, headers: Record<string, string>, method = 'POST'): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/hook`, {
    method,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET, ...headers },
    ...(method === 'GET' ? {} : { body }),
  }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
    () => 0,
  );
}

/** Writes `head` (and nothing more), resolves with the status the server answered (0: it closed). */
function stalled(port: number, head: string, waitMs: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) socket.destroy();
    });
    const done = () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0));
    socket.on('close', done);
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), waitMs);
  });
}

function attacks(random: () => number): Attack[] {
  const head = (length: number) =>
    `POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: ${length}\r\n\r\n{"update_id":`;
  const update = (updateId: number) => JSON.stringify({ ...hostileUpdate(random, 962_000_000 + Math.floor(random() * 20)), update_id: updateId });
  return [
    { name: 'forged secret', expect: [403], send: (p, u) => post(p, update(u), { 'x-telegram-bot-api-secret-token': `${SECRET.slice(0, -1)}x` }) },
    { name: 'no secret', expect: [403], send: (p, u) => post(p, update(u), { 'x-telegram-bot-api-secret-token': '' }) },
    { name: 'GET', expect: [405], send: (p) => post(p, '', {}, 'GET') },
    { name: 'text/plain', expect: [415], send: (p, u) => post(p, update(u), { 'content-type': 'text/plain' }) },
    { name: 'not an object', expect: [400], send: (p) => post(p, ['null', '[]', '42', '"x"', 'true'][Math.floor(random() * 5)]!, {}) },
    { name: 'broken JSON', expect: [400], send: (p, u) => post(p, update(u).slice(0, 20), {}) },
    { name: '50 MB announced', expect: [413], send: (p) => stalled(p, head(50 * 1024 * 1024), 15_000) },
    { name: 'stalled half request', expect: [0, 408], send: (p) => stalled(p, head(300), 15_000) },
    { name: 'malformed update', expect: [200], send: (p, u) => post(p, update(u), {}) },
  ];
}

export const property: ChaosProperty = {
  name: 'webhook',
  description:
    'hostile webhook requests: refused with their status or ignored, no effect, no error line, memory bounded, a citizen completes by POSTs',
  trials: { full: 2_000, quick: 120 },
  async run({ trials, seed, note }) {
    const random = randomSource(seed + 11);
    const verdict = new Verdict();
    const work = await tempDir('webhook');
    const pgDir = path.join(work.dir, 'postgres');
    const fake = await FakeBotApi.start({ maxPollMs: 1000 });
    const port = await freePort();
    const env = {
      DATABASE_URL: '',
      SKM_DATA_DIR: work.dir,
      SEED_DEMO: 'true',
      PSEUDONYM_KEY,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      HTTP_REQUEST_TIMEOUT_SECONDS: '2',
    };
    let bot: BotProcess | undefined;
    let sent = 0;
    let wrong = 0;
    let peakRssMb = 0;
    const byAttack = new Map<string, number>();
    let completed = false;
    let claimedRefused: number;
    try {
      const outcome = await BotProcess.launch(fake, env);
      if (!outcome.bot) throw new Error(`the bot did not start: exit ${outcome.exit?.code}\n${outcome.exit?.stderrTail}`);
      bot = outcome.bot;
      let id = 970_000_000;
      const refusedIds: number[] = [];
      const kinds = attacks(random);
      const one = async () => {
        const attack = kinds[Math.floor(random() * kinds.length)]!;
        const updateId = id++;
        if (attack.expect[0] !== 200) refusedIds.push(updateId);
        const status = await attack.send(port, updateId);
        byAttack.set(attack.name, (byAttack.get(attack.name) ?? 0) + 1);
        if (!attack.expect.includes(status)) {
          wrong++;
          if (wrong <= 5) verdict.check(false, `${attack.name}: answered ${status}, expected ${attack.expect.join(' or ')}`);
        }
      };
      while (sent < trials && !bot.crashed) {
        const batch = Math.min(PARALLEL, trials - sent);
        await Promise.all(Array.from({ length: batch }, one));
        sent += batch;
        peakRssMb = Math.max(peakRssMb, bot.rssMb());
        if (sent % 500 === 0) note(`${sent} requests sent`);
      }
      // Nothing refused was claimed.
      claimedRefused = await withClient(embeddedUrl(pgDir), async (client) => {
        const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "ProcessedUpdate" WHERE "updateId" = ANY($1)`, [
          refusedIds.map(String),
        ]);
        return Number(rows.rows[0]!.n);
      });
      verdict.check(claimedRefused === 0, `${claimedRefused} refused updates were claimed anyway`);
      if (!bot.crashed) {
        const chatId = 963_000_000 + (seed % 1000);
        const citizen = await aCitizenCompletes(fake, embeddedUrl(pgDir), chatId, random);
        completed = citizen.completed;
        verdict.check(completed, `a citizen by POSTs afterwards: ${citizen.why}`);
        const code = await bot.stop();
        verdict.check(code === 0, `the bot stopped on SIGTERM with exit code ${code}`);
      }
      verdict.check(!bot.crashed, `the bot exited by itself (code ${bot.child.exitCode})`);
    } finally {
      await bot?.kill();
      await stopPostgres(pgDir);
      await fake.close();
      await work.remove();
    }
    const errors = bot?.errorLines() ?? [];
    verdict.check(errors.length === 0, `${errors.length} error-level log lines, e.g. ${errors[0]?.raw.slice(0, 200) ?? ''}`);
    verdict.check(peakRssMb < 400, `peak RSS ${peakRssMb.toFixed(0)} MB (bound: 400 MB)`);
    verdict
      .figure('requests', sent)
      .figure('answered as expected', sent - wrong)
      .figure('refused but claimed', claimedRefused)
      .figure('error lines', errors.length)
      .figure('peak RSS', `${peakRssMb.toFixed(0)} MB`)
      .figure('citizen completes afterwards', completed ? 'yes' : 'no');
    verdict.check(sent === trials, `sent ${sent} of ${trials} requests`);
    return verdict.result(sent);
  },
};
