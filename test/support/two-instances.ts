// The two-instance scenario, shared by the test (a small crowd) and the benchmark (200 citizens):
// two `bin/start.js` processes in webhook mode on one PostgreSQL behind a round-robin balancer;
// citizens complete surveys while updates are duplicated and buttons double-tapped; the first
// instance is killed with SIGKILL midway; the fake Telegram delivers again what was not answered.
// Returns what the checks need: how many completed, responses stored per citizen, summary runs
// and messages, outbox leases.
import pg from 'pg';
import { freePort } from '../../src/db/embedded.js';
import { createPseudonymizer } from '../../src/survey/pseudonym.js';
import { Crowd } from './crowd.js';
import { FakeBotApi } from './fake-bot-api.js';
import { Forwarder } from './forwarder.js';
import { type RunningBot, startBot } from './run.js';

export interface TwoInstanceOptions {
  databaseUrl: string;
  citizens: number;
  /** First chat id of the crowd (distinct per run on one database). */
  firstChat: number;
  /** The official subscribed to the agency's weekly summary. */
  officialChat: number;
  thinkMs?: number;
  /** Milliseconds after the crowd starts when the first instance is killed. */
  killAfterMs?: number;
}

export interface TwoInstanceResult {
  completed: number;
  seconds: number;
  /** Stored responses of the crowd, and of how many distinct respondents. */
  responses: number;
  respondents: number;
  /** Requests the balancer sent to each instance. */
  perInstance: number[];
  summaryRuns: number;
  summaryMessages: number;
  outboxLeases: number;
  /** Webhook POSTs and those not answered 200 (re-delivered). */
  posts: number;
  refused: number;
  killedExit: number | string | null;
  survivorErrors: number;
  survivorRunning: boolean;
}

const SECRET = 'rahasia-dua-instans-123';
const PSEUDONYM_KEY = 'kunci-pseudonim-yang-sama-di-semua-instans';

/**
 * Makes this week's summary due at once (every minute, so each instance's start-up sweep finds it)
 * and subscribes an official to it; returns the official's chat id. Needs the demo MPP.
 */
export async function prepareTwoInstances(databaseUrl: string, officialChat = 879_999_999): Promise<number> {
  const { createDb } = await import('../../src/db/client.js');
  const { grantRole } = await import('../../src/admin/staff.js');
  const db = createDb(databaseUrl, 2);
  try {
    const demo = await db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
    await db.agency.update({ where: { id: demo.id }, data: { summaryCron: '* * * * *' } });
    await db.jobRun.deleteMany({ where: { key: { startsWith: 'weekly-summary:MPP-DEMO:' } } });
    await grantRole(db, { channel: 'telegram', externalId: String(officialChat) }, { role: 'agency_official', agencyId: demo.id, unitId: null });
    return officialChat;
  } finally {
    await db.$disconnect();
  }
}

export async function runTwoInstances(options: TwoInstanceOptions): Promise<TwoInstanceResult> {
  const fake = await FakeBotApi.start({ perChatPerSecond: 1_000_000, globalPerSecond: 1_000_000 });
  const ports = [await freePort(), await freePort()];
  const balancer = await Forwarder.start(ports);
  const env = (port: number) => ({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${balancer.port}/telegram/hook`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PSEUDONYM_KEY,
    PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    SCHEDULER_ENABLED: 'true',
  });
  const bots: RunningBot[] = ports.map((port) => startBot(env(port)));
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await Promise.all(bots.map((bot) => bot.waitForLog(/Telegram bot started \(webhook\)/, 60_000)));
    const started = Date.now();
    const crowd = new Crowd(fake, options.thinkMs ?? 20, { duplicates: 0.15, doubleTaps: 0.1 });
    const units = ['DUKCAPIL', 'SAMSAT', 'DPMPTSP', 'BPJSKES', 'IMIGRASI'];
    const surveys = Array.from({ length: options.citizens }, (_, i) =>
      crowd.citizen(options.firstChat + i, units[i % units.length]!).catch(() => false),
    );
    await new Promise((resolve) => setTimeout(resolve, options.killAfterMs ?? 1500));
    bots[0]!.child.kill('SIGKILL');
    const killedExit = await bots[0]!.exited;
    const done = await Promise.all(surveys);
    const seconds = (Date.now() - started) / 1000;
    await fake.webhookSettled();
    // The summary may still be on its way through the outbox.
    const deadline = Date.now() + 30_000;
    const summaries = () => fake.messages(options.officialChat).filter((m) => m.method === 'sendMessage' && (m.text ?? '').startsWith('📊'));
    while (summaries().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pseudonyms = createPseudonymizer(PSEUDONYM_KEY);
    const keys = Array.from({ length: options.citizens }, (_, i) => pseudonyms.chatKey('telegram', String(options.firstChat + i)));
    const respondents = await client.query<{ n: string; keys: string }>(
      `SELECT count(*) AS n, count(DISTINCT "respondentKey") AS keys FROM "Response" WHERE "respondentKey" = ANY($1)`,
      [keys],
    );
    const runs = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "JobRun" WHERE key LIKE 'weekly-summary:MPP-DEMO:%'`);
    const leases = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Lease" WHERE name = 'outbox-sender'`);
    return {
      completed: done.filter(Boolean).length,
      seconds,
      responses: Number(respondents.rows[0]!.n),
      respondents: Number(respondents.rows[0]!.keys),
      perInstance: [...balancer.counts],
      summaryRuns: Number(runs.rows[0]!.n),
      summaryMessages: summaries().length,
      outboxLeases: Number(leases.rows[0]!.n),
      posts: fake.webhookStats.posts,
      refused: fake.webhookStats.refused,
      killedExit,
      survivorErrors: bots[1]!.records().filter((r) => typeof r.level === 'number' && r.level >= 50).length,
      survivorRunning: bots[1]!.child.exitCode === null,
    };
  } finally {
    bots[1]!.child.kill('SIGTERM');
    await bots[1]!.exited;
    for (const bot of bots) bot.kill();
    await client.end();
    await balancer.close();
    await fake.close();
  }
}
