import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { createDb, sqlOf } from '../../src/db/client.js';
import { runMaintenance } from '../../src/jobs/maintenance.js';
import { createPseudonymizer } from '../../src/survey/pseudonym.js';
import { unitReport } from '../../src/reports/unit-report.js';
import { score, sumsFromAnswers } from '../../src/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { ServiceChat, createTestService } from '../support/service.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';
import { translate } from '../../src/i18n/index.js';

let t: TestDatabase;
const now = new Date('2026-11-23T02:00:00Z');
const clock = () => now;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(async () => {
  await t?.drop();
});

describe('survey service on PostgreSQL', () => {
  it('stores a completed survey once, in one row, with the questionnaire version', async () => {
    const { service, catalog } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1001');
    const result = await chat.completeSurvey('DUKCAPIL', [4, 3, 3, 2, 4, 4, 4, 3, 3], 'Ruang tunggu panas.');
    expect(result.duplicate).toBe(false);
    const rows = await t.db.response.findMany({ where: { unit: { code: 'DUKCAPIL' } } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const questionnaire = await catalog.currentQuestionnaire();
    expect(row.questionnaireId).toBe(questionnaire.id);
    expect([row.u1, row.u2, row.u3, row.u4, row.u5, row.u6, row.u7, row.u8, row.u9]).toEqual([4, 3, 3, 2, 4, 4, 4, 3, 3]);
    expect(row.suggestion).toBe('Ruang tunggu panas.');
    expect(row.channel).toBe('telegram');
    expect(row.serviceTypeId).not.toBeNull();
    // The chat id is never stored in the clear.
    expect(row.respondentKey).not.toContain('1001');
    const conversations = await t.db.conversation.findMany();
    expect(JSON.stringify(conversations)).not.toContain('1001');
    const consents = await t.db.consent.findMany({ where: { chatKey: row.respondentKey! } });
    expect(consents).toHaveLength(1);
  });

  it('the privacy notice a citizen receives names the agency from its record, its contact and the rights; the consent records the agency', async () => {
    const demo = await t.db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
    await t.db.agency.update({ where: { id: demo.id }, data: { contactEmail: 'ppid@mpp-demo.go.id', contactPhone: '(0542) 700 100' } });
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1090');
    await chat.send({ kind: 'command', command: 'start', arg: 'u_DUKCAPIL' });
    const prompt = chat.last!.messages.at(-1)!;
    expect(prompt.text.split('\n\n')[0]!.split('\n')).toHaveLength(3);
    expect(prompt.text).toContain(`${demo.name} mengelola jawaban Bapak/Ibu`);
    expect(prompt.choices!.flat().map((c) => c.label)).toEqual(['Saya setuju', 'Saya tidak setuju', 'Selengkapnya']);
    await chat.tap(2);
    const full = chat.last!.messages[0]!.text;
    expect(full).toContain(`Pengendali data: ${demo.name}. Kontak: ppid@mpp-demo.go.id · (0542) 700 100.`);
    for (const part of ['pasal 20', 'PermenPANRB No. 14 Tahun 2017', 'bukan nomor telepon', '/hapusdata', 'SP4N-LAPOR!', 'versi 1, Desember 2026']) {
      expect(full).toContain(part);
    }
    await chat.tap(0);
    expect(chat.last!.state.step.kind).toBe('service_type');
    const consents = await t.db.consent.findMany({ orderBy: { id: 'desc' }, take: 1 });
    expect(consents[0]!.agencyId).toBe(demo.id);
    // /privasi later names the same agency.
    await chat.send({ kind: 'command', command: 'privasi', arg: '' });
    expect(chat.last!.messages[0]!.text).toContain(`Pengendali data: ${demo.name}`);
  });

  it('a re-delivered update takes effect once', async () => {
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1002');
    await chat.toFirstQuestion('SAMSAT');
    const token = chat.tokenOf(3);
    const first = await chat.send({ kind: 'choice', token }, 50);
    const again = await chat.send({ kind: 'choice', token }, 50);
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    const next = await chat.tap(0);
    expect(next.duplicate).toBe(false);
    if (next.duplicate) return;
    expect(next.output.state.survey?.answers).toEqual([4, 1]);
  });

  it('two taps of one chat arriving together are applied one after the other, once', async () => {
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1003');
    await chat.toFirstQuestion('SAMSAT');
    const token = chat.tokenOf(2);
    const results = await Promise.all([chat.send({ kind: 'choice', token }, 100), chat.send({ kind: 'choice', token }, 101)]);
    const outputs = results.flatMap((r) => (r.duplicate ? [] : [r.output]));
    expect(outputs.filter((o) => o.notice === 'Pertanyaan ini sudah dijawab.')).toHaveLength(1);
    const applied = outputs.filter((o) => o.notice === undefined);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.state.survey?.answers).toEqual([3]);
  });

  it('a survey continues after a restart (new service instance, same database)', async () => {
    const first = createTestService(t.db, { clock });
    const chat = new ServiceChat(first.service, '1004');
    await chat.toFirstQuestion('SAMSAT');
    await chat.tap(3);
    await chat.tap(3);
    const second = createTestService(t.db, { clock });
    const resumed = new ServiceChat(second.service, '1004');
    const result = await resumed.send({ kind: 'command', command: 'start', arg: '' }, 999);
    expect(result.duplicate).toBe(false);
    if (result.duplicate) return;
    expect(result.output.messages.map((m) => m.text).join('\n')).toContain('Pertanyaan 3/9');
    expect(result.output.state.survey?.answers).toEqual([4, 4]);
  });

  it('a second completed survey for the same unit on the same day is refused politely', async () => {
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1005');
    await chat.completeSurvey('BPJSKES', [3, 3, 3, 3, 3, 3, 3, 3, 3]);
    const again = await chat.send({ kind: 'command', command: 'start', arg: 'u_BPJSKES' });
    expect(again.duplicate).toBe(false);
    if (again.duplicate) return;
    expect(again.output.messages.map((m) => m.text).join('\n')).toContain('Penilaian berikutnya');
    expect(await t.db.response.count({ where: { unit: { code: 'BPJSKES' } } })).toBe(1);
  });

  it('/hapusdata unlinks the responses, withdraws consent and forgets the conversation', async () => {
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1006');
    await chat.completeSurvey('IMIGRASI', [2, 2, 2, 2, 2, 2, 2, 2, 2], 'Petugas lambat');
    const before = await t.db.response.findFirstOrThrow({ where: { unit: { code: 'IMIGRASI' } } });
    const key = before.respondentKey!;
    await chat.send({ kind: 'command', command: 'hapusdata', arg: '' });
    await chat.tap(0);
    const after = await t.db.response.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.respondentKey).toBeNull();
    expect(after.suggestion).toBeNull();
    expect(after.u1).toBe(2); // the anonymous score stays in the aggregates
    expect(await t.db.conversation.count({ where: { chatKey: key } })).toBe(0);
    const consents = await t.db.consent.findMany({ where: { chatKey: key } });
    expect(consents).toHaveLength(1);
    expect(consents.every((c) => c.withdrawnAt !== null)).toBe(true);
  });

  it("/hapusdata clears that chat's profile and suggestion and leaves other chats' responses untouched", async () => {
    const { service } = createTestService(t.db, { clock });
    /** A survey with every profile question answered (first choice each) and a suggestion. */
    async function withProfile(chat: ServiceChat, suggestion: string) {
      await chat.send({ kind: 'command', command: 'start', arg: 'u_SAMSAT' });
      if (chat.last?.state.step.kind === 'consent') await chat.tap(0);
      if (chat.last?.state.step.kind === 'service_type') await chat.tap(0);
      expect(chat.last?.state.step.kind).toBe('profile_offer');
      await chat.tap(0);
      while (chat.last?.state.step.kind === 'profile') await chat.tap(0);
      for (const a of [3, 3, 4, 3, 3, 4, 3, 3, 4]) await chat.tap(a - 1);
      while (chat.last?.state.step.kind === 'maladmin') await chat.tap(1);
      await chat.send({ kind: 'text', text: suggestion });
    }
    const leaving = new ServiceChat(service, '1016');
    const staying = new ServiceChat(service, '1017');
    await withProfile(leaving, 'Parkir sempit');
    await withProfile(staying, 'Loket kurang');
    const rows = await t.db.response.findMany({
      where: { unit: { code: 'SAMSAT' }, suggestion: { in: ['Parkir sempit', 'Loket kurang'] } },
      orderBy: { id: 'asc' },
    });
    expect(rows).toHaveLength(2);
    // Every personal column was filled, so that clearing each one is visible.
    for (const row of rows) {
      for (const column of ['respondentKey', 'gender', 'ageBand', 'education', 'occupation', 'suggestion'] as const) {
        expect(row[column], column).not.toBeNull();
      }
    }
    const [mine, theirs] = rows as [(typeof rows)[number], (typeof rows)[number]];
    expect(mine.respondentKey).not.toBe(theirs.respondentKey);

    await leaving.send({ kind: 'command', command: 'hapusdata', arg: '' });
    await leaving.tap(0);

    const erased = await t.db.response.findUniqueOrThrow({ where: { id: mine.id } });
    expect(erased).toEqual({
      ...mine,
      respondentKey: null,
      gender: null,
      ageBand: null,
      education: null,
      occupation: null,
      suggestion: null,
    });
    expect(await t.db.response.findUniqueOrThrow({ where: { id: theirs.id } })).toEqual(theirs);
    expect(await t.db.consent.count({ where: { chatKey: theirs.respondentKey!, withdrawnAt: null } })).toBe(1);
  });

  it('a corrupted stored state starts the chat afresh instead of failing', async () => {
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '1007');
    await chat.send({ kind: 'command', command: 'start', arg: '' });
    await t.db.$executeRaw`UPDATE "Conversation" SET state = '{"v": 99, "junk": true}'::jsonb`;
    const result = await chat.send({ kind: 'command', command: 'start', arg: 'u_SAMSAT' });
    expect(result.duplicate).toBe(false);
    if (result.duplicate) return;
    expect(result.output.state.step.kind).toBe('consent');
  });

  it('the report of a unit reproduces the scoring module on the stored rows', async () => {
    const { service } = createTestService(t.db, { clock });
    const rows = WORKED_EXAMPLE;
    for (const [i, answers] of rows.entries()) {
      await new ServiceChat(service, `2000${i}`).completeSurvey('DPMPTSP', answers);
    }
    const report = await unitReport(t.db, 'dpmptsp', '2026-11');
    const expected = score(sumsFromAnswers(rows))!;
    expect(report.responses).toBe(6);
    expect(report.ikm).toBe(82.41);
    expect(report.ikm).toBe(expected.ikm);
    expect(report.mutu).toBe('B');
    expect(report.kinerja).toBe('Baik');
    expect(report.zona).toBe('hijau');
    expect(report.provisional).toBe(true);
    expect(report.unsur.map((u) => u.nrr)).toEqual([3.333, 3.167, 2.833, 3.167, 3.5, 3.667, 3.833, 3.167, 3.0]);
    const empty = await unitReport(t.db, 'DPMPTSP', '2026-10');
    expect(empty.responses).toBe(0);
    expect(empty.ikm).toBeNull();
  });

  it('a burst of all-best answers at one unit is flagged from the fifth, and an answer below 4 does not count towards it', async () => {
    const { service } = createTestService(t.db, { clock });
    const best = [4, 4, 4, 4, 4, 4, 4, 4, 4];
    await new ServiceChat(service, '3100').completeSurvey('IMIGRASI', [4, 4, 4, 4, 4, 4, 4, 4, 3]);
    for (let i = 1; i <= 5; i++) await new ServiceChat(service, `310${i}`).completeSurvey('IMIGRASI', best);
    const rows = await t.db.response.findMany({ where: { unit: { code: 'IMIGRASI' }, u1: 4 }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.flags.includes('perfect_burst'))).toEqual([false, false, false, false, false, true]);
  });
});

describe('warm-up before the first update', () => {
  it('runs whole surveys through the engine, each reply rendered, and stores nothing', async () => {
    const { service } = createTestService(t.db, { clock });
    const tables = async () => ({
      conversations: await t.db.conversation.count(),
      responses: await t.db.response.count(),
      consents: await t.db.consent.count(),
      updates: await t.db.processedUpdate.count(),
      units: await t.db.serviceUnit.count(),
    });
    const before = await tables();
    const rendered: string[] = [];
    const warm = await service.warmUp({ surveys: 8, choicesAs: 'buttons', render: (messages) => rendered.push(...messages.map((m) => m.text)) });
    // Deep link, consent, service type, profile skipped, nine answers, the maladministration items, suggestion skipped.
    expect(warm.completed).toBe(8);
    expect(warm.steps).toBeGreaterThanOrEqual(8 * 14);
    // In both languages: every fourth survey is in English.
    const thanks = (locale: 'id' | 'en') => translate(locale, 'survey.thanks', { unit: 'Warm-up' });
    expect(rendered.filter((text) => text === thanks('id'))).toHaveLength(6);
    expect(rendered.filter((text) => text === thanks('en'))).toHaveLength(2);
    expect(await tables()).toEqual(before);
  });
});

describe('database warm-up before the first update', () => {
  const tables = async () => ({
    conversations: await t.db.conversation.count(),
    responses: await t.db.response.count(),
    consents: await t.db.consent.count(),
    updates: await t.db.processedUpdate.count(),
    dayStats: await t.db.responseDayStat.count(),
  });

  it('runs surveys up to the suggestion through the real statements on every connection, rolled back: nothing stored, statements prepared', async () => {
    // A client of its own: the shared one's connections have prepared statements from other tests.
    const db = createDb(t.url, 3);
    try {
      const { service } = createTestService(db, { clock });
      const before = await tables();
      const warm = await service.warmUpDatabase({ connections: 3, rounds: 2 });
      // Per survey: deep link, consent, service type, profile skipped, nine answers, five maladministration items.
      expect(warm.taps).toBe(3 * 2 * 18);
      expect(await tables()).toEqual(before);
      const pool = sqlOf(db).pool;
      const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      try {
        for (const client of clients) {
          const { rows } = await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
          expect(rows.some((row) => row.statement.includes('INSERT INTO "ProcessedUpdate"'))).toBe(true);
          expect(rows.some((row) => row.statement.includes('UPDATE "Conversation" SET state'))).toBe(true);
        }
      } finally {
        for (const client of clients) client.release();
      }
    } finally {
      await db.$disconnect();
    }
  });

  it('does nothing while the database has no unit', async () => {
    const empty = await createTestDatabase();
    try {
      const { service } = createTestService(empty.db, { clock });
      expect(await service.warmUpDatabase({ connections: 2, rounds: 2 })).toMatchObject({ taps: 0 });
    } finally {
      await empty.drop();
    }
  });
});

describe('maintenance', () => {
  it('forgets processed updates after 48 hours and drops expired unfinished surveys', async () => {
    const { service } = createTestService(t.db, { clock });
    const chat = new ServiceChat(service, '3001');
    await chat.toFirstQuestion('SAMSAT');
    await chat.tap(3);
    const later = new Date(now.getTime() + 49 * 3_600_000);
    const result = await runMaintenance(t.db, later, 365);
    expect(result.processedUpdates).toBeGreaterThan(0);
    expect(result.expiredDrafts).toBeGreaterThan(0);
    const rows = await t.db.conversation.findMany({ where: { expiresAt: { not: null } } });
    expect(rows).toHaveLength(0);
    expect(await t.db.processedUpdate.count({ where: { processedAt: { lt: new Date(later.getTime() - 48 * 3_600_000) } } })).toBe(0);
  });

  it('unlinks responses from chat identities after the retention period', async () => {
    const later = new Date(now.getTime() + 400 * 86_400_000);
    await runMaintenance(t.db, later, 365);
    expect(await t.db.response.count({ where: { respondentKey: { not: null } } })).toBe(0);
    expect(await t.db.response.count()).toBeGreaterThan(0);
  });

  it('forgets WhatsApp identity links after the retention period once the conversation is gone', async () => {
    const p = createPseudonymizer('test-key-for-aliases-0123456789abcdef');
    const old = new Date(now.getTime() - 400 * 86_400_000);
    // Two people, each known under a phone-number JID and a LID; only the first still chats.
    await t.db.whatsAppAlias.createMany({
      data: [
        { aliasKey: 'pn-a', canonicalKey: 'lid-a', createdAt: old },
        { aliasKey: 'lid-a', canonicalKey: 'lid-a', createdAt: old },
        { aliasKey: 'pn-b', canonicalKey: 'pn-b', createdAt: old },
        { aliasKey: 'lid-b', canonicalKey: 'pn-b', createdAt: old },
        { aliasKey: 'pn-c', canonicalKey: 'pn-c', createdAt: now },
      ],
    });
    await t.db.conversation.create({ data: { channel: 'whatsapp', chatKey: p.chatKey('whatsapp', 'lid-a'), state: {} } });
    const result = await runMaintenance(t.db, now, 365, 90, p);
    expect(result.deletedAliases).toBe(2);
    expect((await t.db.whatsAppAlias.findMany({ orderBy: { aliasKey: 'asc' } })).map((a) => a.aliasKey)).toEqual(['lid-a', 'pn-a', 'pn-c']);
  });
});
