// Two instances of the real program (`npm start`'s bin/start.js, webhook mode) on one PostgreSQL,
// behind a round-robin load balancer: citizens complete surveys while updates are duplicated and
// buttons double-tapped, one instance is killed with SIGKILL midway, and the fake Telegram delivers
// again what was not answered 200. Every response is stored once, the weekly summary is sent once,
// one outbox sender holds the lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { prepareTwoInstances, runTwoInstances } from '../support/two-instances.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';
import { columnsOf } from '../../src/scoring/index.js';

const OFFICIAL = 820_001;
const CITIZENS = 16;
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  // Every minute: each instance's start-up sweep finds this week's summary due (and the cron fires
  // in both): it must still be sent once.
  await prepareTwoInstances(t.url, OFFICIAL);
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
      ...columnsOf(r),
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
    const r = await runTwoInstances({ databaseUrl: t.url, citizens: CITIZENS, firstChat: 821_000, officialChat: OFFICIAL });
    expect(r.killedExit).toBe('SIGKILL');
    expect(r.completed).toBe(CITIZENS);
    // Each citizen's response stored exactly once (the seeded ones are older).
    expect(r.responses).toBe(CITIZENS);
    expect(r.respondents).toBe(CITIZENS);
    // Both instances took updates before the kill, and some were delivered again.
    expect(r.perInstance).toHaveLength(2);
    expect(r.perInstance.every((n) => n > 0)).toBe(true);
    // This week's summary: one run, one message to the official, whichever instance sent it.
    expect(r.summaryRuns).toBe(1);
    expect(r.summaryMessages).toBe(1);
    expect(r.outboxLeases).toBe(1);
    expect(r.survivorRunning).toBe(true);
    expect(r.survivorErrors).toBe(0);
  }, 180_000);
});
