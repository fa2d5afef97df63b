// `skm demo seed|remove` through the real CLI entry point, and what a live bot does with demo data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { freePort } from '../../src/db/embedded.js';
import { createEmptyDatabase } from '../support/db.js';
import { dayStats, fillEveryTable } from '../support/every-table.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { runTs, startBot } from '../support/run.js';

const DEMO_CODES = ['DUKCAPIL', 'DPMPTSP', 'SAMSAT', 'BPJSKES', 'IMIGRASI'];

/** A live agency beside the demo, with a row in every table that can hang on an agency. */
async function addLiveAgency(db: Db): Promise<void> {
  const agency = await db.agency.create({ data: { code: 'KOTA-X', name: 'Pemkot X', timeZone: 'Asia/Makassar' } });
  const unit = await db.serviceUnit.create({ data: { code: 'KEC-A', name: 'Kecamatan A', agencyId: agency.id } });
  const type = await db.serviceType.create({ data: { unitId: unit.id, name: 'Surat pindah', sortOrder: 0 } });
  const questionnaire = await db.questionnaire.findFirstOrThrow();
  await db.response.create({
    data: {
      sessionId: 'live-1',
      unitId: unit.id,
      serviceTypeId: type.id,
      questionnaireId: questionnaire.id,
      channel: 'telegram',
      respondentKey: 'rk-live',
      submittedAt: new Date('2026-11-20T03:00:00Z'),
      startedAt: new Date('2026-11-20T02:59:00Z'),
      u1: 3,
      u2: 3,
      u3: 3,
      u4: 3,
      u5: 3,
      u6: 3,
      u7: 3,
      u8: 3,
      u9: 3,
      maladmin: {},
      locale: 'id',
    },
  });
  const admin = await db.staffUser.create({ data: { channel: 'telegram', externalId: '7770001' } });
  await db.staffRole.create({ data: { userId: admin.id, role: 'agency_admin', agencyId: agency.id } });
  // One person with a role in both: keeps the live role and the account.
  const both = await db.staffUser.create({ data: { channel: 'telegram', externalId: '7770002' } });
  const demoUnit = await db.serviceUnit.findUniqueOrThrow({ where: { code: 'SAMSAT' } });
  await db.staffRole.create({ data: { userId: both.id, role: 'unit_official', unitId: demoUnit.id } });
  await db.staffRole.create({ data: { userId: both.id, role: 'agency_official', agencyId: agency.id } });
  await db.invitation.create({
    data: { codeHash: 'live-h', role: 'agency_official', agencyId: agency.id, expiresAt: new Date('2026-12-30T00:00:00Z') },
  });
  await db.followUp.create({ data: { unitId: unit.id, period: '2026-11', plan: 'Tambah loket', dueAt: new Date('2026-12-30T00:00:00Z') } });
  const run = await db.jobRun.create({
    data: {
      key: 'weekly-summary:KOTA-X:2026-W47',
      name: 'weekly-summary',
      agencyId: agency.id,
      period: '2026-W47',
      dueAt: new Date('2026-11-23T00:00:00Z'),
      trigger: 'schedule',
      instance: 'test',
    },
  });
  await db.outboxMessage.create({
    data: { channel: 'telegram', chatId: '7770001', staffUserId: admin.id, jobRunId: run.id, kind: 'text', text: 'ringkasan' },
  });
  // Unfinished surveys: one on a demo unit, one on the live unit.
  const draft = (unitId: number, code: string) => ({
    v: 1,
    locale: 'id',
    seq: 3,
    step: { kind: 'question', index: 2 },
    consent: { version: 'c1', at: '2026-11-20T00:00:00.000Z' },
    survey: { sessionId: `s-${code}`, unit: { id: unitId, code }, answers: [4, 4] },
    lastActivityAt: '2026-11-20T00:00:00.000Z',
  });
  await db.conversation.create({ data: { channel: 'telegram', chatKey: 'on-demo', state: draft(demoUnit.id, 'SAMSAT') } });
  await db.conversation.create({ data: { channel: 'telegram', chatKey: 'on-live', state: draft(unit.id, 'KEC-A') } });
}

describe('skm demo seed and skm demo remove', () => {
  let empty: { url: string; drop(): Promise<void> };
  let db: Db;
  beforeAll(async () => {
    empty = await createEmptyDatabase('skm_demo_cli');
    db = createDb(empty.url, 2);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await empty?.drop();
  });

  it('removes the demo agency with every row that hangs on it, in one go, and nothing of the live agency', async () => {
    const env = { DATABASE_URL: empty.url, LOG_LEVEL: 'silent' };
    expect((await runTs('src/cli/index.ts', ['db', 'migrate'], { env })).code).toBe(0);
    await fillEveryTable(db);
    await addLiveAgency(db);
    const liveBefore = await db.response.findMany({ where: { unit: { code: 'KEC-A' } } });
    const liveStats = await db.responseDayStat.findMany({ where: { unitId: liveBefore[0]!.unitId } });
    expect(liveStats.length).toBe(1);

    const run = await runTs('src/cli/index.ts', ['demo', 'remove'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Removed the demo agency MPP-DEMO: 5 units, 60 responses, 1 follow-up plan, 3 staff roles, 2 staff users left without a role, 1 invitation, 1 job run, 1 outbox message.',
    );
    expect(run.stdout).toContain('1 unfinished survey on a demo unit was cancelled.');

    // The demo is gone...
    expect(await db.agency.findMany({ select: { code: true } })).toEqual([{ code: 'KOTA-X' }]);
    expect(await db.serviceUnit.count({ where: { code: { in: DEMO_CODES } } })).toBe(0);
    expect(await db.serviceType.count()).toBe(1);
    expect(await db.jobRun.findMany({ select: { key: true } })).toEqual([{ key: 'weekly-summary:KOTA-X:2026-W47' }]);
    expect(await db.followUp.findMany({ select: { plan: true } })).toEqual([{ plan: 'Tambah loket' }]);
    expect(await db.invitation.findMany({ select: { codeHash: true } })).toEqual([{ codeHash: 'live-h' }]);
    expect(await db.outboxFile.count()).toBe(0);
    // The failed WhatsApp message of nobody in particular stays; the demo run's photo went with its run.
    expect((await db.outboxMessage.findMany({ select: { text: true }, orderBy: { id: 'asc' } })).map((m) => m.text)).toEqual(['ringkasan', 'gagal']);
    const roles = await db.staffRole.findMany({ include: { user: true }, orderBy: { id: 'asc' } });
    expect(roles.map((r) => [r.user.externalId, r.role, r.agencyId !== null])).toEqual([
      ['7770001', 'agency_admin', true],
      ['7770002', 'agency_official', true],
    ]);
    // The demo's own staff had only demo roles: their accounts went too.
    expect((await db.staffUser.findMany({ orderBy: { id: 'asc' } })).map((u) => u.externalId)).toEqual(['7770001', '7770002']);
    // ...the live agency's rows are exactly as they were.
    expect(await db.response.findMany()).toEqual(liveBefore);
    expect(await db.responseDayStat.findMany()).toEqual(liveStats);
    const { stored, computed } = await dayStats(empty.url);
    expect(stored).toEqual(computed);
    // The survey on a demo unit is cancelled, the one on the live unit continues.
    const states = Object.fromEntries((await db.conversation.findMany()).map((c) => [c.chatKey, c.state as Record<string, unknown>]));
    expect(states['on-demo']).toMatchObject({ step: { kind: 'idle' }, survey: null, consent: { version: 'c1' } });
    expect(states['on-live']).toMatchObject({ step: { kind: 'question', index: 2 }, survey: { unit: { code: 'KEC-A' } } });
    // Audited, with what was removed.
    const audits = await db.auditLog.findMany({ where: { action: 'demo.remove' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: 'cli', target: 'MPP-DEMO', details: { units: 5, responses: 60 } });

    // Again: nothing to do, nothing audited.
    const again = await runTs('src/cli/index.ts', ['demo', 'remove'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('There is no demo agency (MPP-DEMO) in this database: nothing to remove.');
    expect(await db.auditLog.count({ where: { action: 'demo.remove' } })).toBe(1);
  }, 120_000);

  it('refuses, changing nothing, when the demo agency holds a unit the seed did not make', async () => {
    const env = { DATABASE_URL: empty.url, LOG_LEVEL: 'silent' };
    const seeded = await runTs('src/cli/index.ts', ['demo', 'seed'], { env });
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('Demo data ready: agency MPP-DEMO with 5 units. Remove it before going live: skm demo remove');
    const demo = await db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
    await db.serviceUnit.create({ data: { code: 'KEC-BARU', name: 'Kecamatan Baru', agencyId: demo.id } });

    const run = await runTs('src/cli/index.ts', ['demo', 'remove'], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      'skm: Agency MPP-DEMO holds units the demo seed did not make (KEC-BARU): nothing was removed. Move or remove those units first.',
    );
    expect(await db.serviceUnit.count({ where: { agencyId: demo.id } })).toBe(6);

    // Bad arguments and help, as for every command; the older spelling still works.
    const extra = await runTs('src/cli/index.ts', ['demo', 'remove', 'now'], { env });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toBe('skm: Unexpected argument: now\nRun "skm demo remove --help" for its usage.\n');
    const help = await runTs('src/cli/index.ts', ['seed', 'demo', '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('skm demo seed');
    await db.serviceUnit.delete({ where: { code: 'KEC-BARU' } });
    expect((await runTs('src/cli/index.ts', ['seed', 'demo'], { env })).code).toBe(0);
    expect((await runTs('src/cli/index.ts', ['demo', 'remove'], { env })).code).toBe(0);
    expect(await db.agency.count({ where: { code: 'MPP-DEMO' } })).toBe(0);
  }, 120_000);
});

describe('a live bot and the demo', () => {
  it('with a Telegram token, an empty database gets no demo data unless SEED_DEMO=true; demo data found there is warned about', async () => {
    const own = await createEmptyDatabase('skm_demo_live');
    const own_db = createDb(own.url, 1);
    const start = async (env: Record<string, string>) => {
      // A Bot API of its own for each start: a late getUpdates of the bot stopped before must not
      // count as this one polling (it would be sent SIGTERM before it has its signal handlers).
      const fake = await FakeBotApi.start({ maxPollMs: 100 });
      // Polling has begun once a getUpdates arrives: the bot is up and stops cleanly on SIGTERM.
      const polling = fake.waitForCall('getUpdates', () => true, 60_000);
      const bot = startBot({
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        DATABASE_URL: own.url,
        PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
        LOG_FORMAT: 'json',
        ...env,
      });
      try {
        await polling;
        bot.child.kill('SIGTERM');
        expect(await bot.exited).toBe(0);
      } finally {
        bot.kill();
        await fake.close();
      }
      return bot.logs();
    };
    try {
      let logs = await start({});
      expect(logs).toContain('no service units yet');
      expect(await own_db.agency.count()).toBe(0);

      logs = await start({ SEED_DEMO: 'true' });
      expect(await own_db.agency.findMany({ select: { code: true } })).toEqual([{ code: 'MPP-DEMO' }]);
      expect(logs).not.toContain('the demo agency is in this database');

      logs = await start({});
      expect(logs).toContain('the demo agency is in this database: citizens can rate its units; remove it with: npm run skm -- demo remove');
    } finally {
      await own_db.$disconnect();
      await own.drop();
    }
  }, 180_000);
});
