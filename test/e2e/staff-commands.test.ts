// Officials' and admins' chat commands through the real telegraf bot and the fake Bot API, on
// seeded responses; numbers checked against the scoring module.
import ExcelJS from 'exceljs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffCommands } from '../../src/admin/commands/index.js';
import { grantRole } from '../../src/admin/staff.js';
import { TelegramChannel } from '../../src/channels/telegram/channel.js';
import { renderTrendPng } from '../../src/charts/trend.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { translate } from '../../src/i18n/index.js';
import { createLogger } from '../../src/log.js';
import { columnsOf, roundHalfUp, score, sumsFromAnswers, targetSample } from '../../src/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi, type FakeMessage } from '../support/fake-bot-api.js';
import { pdfText } from '../support/pdf-text.js';
import { createTestService } from '../support/service.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 09:00 WIB
const UNIT_OFFICIAL = 6001;
const ADMIN = 6002;
const CITIZEN = 6003;
const NEWCOMER = 6004;

let t: TestDatabase;
let fake: FakeBotApi;
let channel: TelegramChannel;
let handled = 0;

async function insertResponses(
  unitCode: string,
  rows: readonly (readonly number[])[],
  at: Date,
  extra: { suggestion?: string; maladmin?: Record<string, boolean> } = {},
) {
  const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: unitCode } });
  const q = await t.db.questionnaire.findFirstOrThrow();
  await t.db.response.createMany({
    data: rows.map((r, i) => ({
      sessionId: `${unitCode}-${at.getTime()}-${i}`,
      unitId: unit.id,
      questionnaireId: q.id,
      channel: 'telegram',
      respondentKey: `secret-key-${i}`,
      submittedAt: new Date(at.getTime() + i * 60_000),
      startedAt: at,
      ...columnsOf(r),
      maladmin: extra.maladmin ?? {},
      maladminCount: Object.values(extra.maladmin ?? {}).filter(Boolean).length,
      suggestion: extra.suggestion ? `${extra.suggestion} ${i + 1}` : null,
      locale: 'id',
    })),
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const other = await t.db.agency.create({ data: { code: 'KAB-LAIN', name: 'Kabupaten Lain', timeZone: 'Asia/Makassar' } });
  await t.db.serviceUnit.create({ data: { code: 'RSUD', name: 'RSUD Lain', agencyId: other.id } });
  await insertResponses('DUKCAPIL', WORKED_EXAMPLE, new Date('2026-11-10T03:00:00Z'), {
    suggestion: 'Antrean lebih tertib',
    maladmin: { imbalan: true, calo: false },
  });
  await insertResponses('DUKCAPIL', [[1, 1, 1, 1, 1, 1, 1, 1, 1]], new Date('2026-10-31T16:30:00Z')); // 31 Oct 23:30 WIB: October
  await insertResponses('SAMSAT', [[2, 2, 2, 2, 2, 2, 2, 2, 2]], new Date('2026-11-12T03:00:00Z'));
  await insertResponses('RSUD', [[4, 4, 4, 4, 4, 4, 4, 4, 4]], new Date('2026-11-12T03:00:00Z'));
  const demo = await t.db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
  const dukcapil = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
  await grantRole(t.db, { channel: 'telegram', externalId: String(UNIT_OFFICIAL) }, { role: 'unit_official', agencyId: null, unitId: dukcapil.id });
  await grantRole(t.db, { channel: 'telegram', externalId: String(ADMIN) }, { role: 'agency_admin', agencyId: demo.id, unitId: null });

  fake = await FakeBotApi.start({ maxPollMs: 100 });
  const { service } = createTestService(t.db, { clock: () => NOW });
  const log = createLogger(process.env.TEST_LOG ?? 'silent');
  const staff = new StaffCommands({
    db: t.db,
    t: translate,
    log,
    botUsername: () => 'skm_test_bot',
    clock: () => NOW,
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
    onUpdateHandled: () => handled++,
  });
  await channel.start();
});

afterAll(async () => {
  await channel?.stop(5000);
  await fake?.close();
  await t?.drop();
});

/** Sends a command and returns every message the bot sent for it. */
async function ask(chatId: number, text: string): Promise<FakeMessage[]> {
  const before = fake.messages(chatId).length;
  fake.sendText(chatId, text);
  const deadline = Date.now() + 20_000;
  while (handled < fake.pushed) {
    if (Date.now() > deadline) throw new Error(`no answer to ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return fake.messages(chatId).slice(before);
}

const textOf = async (chatId: number, command: string) => (await ask(chatId, command)).map((m) => m.text ?? m.caption ?? '').join('\n');

describe('officials’ chat commands', () => {
  it('/skor shows the IKM, mutu, zone and count against the target, matching the scoring module', async () => {
    const expected = score(sumsFromAnswers(WORKED_EXAMPLE))!;
    const text = await textOf(UNIT_OFFICIAL, '/skor DUKCAPIL November 2026');
    expect(text).toContain('IKM 82,41 · mutu B (Baik) · 🟢 zona hijau');
    expect(expected.ikm).toBe(82.41);
    expect(text).toContain(`Responden: 6 dari target ${targetSample(1200)}`);
    expect(text).toContain('SEMENTARA');
    // Default unit (the official's own) and default period (this month) give the same.
    expect(await textOf(UNIT_OFFICIAL, '/skor')).toBe(text);
    expect(await textOf(UNIT_OFFICIAL, '/skor bulan ini')).toBe(text);
    // October holds only the one response from 31 October 23:30 WIB.
    expect(await textOf(UNIT_OFFICIAL, '/skor DUKCAPIL bulan lalu')).toContain('IKM 25,00');
  });

  it('numbers read as each language writes them: decimal comma in Indonesian, point in English', async () => {
    const english = (command: string) => {
      const before = fake.messages(UNIT_OFFICIAL).length;
      fake.sendText(UNIT_OFFICIAL, command, { languageCode: 'en' });
      return before;
    };
    const waitFor = async (before: number) => {
      const deadline = Date.now() + 20_000;
      while (handled < fake.pushed) {
        if (Date.now() > deadline) throw new Error('no answer');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return fake
        .messages(UNIT_OFFICIAL)
        .slice(before)
        .map((m) => m.text ?? '')
        .join('\n');
    };
    const skor = await waitFor(english('/skor DUKCAPIL 2026-11'));
    expect(skor).toContain('IKM 82.41 · grade B (Baik) · 🟢 green zone');
    expect(skor).toContain(`Respondents: 6 of target ${targetSample(1200)}`);
    expect(skor).not.toContain('82,41');
    const unsur = await waitFor(english('/unsur DUKCAPIL 2026-11'));
    expect(unsur).toMatch(/^U2 .*: NRR 3\.167 · IKM 79\.17$/m);
    const id = await textOf(UNIT_OFFICIAL, '/unsur DUKCAPIL 2026-11');
    expect(id).toMatch(/^U2 .*: NRR 3,167 · IKM 79,17$/m);
    expect(id).not.toMatch(/\d\.\d{3}/);
  });

  it('/unsur lists the nine NRR, one element a line, with the weakest two marked', async () => {
    const expected = score(sumsFromAnswers(WORKED_EXAMPLE))!;
    const text = await textOf(UNIT_OFFICIAL, '/unsur DUKCAPIL 2026-11');
    const comma = (x: number, d: number) => roundHalfUp(x, d).toFixed(d).replace('.', ',');
    for (const [i, nrr] of expected.nrr.entries()) {
      expect(text).toMatch(new RegExp(`^U${i + 1} [^\\n:]+: NRR ${comma(nrr, 3)} · IKM ${comma(nrr * 25, 2)}( ⚠️)?$`, 'm'));
    }
    expect(text).toContain('U3 Waktu penyelesaian: NRR 2,833 · IKM 70,83 ⚠️');
    expect(text).toMatch(/^U9 .*: NRR 3,000 · IKM 75,00 ⚠️$/m);
    expect(text).not.toMatch(/^U1 .*⚠️/m);
    expect(text.match(/⚠️/g)).toHaveLength(3); // the legend and the two weakest
    // No column alignment that needs a monospace font: no runs of spaces.
    expect(text).not.toMatch(/\S {2,}\S/);
  });

  it('/zona heads with the agency IKM pooled from all its responses, then ranks the units by zone', async () => {
    const text = await textOf(ADMIN, '/zona 2026-11');
    const units = await t.db.serviceUnit.findMany({ where: { agency: { code: 'MPP-DEMO' } } });
    const rows = await t.db.response.findMany({
      where: { unitId: { in: units.map((u) => u.id) }, submittedAt: { gte: new Date('2026-10-31T17:00:00Z'), lt: new Date('2026-11-30T17:00:00Z') } },
    });
    const pooled = score(sumsFromAnswers(rows.map((r) => [r.u1, r.u2, r.u3, r.u4, r.u5, r.u6, r.u7, r.u8, r.u9])))!;
    const agency = await t.db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
    expect(text).toContain(`IKM ${agency.name}: ${pooled.ikm.toFixed(2).replace('.', ',')}* · mutu ${pooled.mutu} (`);
    expect(text).toContain(`· ${rows.length} responden`);
    expect(text).toMatch(/🟢 zona hijau: 1\n {2}DUKCAPIL 82,41\* \(6\)/);
    expect(text).toMatch(/🔴 zona merah: 1\n {2}SAMSAT 50,00\* \(1\)/);
    expect(text).not.toContain('RSUD'); // another agency
  });

  it('/saran pages the newest suggestions; /maladmin counts reports by kind', async () => {
    const saran = await textOf(UNIT_OFFICIAL, '/saran DUKCAPIL 2026-11');
    expect(saran).toContain('6 saran');
    expect(saran.indexOf('Antrean lebih tertib 6')).toBeLessThan(saran.indexOf('Antrean lebih tertib 1'));
    const maladmin = await textOf(UNIT_OFFICIAL, '/maladmin DUKCAPIL 2026-11');
    expect(maladmin).toContain('6 responden');
    expect(maladmin).toContain('Imbalan/pungutan di luar ketentuan: 6');
    expect(maladmin).toContain('Calo: 0');
  });

  it('/saran approves or hides one suggestion of the official’s own units, audited; the list shows each state', async () => {
    const [first, second] = await t.db.response.findMany({
      where: { unit: { code: 'DUKCAPIL' }, suggestion: { not: null } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    expect(await textOf(UNIT_OFFICIAL, `/saran setujui ${first!.id}`)).toContain(`Saran #${first!.id} disetujui`);
    expect(await textOf(UNIT_OFFICIAL, `/saran sembunyikan #${second!.id}`)).toContain(`Saran #${second!.id} disembunyikan`);
    const rows = await t.db.response.findMany({ where: { id: { in: [first!.id, second!.id] } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.suggestionState)).toEqual(['approved', 'hidden']);
    expect(rows.every((r) => r.reviewedAt !== null)).toBe(true);
    const audit = await t.db.auditLog.findMany({ where: { action: { startsWith: 'suggestion.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => `${a.action} ${a.target}`)).toEqual([
      `suggestion.approve response ${first!.id}`,
      `suggestion.hide response ${second!.id}`,
    ]);
    const list = await textOf(UNIT_OFFICIAL, '/saran DUKCAPIL 2026-11');
    expect(list).toContain(`#${first!.id} · `);
    expect(list).toMatch(new RegExp(`#${first!.id} · \\d+ \\S+ \\d{4} · disetujui tampil: Antrean lebih tertib 1`));
    expect(list).toMatch(new RegExp(`#${second!.id} · \\d+ \\S+ \\d{4} · disembunyikan: Antrean lebih tertib 2`));
    expect(list).toContain('belum ditinjau: Antrean lebih tertib 3');
    // A suggestion of a unit outside the official's scope reads like one that does not exist.
    const samsat = await t.db.response.create({
      data: {
        sessionId: 'samsat-saran',
        unitId: (await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'SAMSAT' } })).id,
        questionnaireId: (await t.db.questionnaire.findFirstOrThrow()).id,
        channel: 'telegram',
        submittedAt: new Date('2026-11-12T04:00:00Z'),
        startedAt: new Date('2026-11-12T04:00:00Z'),
        ...columnsOf([3, 3, 3, 3, 3, 3, 3, 3, 3]),
        maladmin: {},
        suggestion: 'Dari unit lain',
        locale: 'id',
      },
    });
    const outside = await textOf(UNIT_OFFICIAL, `/saran setujui ${samsat.id}`);
    expect(outside.replace(String(samsat.id), 'N')).toBe((await textOf(UNIT_OFFICIAL, '/saran setujui 999999')).replace('999999', 'N'));
    expect((await t.db.response.findUniqueOrThrow({ where: { id: samsat.id } })).suggestionState).toBeNull();
  });

  it('/tren sends a PNG chart', async () => {
    const [message] = await ask(UNIT_OFFICIAL, '/tren DUKCAPIL');
    expect(message?.method).toBe('sendPhoto');
    const png = PNG.sync.read(message!.files!.photo!.bytes);
    expect(png.width).toBeGreaterThan(500);
  });

  it('/unduh sends an XLSX without chat identities whose numbers match the scoring module', async () => {
    const [message] = await ask(ADMIN, '/unduh 2026-11');
    expect(message?.method).toBe('sendDocument');
    const file = message!.files!.document!;
    expect(file.filename).toBe('skm-2026-11.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const all: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => all.push(JSON.stringify(row.values))));
    expect(all.join('\n')).toContain('82.41');
    expect(all.join('\n')).not.toContain('secret-key');
    const csv = await ask(ADMIN, '/unduh 2026-11 csv');
    expect(csv[0]!.files!.document!.filename).toBe('skm-2026-11.csv');
    const audit = await t.db.auditLog.findMany({ where: { action: 'export' } });
    expect(audit).toHaveLength(2);
  });

  it("/unduh … pdf sends the official report of the caller's unit, with the IKM in Indonesian", async () => {
    const [message] = await ask(UNIT_OFFICIAL, '/unduh 2026-11 pdf');
    expect(message?.method).toBe('sendDocument');
    const file = message!.files!.document!;
    expect(file.filename).toBe('laporan-skm-DUKCAPIL-2026-11.pdf');
    const text = (await pdfText(file.bytes)).join(' ');
    expect(text).toContain('LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT');
    expect(text).toContain('Nilai IKM 82,41');
    expect(text).toContain('NRR tertimbang');
    expect(await t.db.auditLog.count({ where: { action: 'export', target: 'unit DUKCAPIL' } })).toBe(1);
  });

  it('a unit outside the official’s scope is answered exactly like a unit that does not exist', async () => {
    for (const command of ['skor', 'unsur', 'saran', 'maladmin', 'tren']) {
      const outside = await textOf(UNIT_OFFICIAL, `/${command} SAMSAT 2026-11`);
      const missing = await textOf(UNIT_OFFICIAL, `/${command} NOSUCH 2026-11`);
      expect(outside.replace('SAMSAT', 'X'), command).toBe(missing.replace('NOSUCH', 'X'));
      expect(outside).toContain('tidak ditemukan');
    }
    // Another agency's unit, for an agency admin.
    const otherAgency = await textOf(ADMIN, '/skor RSUD 2026-11');
    expect(otherAgency.replace('RSUD', 'X')).toBe((await textOf(ADMIN, '/skor NOSUCH 2026-11')).replace('NOSUCH', 'X'));
  });

  it('citizens and officials without the right role get the ordinary unknown-command answer', async () => {
    const citizen = await textOf(CITIZEN, '/skor DUKCAPIL');
    expect(citizen).toContain('perintah /skor tidak dikenal');
    const official = await textOf(UNIT_OFFICIAL, '/undang unit DUKCAPIL');
    expect(official).toContain('perintah /undang tidak dikenal');
  });

  it('a staff command delivered again (same update_id) is answered once', async () => {
    const settle = async () => {
      const deadline = Date.now() + 10_000;
      while (handled < fake.pushed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(handled).toBe(fake.pushed);
    };
    const before = fake.messages(UNIT_OFFICIAL).length;
    const updateId = fake.sendText(UNIT_OFFICIAL, '/skor DUKCAPIL');
    await settle();
    expect(fake.messages(UNIT_OFFICIAL).length).toBe(before + 1);
    fake.sendText(UNIT_OFFICIAL, '/skor DUKCAPIL', { updateId });
    await settle();
    expect(fake.messages(UNIT_OFFICIAL).length).toBe(before + 1);
  });

  it('a wrong argument gets a one-line explanation with an example', async () => {
    const badPeriod = await textOf(UNIT_OFFICIAL, '/skor DUKCAPIL kemarin sore');
    expect(badPeriod).toBe('Periode "kemarin sore" tidak dikenali. Contoh: /skor DUKCAPIL bulan ini');
    const needUnit = await textOf(ADMIN, '/skor');
    expect(needUnit).toContain('Mohon sebutkan kode unit');
  });

  it('/bantuan lists exactly the commands the user may use, and sets the chat’s command menu', async () => {
    const official = await textOf(UNIT_OFFICIAL, '/bantuan');
    expect(official).toContain('/skor');
    expect(official).not.toContain('/undang');
    const admin = await textOf(ADMIN, '/bantuan');
    expect(admin).toContain('/undang');
    const menus = fake.callsOf('setMyCommands').filter((c) => (c.params.scope as { chat_id?: number } | undefined)?.chat_id === UNIT_OFFICIAL);
    const commands = (menus.at(-1)!.params.commands as { command: string }[]).map((c) => c.command);
    expect(commands).toContain('skor');
    expect(commands).not.toContain('undang');
  });

  it('an admin invites an official; the code works once, and a wrong or used code gets the same answer', async () => {
    const invite = await textOf(ADMIN, '/undang unit DUKCAPIL');
    const code = /Kode: ([A-Z0-9]{10})/.exec(invite)?.[1];
    expect(code).toBeDefined();
    expect(invite).toContain(`https://t.me/skm_test_bot?start=i_${code}`);
    const stored = await t.db.invitation.findMany();
    expect(JSON.stringify(stored)).not.toContain(code!);
    const joined = await textOf(NEWCOMER, `/start i_${code}`);
    expect(joined).toContain('pejabat unit untuk Disdukcapil');
    expect(await textOf(NEWCOMER, '/skor')).toContain('IKM 82,41');
    const used = await textOf(CITIZEN, `/daftar ${code}`);
    const wrong = await textOf(CITIZEN, '/daftar ZZZZZZZZZZ');
    expect(used).toBe(wrong);
    expect(used).toContain('tidak dapat digunakan');
    const actions = (await t.db.auditLog.findMany()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['invite.create', 'invite.redeem']));
  });

  it('/pengguna lists roles in the admin’s agencies and /cabut revokes one', async () => {
    const list = await textOf(ADMIN, '/pengguna');
    const roleId = /#(\d+) Warga 6004/.exec(list)?.[1];
    expect(roleId).toBeDefined();
    expect(await textOf(ADMIN, `/cabut ${roleId}`)).toContain('telah dicabut');
    expect(await textOf(NEWCOMER, '/skor')).toContain('perintah /skor tidak dikenal');
    expect(await textOf(ADMIN, '/cabut 999999')).toContain('tidak ditemukan');
  });

  it('/unit lists the units in scope with their deep links', async () => {
    const text = await textOf(ADMIN, '/unit');
    expect(text).toContain('DUKCAPIL – Disdukcapil (MPP-DEMO)');
    expect(text).toContain('https://t.me/skm_test_bot?start=u_DUKCAPIL');
    expect(text).not.toContain('RSUD');
  });
});

describe('subscriptions and follow-up plans', () => {
  it('/langganan shows what the official receives; /berhenti and /lanjut pause and resume it', async () => {
    const shown = await textOf(UNIT_OFFICIAL, '/langganan');
    expect(shown).toContain('pejabat unit – Disdukcapil (DUKCAPIL)');
    // The next weekly summary: Monday 30 November 08:00 WIB (NOW is Monday 23 November 09:00).
    expect(shown).toContain('Senin, 30 November 2026 pukul 08.00 WIB');
    expect(shown).toContain('laporan maladministrasi');
    expect(shown).toContain('Status: aktif');
    expect(await textOf(UNIT_OFFICIAL, '/berhenti')).toContain('dijeda');
    expect(await t.db.staffRole.count({ where: { user: { externalId: String(UNIT_OFFICIAL) }, paused: true } })).toBe(1);
    expect(await textOf(UNIT_OFFICIAL, '/berhenti')).toContain('sudah dijeda');
    expect(await textOf(UNIT_OFFICIAL, '/langganan')).toContain('Status: dijeda');
    // Paused officials still use their commands.
    expect(await textOf(UNIT_OFFICIAL, '/skor')).toContain('IKM');
    expect(await textOf(UNIT_OFFICIAL, '/lanjut')).toContain('kembali dikirim');
    expect(await t.db.staffRole.count({ where: { user: { externalId: String(UNIT_OFFICIAL) }, paused: true } })).toBe(0);
    expect(await textOf(CITIZEN, '/berhenti')).toContain('perintah /berhenti tidak dikenal');
  });

  it('a staff member who blocked the bot and writes again receives deliveries again', async () => {
    await t.db.staffUser.updateMany({ where: { externalId: String(UNIT_OFFICIAL) }, data: { blockedAt: new Date() } });
    await textOf(UNIT_OFFICIAL, '/langganan');
    expect((await t.db.staffUser.findFirstOrThrow({ where: { externalId: String(UNIT_OFFICIAL) } })).blockedAt).toBeNull();
  });

  it('/tindaklanjut records a plan with a due date, lists open plans and marks them done', async () => {
    expect(await textOf(UNIT_OFFICIAL, '/tindaklanjut DUKCAPIL')).toContain('Belum ada rencana tindak lanjut');
    const saved = await textOf(UNIT_OFFICIAL, '/tindaklanjut DUKCAPIL Tambah dua petugas loket pada jam sibuk');
    // Default 30 days from Monday 23 November 09:00 WIB.
    expect(saved).toContain('Rabu, 23 Desember 2026');
    const custom = await textOf(UNIT_OFFICIAL, '/tindaklanjut DUKCAPIL 14 hari: perbaiki papan antrean');
    expect(custom).toContain('Senin, 7 Desember 2026');
    const dated = await textOf(UNIT_OFFICIAL, '/tindaklanjut dukcapil 2026-12-31 ruang tunggu ber-AC');
    expect(dated).toContain('Kamis, 31 Desember 2026');
    const plans = await t.db.followUp.findMany({ orderBy: { id: 'asc' } });
    expect(plans.map((p) => [p.plan, p.period])).toEqual([
      ['Tambah dua petugas loket pada jam sibuk', '2026-11'],
      ['perbaiki papan antrean', '2026-11'],
      ['ruang tunggu ber-AC', '2026-11'],
    ]);
    expect(plans[2]!.dueAt.toISOString()).toBe('2026-12-31T16:59:00.000Z'); // 23:59 WIB
    const open = await textOf(UNIT_OFFICIAL, '/tindaklanjut DUKCAPIL');
    expect(open).toContain('(3)');
    expect(await textOf(UNIT_OFFICIAL, '/tindaklanjut DUKCAPIL selesai')).toContain('ditandai selesai');
    expect(await t.db.followUp.count({ where: { doneAt: null } })).toBe(2);
    for (const bad of [
      '/tindaklanjut DUKCAPIL 0 hari: x y z w',
      '/tindaklanjut DUKCAPIL 2026-02-30 rencana',
      '/tindaklanjut DUKCAPIL 2020-01-01 rencana lama',
    ]) {
      expect(await textOf(UNIT_OFFICIAL, bad)).toContain('Batas waktu tidak dapat dipakai');
    }
    expect(await textOf(UNIT_OFFICIAL, '/tindaklanjut')).toContain('Tulis: /tindaklanjut');
    expect(await textOf(UNIT_OFFICIAL, '/tindaklanjut SAMSAT rencana apa saja')).toContain('tidak ditemukan');
    expect(await textOf(UNIT_OFFICIAL, `/tindaklanjut DUKCAPIL ${'x'.repeat(1200)}`)).toContain('terlalu panjang');
    expect(await t.db.followUp.count()).toBe(3);
  });

  it('an expired invitation gets the same answer as a wrong one', async () => {
    const { createInvitation } = await import('../../src/admin/staff.js');
    const demo = await t.db.agency.findUniqueOrThrow({ where: { code: 'MPP-DEMO' } });
    const { code } = await createInvitation(
      t.db,
      { role: 'agency_official', agencyId: demo.id, unitId: null },
      { createdById: null, now: new Date(NOW.getTime() - 8 * 86_400_000) },
    );
    const expired = await textOf(CITIZEN, `/daftar ${code}`);
    expect(expired).toBe(await textOf(CITIZEN, '/daftar QQQQQQQQQQ'));
    expect(await t.db.staffUser.count({ where: { externalId: String(CITIZEN) } })).toBe(0);
  });
});
