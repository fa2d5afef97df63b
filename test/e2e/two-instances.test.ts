// Two instances of the real program (`npm start`'s bin/start.js, webhook mode) on one PostgreSQL,
// behind a round-robin load balancer: citizens complete surveys while updates are duplicated and
// buttons double-tapped, one instance is killed with SIGKILL midway, and the fake Telegram delivers
// again what was not answered 200. Every response is stored once, the weekly summary is sent once,
// one outbox sender holds the lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/admin/staff.js';
import { freePort } from '../../src/db/embedded.js';
import { seedDemo } from '../../src/db/seed.js';
import { Crowd } from '../support/crowd.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { Forwarder } from '../support/forwarder.js';
import { type RunningBot, startBot } from '../support/run.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const OFFICIAL = 820_001;
const CITIZENS = 16;
const SECRET = 'rahasia-dua-instans-123';
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const demo = await t.db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
  // Every minute: each instance's start-up sweep finds this week's summary due (and the cron fires
  // in both): it must still be sent once.
  await t.db.agency.update({ where: { id: demo.id }, data: { summaryCron: '* * * * *' } });
  await grantRole(t.db, { channel: 'telegram', externalId: String(OFFICIAL) }, { role: 'agency_official', agencyId: demo.id, unitId: null });
  const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
  const q = await t.db.questionnaire.findFirstOrThrow();
  const now = Date.now();
  await t.db.response.createMany({
    data: WORKED_EXAMPLE.map((r, i) => ({
      sessionId: `two-${i}`,
      unitId: unit.id,
      questionnaireId: q.id,
      channel: 'telegram',
      submittedAt: new Date(now - 3_600_000 + i * 1000),
      startedAt: new Date(now - 3_700_000),
      u1: r[0]!, u2: r[1]!, u3: r[2]!, u4: r[3]!, u5: r[4]!, u6: r[5]!, u7: r[6]!, u8: r[7]!, u9: r[8]!,
      maladmin: {},
      locale: 'id',
    })),
  });
});
afterAll(async () => {
  await t?.drop();
});

describe('two instances on one database', () => {
  it('citizens complete surveys with chaos while one instance is killed: every response once, the summary once', async () => {
    const fake = await FakeBotApi.start({ perChatPerSecond: 1000, globalPerSecond: 10_000 });
    const ports = [await freePort(), await freePort()];
    const balancer = await Forwarder.start(ports);
    const env = (port: number) => ({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${balancer.port}/telegram/hook`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PSEUDONYM_KEY: 'kunci-pseudonim-yang-sama-di-semua-instans',
      PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      DATABASE_URL: t.url,
      SCHEDULER_ENABLED: 'true',
    });
    const bots: RunningBot[] = ports.map((port) => startBot(env(port)));
    try {
      await Promise.all(bots.map((bot) => bot.waitForLog(/Telegram bot started \(webhook\)/)));
      const summaryText = (text: string | undefined) => (text ?? '').startsWith('📊');
      const crowd = new Crowd(fake, 20, { duplicates: 0.15, doubleTaps: 0.1 });
      const surveys = Array.from({ length: CITIZENS }, (_, i) => crowd.citizen(821_000 + i, ['DUKCAPIL', 'SAMSAT', 'DPMPTSP'][i % 3]!));
      // Kill the first instance midway, without warning (an OOM kill, a pulled plug).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      bots[0]!.child.kill('SIGKILL');
      expect(await bots[0]!.exited).toBe('SIGKILL');
      const done = await Promise.all(surveys);
      expect(done.filter(Boolean)).toHaveLength(CITIZENS);
      await fake.webhookSettled();

      // Each citizen's response stored exactly once.
      const responses = await t.db.response.findMany({ where: { channel: 'telegram', sessionId: { not: { startsWith: 'two-' } } } });
      expect(responses).toHaveLength(CITIZENS);
      expect(new Set(responses.map((r) => r.respondentKey)).size).toBe(CITIZENS);
      // Both instances took updates before the kill.
      expect(balancer.counts).toHaveLength(2);
      expect(balancer.counts.every((n) => n > 0)).toBe(true);

      // This week's summary: one run, one message to the official, whichever instance sent it.
      const runs = await t.db.jobRun.findMany({ where: { key: { startsWith: 'weekly-summary:MPP-DEMO:' } } });
      expect(runs, bots[1]!.logs().slice(-3000)).toHaveLength(1);
      await fake.waitForMessages(OFFICIAL, 1, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const summaries = fake.messages(OFFICIAL).filter((m) => m.method === 'sendMessage' && summaryText(m.text));
      expect(summaries, JSON.stringify(fake.messages(OFFICIAL).map((m) => [m.method, (m.text ?? m.caption ?? "").slice(0, 120)]))).toHaveLength(1);
      const leases = await t.db.lease.findMany();
      expect(leases.filter((l) => l.name === 'outbox-sender')).toHaveLength(1);
      expect(bots[1]!.child.exitCode).toBeNull();
    } finally {
      bots[1]!.child.kill('SIGTERM');
      await bots[1]!.exited;
      for (const bot of bots) bot.kill();
      await balancer.close();
      await fake.close();
    }
    expect(bots[1]!.records().filter((r) => typeof r.level === 'number' && r.level >= 50)).toHaveLength(0);
  }, 180_000);
});
