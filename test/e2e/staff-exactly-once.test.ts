// Every staff command takes effect, and is answered, exactly once: the same update delivered three
// times at once and then re-delivered (as Telegram does after a restart) changes the database once
// and gets one reply. The cases come from the command registry, so a new command is covered (a new
// command that writes must get an example below, or this test fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffCommands } from '../../src/admin/commands/index.js';
import { createInvitation, grantRole } from '../../src/admin/staff.js';
import { TelegramChannel } from '../../src/channels/telegram/channel.js';
import { renderTrendPng } from '../../src/charts/trend.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { translate } from '../../src/i18n/index.js';
import { createLogger } from '../../src/log.js';
import { columnsOf } from '../../src/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { createTestService } from '../support/service.js';

const ADMIN = 6101;
let t: TestDatabase;
let fake: FakeBotApi;
let channel: TelegramChannel;
let staff: StaffCommands;
let handled = 0;
let nextUpdate = 88_000_000;
let nextChat = 6200;

/** The argument each command is tried with (after any preparation it needs). */
const EXAMPLES: Record<string, () => Promise<string>> = {
  skor: async () => 'DUKCAPIL',
  unsur: async () => 'DUKCAPIL',
  zona: async () => '',
  tren: async () => 'DUKCAPIL',
  // Approving a suggestion is the change /saran makes (its list is read-only).
  saran: async () => {
    const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
    const q = await t.db.questionnaire.findFirstOrThrow();
    const at = new Date();
    const row = await t.db.response.create({
      data: {
        sessionId: `saran-${at.getTime()}`,
        unitId: unit.id,
        questionnaireId: q.id,
        channel: 'telegram',
        submittedAt: at,
        startedAt: at,
        ...columnsOf([3, 3, 3, 3, 3, 3, 3, 3, 3]),
        maladmin: {},
        suggestion: 'Ruang tunggu lebih sejuk',
        locale: 'id',
      },
    });
    return `setujui ${row.id}`;
  },
  maladmin: async () => 'DUKCAPIL',
  unduh: async () => 'csv',
  tindaklanjut: async () => 'SAMSAT 10 hari Menambah satu loket antrean',
  langganan: async () => '',
  berhenti: async () => {
    await t.db.staffRole.updateMany({ where: { user: { externalId: String(ADMIN) } }, data: { paused: false } });
    return '';
  },
  lanjut: async () => {
    await t.db.staffRole.updateMany({ where: { user: { externalId: String(ADMIN) } }, data: { paused: true } });
    return '';
  },
  undang: async () => 'unit SAMSAT',
  pengguna: async () => '',
  cabut: async () => {
    const samsat = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'SAMSAT' } });
    await grantRole(t.db, { channel: 'telegram', externalId: String(nextChat++) }, { role: 'unit_official', agencyId: null, unitId: samsat.id });
    const role = await t.db.staffRole.findFirstOrThrow({ where: { unitId: samsat.id, revokedAt: null }, orderBy: { id: 'desc' } });
    return `#${role.id}`;
  },
  unit: async () => '',
  bantuan: async () => '',
};

async function settled(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (handled < fake.pushed) {
    if (Date.now() > deadline) throw new Error(`${fake.pushed - handled} updates still unhandled`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Delivers one update three times at once, then once more later; returns what the chat got. */
async function deliverFourTimes(chatId: number, text: string): Promise<{ first: string[]; after: string[] }> {
  const updateId = nextUpdate++;
  const before = fake.messages(chatId).length;
  for (let i = 0; i < 3; i++) fake.sendText(chatId, text, { updateId });
  await settled();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const first = fake
    .messages(chatId)
    .slice(before)
    .map((m) => `${m.method}:${m.text ?? m.caption ?? ''}`);
  fake.sendText(chatId, text, { updateId });
  await settled();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const after = fake
    .messages(chatId)
    .slice(before)
    .map((m) => `${m.method}:${m.text ?? m.caption ?? ''}`);
  return { first, after };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const demo = await t.db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
  await grantRole(t.db, { channel: 'telegram', externalId: String(ADMIN) }, { role: 'agency_admin', agencyId: demo.id, unitId: null });
  fake = await FakeBotApi.start({ maxPollMs: 100 });
  const { service } = createTestService(t.db);
  const log = createLogger('silent');
  staff = new StaffCommands({
    db: t.db,
    t: translate,
    log,
    botUsername: () => 'skm_test_bot',
    renderTrend: (input) => renderTrendPng(input.series, { title: input.title, xTitle: input.xTitle, yTitle: input.yTitle, zones: input.zones }),
  });
  channel = new TelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service,
    staff,
    t: translate,
    log,
    defaultLocale: 'id',
    retry: { maxRetryAfterSeconds: 5 },
    onUpdateHandled: () => handled++,
  });
  await channel.start();
}, 60_000);

afterAll(async () => {
  await channel?.stop(5000);
  await fake?.close();
  await t?.drop();
});

describe('staff commands take effect exactly once', () => {
  const commands = new StaffCommands({
    db: undefined as never,
    t: translate,
    log: createLogger('silent'),
    botUsername: () => undefined,
  }).commandList();

  it('the registry lists the commands that change something', () => {
    const writers = commands.filter((c) => c.writes).map((c) => c.name);
    expect(writers).toEqual(expect.arrayContaining(['tindaklanjut', 'berhenti', 'lanjut', 'undang', 'cabut']));
    expect(commands.length).toBeGreaterThan(10);
  });

  it.each(commands.map((c) => [c.name, c.writes] as const))('/%s delivered 3 times and re-delivered: one effect, one reply', async (name, writes) => {
    const example = EXAMPLES[name];
    if (!example) throw new Error(`add an example argument for /${name} to EXAMPLES`);
    const arg = await example();
    const [auditBefore, followUps, invitations, revoked] = await Promise.all([
      t.db.auditLog.count(),
      t.db.followUp.count(),
      t.db.invitation.count(),
      t.db.staffRole.count({ where: { revokedAt: { not: null } } }),
    ]);
    const { first, after } = await deliverFourTimes(ADMIN, `/${name}${arg ? ` ${arg}` : ''}`);
    expect(first.length).toBeGreaterThan(0);
    // One reply: no message twice, and nothing more after the re-delivery.
    expect(new Set(first).size).toBe(first.length);
    expect(after).toEqual(first);
    const auditAfter = await t.db.auditLog.count();
    if (writes) {
      // Every change a command makes is audited once.
      expect(auditAfter - auditBefore, first.join('\n')).toBe(1);
    } else {
      expect(auditAfter - auditBefore).toBeLessThanOrEqual(1);
    }
    if (name === 'tindaklanjut') expect(await t.db.followUp.count()).toBe(followUps + 1);
    if (name === 'undang') expect(await t.db.invitation.count()).toBe(invitations + 1);
    if (name === 'cabut') expect(await t.db.staffRole.count({ where: { revokedAt: { not: null } } })).toBe(revoked + 1);
    if (name === 'saran') expect(await t.db.response.count({ where: { suggestionState: 'approved' } })).toBe(1);
  });

  it('/daftar with an invitation, delivered 3 times and re-delivered: one role, one welcome', async () => {
    const samsat = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'SAMSAT' } });
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId: samsat.id }, { createdById: null });
    const newcomer = nextChat++;
    const rolesBefore = await t.db.staffRole.count();
    const { first, after } = await deliverFourTimes(newcomer, `/daftar ${code}`);
    expect(first.length).toBeGreaterThan(0);
    expect(first.join('\n')).not.toContain('tidak berlaku');
    expect(after).toEqual(first);
    expect(await t.db.staffRole.count()).toBe(rolesBefore + 1);
  });
});
