// Production-mode inbound benchmarks, each a paced crowd of citizens through the real program
// (`bin/start.js`, its own process) and the fake Bot API, on the same PostgreSQL:
//   - webhook: the fake POSTs every update to the bot's HTTP server (beside long polling);
//   - two instances: two bots in webhook mode behind a round-robin balancer (beside one);
//   - flood: long polling while one chat sends 5,000 messages at about 1,000 a second: the other
//     citizens' p95 beside their p95 without the flood (aim: within 2×).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/db/embedded.js';
import { Crowd } from '../test/support/crowd.js';
import { FakeBotApi } from '../test/support/fake-bot-api.js';
import { Forwarder } from '../test/support/forwarder.js';
import { type CrowdResult, driveCrowd, npmStartNodeArgs, peakRssMb, stopChild } from './inbound.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'bench-webhook-secret-0123456789';

let nextChat = 900_000_000;

/** Starts `bin/start.js` and waits until its log says the bot started. */
async function startBot(env: Record<string, string>, started: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...npmStartNodeArgs(), path.join(ROOT, 'bin', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let logs = '';
    const timer = setTimeout(() => reject(new Error(`the bot did not start within 60 s:\n${logs}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
      if (started.test(logs)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bot exited with ${code}:\n${logs}`));
    });
  });
  // Keep draining its log so that a full pipe never blocks it.
  child.stderr.resume();
  return child;
}

export interface ProductionOptions {
  citizens: number;
  thinkMs: number;
}

/** `instances` bots in webhook mode (behind a balancer when more than one). */
export async function benchWebhook(databaseUrl: string, options: ProductionOptions & { instances: number }): Promise<CrowdResult> {
  const fake = await FakeBotApi.start({ maxPollMs: 500 });
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const balancer = options.instances > 1 ? await Forwarder.start(ports) : undefined;
  const publicPort = balancer?.port ?? ports[0]!;
  const children: ChildProcess[] = [];
  try {
    for (const port of ports) {
      children.push(
        await startBot(
          {
            TELEGRAM_BOT_TOKEN: fake.token,
            TELEGRAM_API_ROOT: fake.apiRoot,
            TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${publicPort}/telegram/hook`,
            TELEGRAM_WEBHOOK_SECRET: SECRET,
            PSEUDONYM_KEY: 'bench-pseudonym-key-the-same-everywhere',
            PORT: String(port),
            HTTP_HOST: '127.0.0.1',
            DATABASE_URL: databaseUrl,
            SEED_DEMO: 'true',
          },
          /Telegram bot started \(webhook\)/,
        ),
      );
    }
    const crowd = new Crowd(fake, options.thinkMs);
    const first = nextChat;
    nextChat += options.citizens;
    const figures = await driveCrowd(options.citizens, crowd, (i, unit) => crowd.citizen(first + i, unit));
    return { ...figures, peakRssMb: Math.max(...children.map((c) => peakRssMb(c.pid))) };
  } finally {
    for (const child of children) await stopChild(child);
    await balancer?.close();
    await fake.close();
  }
}

export interface FloodResult extends CrowdResult {
  floodSent: number;
  floodAnswered: number;
}

/** Long polling with (or without) one chat flooding the bot while the crowd answers. */
export async function benchFlood(databaseUrl: string, options: ProductionOptions & { flood: number }): Promise<FloodResult> {
  const fake = await FakeBotApi.start({ maxPollMs: 500, perChatPerSecond: 1_000_000, globalPerSecond: 1_000_000 });
  const child = await startBot(
    { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, PORT: '0', DATABASE_URL: databaseUrl, SEED_DEMO: 'true' },
    /Telegram bot started \(long polling\)/,
  );
  const flooder = 899_999_999;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const crowd = new Crowd(fake, options.thinkMs);
    const first = nextChat;
    nextChat += options.citizens;
    if (options.flood > 0) {
      // About 1,000 a second, in ticks of 10 ms, starting with the crowd.
      timer = setInterval(() => {
        for (let i = 0; i < 10 && sent < options.flood; i++, sent++) fake.sendText(flooder, `spam ${sent}`);
        if (sent >= options.flood) clearInterval(timer);
      }, 10);
    }
    const figures = await driveCrowd(options.citizens, crowd, (i, unit) => crowd.citizen(first + i, unit));
    return { ...figures, peakRssMb: peakRssMb(child.pid), floodSent: sent, floodAnswered: fake.messages(flooder).length };
  } finally {
    clearInterval(timer);
    await stopChild(child);
    await fake.close();
  }
}
