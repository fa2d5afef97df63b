// Scheduled jobs on a real PostgreSQL: exactly once per key (two schedulers racing, a crash in the
// middle of a run, a restart after it), catch-up after downtime only while the period is current,
// agencies in different time zones, and the reminders' once-per-unit-and-period rules.
import cron from 'node-cron';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { translate } from '../../src/i18n/index.js';
import { AGENCY_JOBS, type JobEnv, dueFire, runAgencyJob, runMaladminAlerts } from '../../src/jobs/jobs.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { columnsOf, zonedTimeUtc } from '../../src/scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const HOUR = 3_600_000;
const log = createLogger('silent');
const weekly = AGENCY_JOBS.find((j) => j.name === 'weekly-summary')!;
const daily = AGENCY_JOBS.find((j) => j.name === 'daily-check')!;

let t: TestDatabase;
let db: Db;
let questionnaireId: number;
let chat = 1000;

const env = (extra: Partial<JobEnv> = {}): JobEnv => ({ db, t: translate, log, catchUpMs: 48 * HOUR, ...extra });

async function agency(code: string, timeZone: string, extra: Record<string, unknown> = {}) {
  return db.agency.create({ data: { code, name: `Dinas ${code}`, timeZone, minResponses: 5, ...extra } });
}

async function unit(agencyId: number, code: string, monthlyServiceUsers: number | null = null) {
  return db.serviceUnit.create({ data: { agencyId, code, name: `Unit ${code}`, monthlyServiceUsers } });
}

async function staff(role: string, where: { agencyId?: number; unitId?: number }, locale = 'id') {
  const user = await db.staffUser.create({ data: { channel: 'telegram', externalId: String(++chat), locale } });
  await db.staffRole.create({ data: { userId: user.id, role, agencyId: where.agencyId ?? null, unitId: where.unitId ?? null } });
  return user;
}

let session = 0;
async function responses(unitId: number, answers: number[][], at: Date | Date[], extra: Record<string, unknown> = {}) {
  await db.response.createMany({
    data: answers.map((a, i) => ({
      sessionId: `s-${++session}`,
      unitId,
      questionnaireId,
      channel: 'telegram',
      locale: 'id',
      submittedAt: Array.isArray(at) ? at[i]! : at,
      startedAt: Array.isArray(at) ? at[i]! : at,
      ...columnsOf(a),
      maladmin: {},
      ...extra,
    })),
  });
}

const outboxOf = (staffUserId: number) => db.outboxMessage.findMany({ where: { staffUserId }, orderBy: { id: 'asc' } });
const all = (n: number, v: number) => Array.from({ length: n }, () => Array(9).fill(v) as number[]);

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  questionnaireId = (await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } })).id;
});

afterAll(async () => {
  await t.drop();
});

describe('weekly summary: exactly once per agency and week', () => {
  it('two schedulers on one database racing for the same run queue it once', async () => {
    const a = await agency('RACE', 'Asia/Jakarta');
    const u = await unit(a.id, 'RACE-1');
    const official = await staff('agency_official', { agencyId: a.id });
    await responses(u.id, all(6, 3), zonedTimeUtc(2026, 11, 18, 10, 0, 'Asia/Jakarta'));
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');
    const second = createDb(t.url, 3);
    try {
      // Both pass the cheap "already ran?" check and plan; the commits overlap.
      const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 300));
      const [x, y] = await Promise.all([
        runAgencyJob(env({ instance: 'one', beforeCommit: slow }), weekly, a.id, fire, 'schedule'),
        runAgencyJob({ ...env({ instance: 'two', beforeCommit: slow }), db: second }, weekly, a.id, fire, 'schedule'),
      ]);
      expect([x.status, y.status].sort()).toEqual(['already-ran', 'ran']);
      expect(x.key).toBe('weekly-summary:RACE:2026-W47');
      const runs = await db.jobRun.findMany({ where: { key: 'weekly-summary:RACE:2026-W47' } });
      expect(runs).toHaveLength(1);
      const messages = await outboxOf(official.id);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.length).toBe(Math.max(x.messages, y.messages));
      expect(messages.filter((m) => m.kind === 'photo')).toHaveLength(1);
      expect(messages.every((m) => m.jobRunId === runs[0]!.id)).toBe(true);
    } finally {
      await second.$disconnect();
    }
  });

  it('a crash in the middle of a run leaves nothing behind, and the restart makes the run once', async () => {
    const a = await agency('CRASH', 'Asia/Jakarta');
    await unit(a.id, 'CRASH-1');
    const official = await staff('agency_admin', { agencyId: a.id });
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');
    const crash = () => {
      throw new Error('process killed');
    };
    await expect(runAgencyJob(env({ beforeCommit: crash }), weekly, a.id, fire, 'schedule')).rejects.toThrow('process killed');
    expect(await db.jobRun.count({ where: { agencyId: a.id } })).toBe(0);
    expect(await outboxOf(official.id)).toHaveLength(0);

    // The restarted process sweeps at 08:20 and makes the run up.
    const restarted = new Scheduler(env({ instance: 'restarted' }));
    await restarted.sweep(new Date(fire.getTime() + 20 * 60_000));
    const runs = await db.jobRun.findMany({ where: { agencyId: a.id, name: 'weekly-summary' } });
    expect(runs.map((r) => [r.key, r.trigger])).toEqual([['weekly-summary:CRASH:2026-W47', 'catch-up']]);
    const queued = (await outboxOf(official.id)).length;
    expect(queued).toBeGreaterThan(0);

    // Another restart after the commit: nothing more.
    await new Scheduler(env()).sweep(new Date(fire.getTime() + 40 * 60_000));
    await restarted.stop();
    expect(await db.jobRun.count({ where: { agencyId: a.id, name: 'weekly-summary' } })).toBe(1);
    expect(await outboxOf(official.id)).toHaveLength(queued);
  });

  it('--force sends again on purpose under its own key; the original record stays', async () => {
    const a = await agency('FORCE', 'Asia/Makassar');
    await unit(a.id, 'FORCE-1');
    const official = await staff('agency_official', { agencyId: a.id });
    const fire = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Makassar');
    const first = await runAgencyJob(env(), weekly, a.id, fire, 'cli');
    expect((await runAgencyJob(env(), weekly, a.id, fire, 'cli')).status).toBe('already-ran');
    const forced = await runAgencyJob(env(), weekly, a.id, fire, 'cli-force');
    expect(forced.status).toBe('ran');
    expect(forced.key).toMatch(/^weekly-summary:FORCE:2026-W47#force-/);
    expect(await outboxOf(official.id)).toHaveLength(first.messages + forced.messages);
    expect(await db.jobRun.count({ where: { agencyId: a.id } })).toBe(2);
  });
});

describe('catch-up and time zones', () => {
  it('makes up a missed run while its week is current, and not once the week is over', async () => {
    const a = await agency('DOWN', 'Asia/Jakarta');
    await unit(a.id, 'DOWN-1');
    await staff('agency_official', { agencyId: a.id });
    const monday = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');
    // Down at 08:00, back at 14:00 the same day: the run is owed.
    expect(dueFire(weekly, a, new Date(monday.getTime() + 6 * HOUR), 48 * HOUR)?.toISOString()).toBe(monday.toISOString());
    // Back on Thursday: outside the 48-hour catch-up window.
    expect(dueFire(weekly, a, new Date(monday.getTime() + 74 * HOUR), 48 * HOUR)).toBeNull();
    // Even with a week-long window, a run is not made up once its week is over: next Monday 07:00
    // the owed run would cover a week that the coming 08:00 run supersedes.
    expect(dueFire(weekly, a, new Date(monday.getTime() + (7 * 24 - 1) * HOUR), 7 * 24 * HOUR)).toBeNull();

    const scheduler = new Scheduler(env({ catchUpMs: 7 * 24 * HOUR }));
    await scheduler.sweep(new Date(monday.getTime() + (7 * 24 - 1) * HOUR));
    expect(await db.jobRun.count({ where: { agencyId: a.id, name: 'weekly-summary' } })).toBe(0);
    await scheduler.sweep(new Date(monday.getTime() + 30 * HOUR));
    const run = await db.jobRun.findFirstOrThrow({ where: { agencyId: a.id, name: 'weekly-summary' } });
    expect([run.key, run.trigger, run.dueAt.toISOString()]).toEqual(['weekly-summary:DOWN:2026-W47', 'catch-up', monday.toISOString()]);
    await scheduler.stop();
  });

  it('a WIT agency gets its summary two hours before a WIB agency, each at its own 08:00', async () => {
    const wit = await agency('PAPUA', 'Asia/Jayapura');
    const wib = await agency('JAKARTA', 'Asia/Jakarta');
    await unit(wit.id, 'PAPUA-1');
    await unit(wib.id, 'JAKARTA-1');
    await staff('agency_official', { agencyId: wit.id });
    await staff('agency_official', { agencyId: wib.id });
    const scheduler = new Scheduler(env({ catchUpMs: 0 }));
    const summaries = async () =>
      (await db.jobRun.findMany({ where: { name: 'weekly-summary', agencyId: { in: [wit.id, wib.id] } }, orderBy: { id: 'asc' } })).map((r) => [
        r.key,
        r.dueAt.toISOString(),
        r.trigger,
      ]);
    await scheduler.sweep(new Date('2026-11-22T22:59:00Z'));
    expect(await summaries()).toEqual([]);
    await scheduler.sweep(new Date('2026-11-22T23:00:00Z')); // 08:00 WIT, 06:00 WIB
    expect(await summaries()).toEqual([['weekly-summary:PAPUA:2026-W47', '2026-11-22T23:00:00.000Z', 'schedule']]);
    await scheduler.sweep(new Date('2026-11-23T00:59:00Z'));
    expect(await summaries()).toHaveLength(1);
    await scheduler.sweep(new Date('2026-11-23T01:00:00Z')); // 08:00 WIB
    expect(await summaries()).toEqual([
      ['weekly-summary:PAPUA:2026-W47', '2026-11-22T23:00:00.000Z', 'schedule'],
      ['weekly-summary:JAKARTA:2026-W47', '2026-11-23T01:00:00.000Z', 'schedule'],
    ]);
    // The live node-cron tasks are armed at the same instants, in each agency's zone.
    const armed = scheduler.armed();
    expect(armed.get('weekly-summary:PAPUA')).toMatchObject({ expression: '0 8 * * 1', timeZone: 'Asia/Jayapura' });
    const nextPapua = armed.get('weekly-summary:PAPUA')!.nextRun!;
    const nextJakarta = armed.get('weekly-summary:JAKARTA')!.nextRun!;
    expect(nextJakarta.getTime() - nextPapua.getTime()).toBe(2 * HOUR);
    await scheduler.stop();
  });

  it('a node-cron fire runs the job for the minute it was due', async () => {
    const a = await agency('LIVE', 'Asia/Jakarta', { checkCron: '* * * * *' });
    const u = await unit(a.id, 'LIVE-1');
    await staff('unit_official', { unitId: u.id });
    const scheduler = new Scheduler(env({ catchUpMs: 0 }));
    await scheduler.sweep(new Date('2020-01-01T00:00:30Z'));
    const task = [...cron.getTasks().values()].find((x) => x.name === 'daily-check:LIVE')!;
    const before = Date.now();
    await task.execute();
    await scheduler.stop();
    const run = await db.jobRun.findFirstOrThrow({ where: { agencyId: a.id, name: 'daily-check' } });
    expect(run.trigger).toBe('schedule');
    expect(run.dueAt.getTime() % 60_000).toBe(0);
    expect(Math.abs(run.dueAt.getTime() - before)).toBeLessThan(2 * 60_000);
  });
});

describe('reminders', () => {
  it('zone alerts: once per unit, zone and period; red after yellow is told, recovery is not', async () => {
    const a = await agency('ZONA', 'Asia/Jakarta');
    const u = await unit(a.id, 'ZONA-1');
    const official = await staff('unit_official', { unitId: u.id });
    const other = await staff('unit_official', { unitId: (await unit(a.id, 'ZONA-2')).id });
    const day = (d: number) => zonedTimeUtc(2026, 11, d, 10, 0, 'Asia/Jakarta');
    // Five responses at IKM 75 (3.0 everywhere): kuning, final with minResponses 5.
    await responses(u.id, all(5, 3), day(3));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 4, 9, 0, 'Asia/Jakarta'), 'schedule');
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 5, 9, 0, 'Asia/Jakarta'), 'schedule');
    let texts = (await outboxOf(official.id)).map((m) => m.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/🟡.*ZONA-1.*zona kuning.*November 2026.*IKM 75,00/s);
    expect(await outboxOf(other.id)).toHaveLength(0);
    // Falls to red: told once, with the follow-up request and a missing-plan reminder.
    await responses(u.id, all(20, 2), day(6));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 7, 9, 0, 'Asia/Jakarta'), 'schedule');
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 8, 9, 0, 'Asia/Jakarta'), 'schedule');
    texts = (await outboxOf(official.id)).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/🔴.*zona merah.*\/tindaklanjut ZONA-1/s);
    expect(texts[2]).toMatch(/belum memiliki rencana tindak lanjut/);
    // Recovers to yellow: no new yellow alert this month.
    await responses(u.id, all(40, 4), day(9));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 10, 9, 0, 'Asia/Jakarta'), 'schedule');
    expect(await outboxOf(official.id)).toHaveLength(3);
    // December is a new period.
    await responses(u.id, all(5, 2), zonedTimeUtc(2026, 12, 1, 10, 0, 'Asia/Jakarta'));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 12, 2, 9, 0, 'Asia/Jakarta'), 'schedule');
    expect((await outboxOf(official.id)).at(-2)?.text).toMatch(/zona merah.*Desember 2026/s);
  });

  it('a red unit with a follow-up plan recorded this period gets the zone alert but no missing-plan reminder', async () => {
    const a = await agency('RENCANA', 'Asia/Jakarta');
    const u = await unit(a.id, 'RENCANA-1');
    const official = await staff('unit_official', { unitId: u.id });
    await responses(u.id, all(6, 2), zonedTimeUtc(2026, 11, 3, 10, 0, 'Asia/Jakarta'));
    // A plan from last month does not count; this month's does.
    await db.followUp.create({
      data: {
        unitId: u.id,
        period: '2026-10',
        plan: 'Rencana lama',
        dueAt: zonedTimeUtc(2026, 11, 30, 23, 59, 'Asia/Jakarta'),
        createdAt: zonedTimeUtc(2026, 10, 20, 9, 0, 'Asia/Jakarta'),
      },
    });
    await db.followUp.create({
      data: {
        unitId: u.id,
        period: '2026-11',
        plan: 'Tambah petugas',
        dueAt: zonedTimeUtc(2026, 12, 30, 23, 59, 'Asia/Jakarta'),
        createdAt: zonedTimeUtc(2026, 11, 4, 8, 0, 'Asia/Jakarta'),
      },
    });
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 4, 9, 0, 'Asia/Jakarta'), 'schedule');
    const texts = (await outboxOf(official.id)).map((m) => m.text);
    expect(texts).toEqual([expect.stringMatching(/zona merah/)]);
  });

  it('zone alerts write numbers as the official reads them: decimal comma in Indonesian, point in English', async () => {
    const a = await agency('ANGKA', 'Asia/Jakarta');
    const u = await unit(a.id, 'ANGKA-1');
    const id = await staff('unit_official', { unitId: u.id });
    const en = await staff('unit_official', { unitId: u.id }, 'en');
    // Half 2s, half 3s: NRR 2.500 everywhere, IKM 62.50, red.
    await responses(u.id, [...all(3, 2), ...all(3, 3)], zonedTimeUtc(2026, 11, 3, 10, 0, 'Asia/Jakarta'));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 4, 9, 0, 'Asia/Jakarta'), 'schedule');
    const [idText] = (await outboxOf(id.id)).map((m) => m.text);
    const [enText] = (await outboxOf(en.id)).map((m) => m.text);
    expect(idText).toContain('IKM 62,50 (mutu D) dari 6 responden');
    expect(idText).toContain('Unsur dengan nilai terendah: U1 Persyaratan (NRR 2,500)');
    expect(idText).not.toMatch(/\d\.\d/);
    expect(enText).toContain('IKM 62.50 (grade D) from 6 respondents');
    expect(enText).toContain('Lowest-scoring elements: U1 Requirements (NRR 2.500)');
    expect(enText).not.toMatch(/\d,\d/);
  });

  it('a provisional score (fewer than the minimum responses) raises no zone alert', async () => {
    const a = await agency('SEDIKIT', 'Asia/Jakarta');
    const u = await unit(a.id, 'SEDIKIT-1');
    const official = await staff('unit_official', { unitId: u.id });
    await responses(u.id, all(4, 1), zonedTimeUtc(2026, 11, 3, 10, 0, 'Asia/Jakarta'));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 4, 9, 0, 'Asia/Jakarta'), 'schedule');
    expect(await outboxOf(official.id)).toHaveLength(0);
  });

  it('target: behind at mid-period, told once; on track, nothing', async () => {
    const a = await agency('TARGET', 'Asia/Makassar');
    const behind = await unit(a.id, 'TARGET-1', 100); // target 80 a month: fewer than 40 at mid-month is behind
    const onTrack = await unit(a.id, 'TARGET-2', 100);
    const o1 = await staff('unit_official', { unitId: behind.id });
    const o2 = await staff('unit_official', { unitId: onTrack.id });
    await responses(behind.id, all(10, 4), zonedTimeUtc(2026, 11, 5, 10, 0, 'Asia/Makassar'));
    await responses(onTrack.id, all(40, 4), zonedTimeUtc(2026, 11, 5, 10, 0, 'Asia/Makassar'));
    // Before mid-month: no target reminder yet.
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 14, 9, 0, 'Asia/Makassar'), 'schedule');
    expect(await outboxOf(o1.id)).toHaveLength(0);
    // Responses after the middle do not change the answer.
    await responses(behind.id, all(50, 4), zonedTimeUtc(2026, 11, 17, 10, 0, 'Asia/Makassar'));
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 18, 9, 0, 'Asia/Makassar'), 'schedule');
    await runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, 19, 9, 0, 'Asia/Makassar'), 'schedule');
    const texts = (await outboxOf(o1.id)).map((m) => m.text);
    expect(texts).toEqual([expect.stringMatching(/TARGET-1.*10 responden.*40 dari 80/s)]);
    expect(await outboxOf(o2.id)).toHaveLength(0);
  });

  it('maladministration: the unit officials hear within the minute, without the citizen, once per report', async () => {
    const a = await agency('MAL', 'Asia/Jakarta');
    const u = await unit(a.id, 'MAL-1');
    const official = await staff('unit_official', { unitId: u.id }, 'en');
    const agencyWide = await staff('agency_official', { agencyId: a.id });
    const elsewhere = await staff('agency_official', { agencyId: (await agency('MAL-LAIN', 'Asia/Jakarta')).id });
    const at = new Date(Date.now() - 60_000);
    await responses(u.id, all(2, 2), at, {
      maladmin: { imbalan: true, calo: false, penundaan: true },
      maladminCount: 2,
      respondentKey: 'rk-SECRET-abc',
      suggestion: 'Saya Budi, 0812-SECRET, diminta uang',
    });
    const first = await runMaladminAlerts(env(), new Date(), 'schedule');
    expect(first.reminders).toBe(2);
    const again = await runMaladminAlerts(env(), new Date(), 'schedule');
    expect(again.reminders).toBe(0);
    const [en] = (await outboxOf(official.id)).map((m) => m.text);
    expect(en).toMatch(/MAL-1.*2.*(Illegal|fee|Imbalan)/s);
    const [id] = (await outboxOf(agencyWide.id)).map((m) => m.text);
    expect(id).toMatch(/Laporan maladministrasi baru.*MAL-1.*2 laporan/s);
    for (const text of [en!, id!]) expect(text).not.toMatch(/SECRET|Budi|0812/);
    expect(await outboxOf(elsewhere.id)).toHaveLength(0);
    // An agency that switched these alerts off gets none.
    const quiet = await agency('SEPI', 'Asia/Jakarta', { reminders: ['zone'] });
    const qu = await unit(quiet.id, 'SEPI-1');
    const qo = await staff('unit_official', { unitId: qu.id });
    await responses(qu.id, all(1, 2), new Date(Date.now() - 60_000), { maladmin: { calo: true }, maladminCount: 1 });
    await runMaladminAlerts(env(), new Date(), 'schedule');
    expect(await outboxOf(qo.id)).toHaveLength(0);
  });

  it('follow-up plans: reminded before the due date, overdue to the officials and escalated to the admins', async () => {
    const a = await agency('PLAN', 'Asia/Jakarta', { followUpWarnDays: 3 });
    const u = await unit(a.id, 'PLAN-1');
    const official = await staff('unit_official', { unitId: u.id });
    const admin = await staff('agency_admin', { agencyId: a.id });
    const due = zonedTimeUtc(2026, 11, 20, 23, 59, 'Asia/Jakarta');
    await db.followUp.create({
      data: { unitId: u.id, period: '2026-11', plan: 'Tambah petugas loket', dueAt: due, createdAt: zonedTimeUtc(2026, 11, 1, 9, 0, 'Asia/Jakarta') },
    });
    const check = (d: number) => runAgencyJob(env(), daily, a.id, zonedTimeUtc(2026, 11, d, 9, 0, 'Asia/Jakarta'), 'schedule');
    await check(10);
    expect(await outboxOf(official.id)).toHaveLength(0);
    await check(18);
    await check(19);
    expect((await outboxOf(official.id)).map((m) => m.text)).toEqual([
      expect.stringMatching(/jatuh tempo Jumat, 20 November 2026.*Tambah petugas loket/s),
    ]);
    await check(21);
    await check(22);
    const officialTexts = (await outboxOf(official.id)).map((m) => m.text);
    expect(officialTexts).toHaveLength(2);
    expect(officialTexts[1]).toMatch(/melewati batas waktu/);
    const adminTexts = (await outboxOf(admin.id)).map((m) => m.text);
    expect(adminTexts.filter((x) => /Eskalasi/.test(x))).toHaveLength(1);
    expect(adminTexts.filter((x) => /jatuh tempo/.test(x))).toHaveLength(1);
  });

  it('paused, revoked and blocked staff receive nothing', async () => {
    const a = await agency('DIAM', 'Asia/Jakarta');
    const u = await unit(a.id, 'DIAM-1');
    const paused = await staff('unit_official', { unitId: u.id });
    await db.staffRole.updateMany({ where: { userId: paused.id }, data: { paused: true } });
    const revoked = await staff('agency_official', { agencyId: a.id });
    await db.staffRole.updateMany({ where: { userId: revoked.id }, data: { revokedAt: new Date() } });
    const blocked = await staff('agency_official', { agencyId: a.id });
    await db.staffUser.update({ where: { id: blocked.id }, data: { blockedAt: new Date() } });
    const active = await staff('agency_official', { agencyId: a.id });
    await responses(u.id, all(6, 3), zonedTimeUtc(2026, 11, 18, 10, 0, 'Asia/Jakarta'));
    await runAgencyJob(env(), weekly, a.id, zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta'), 'schedule');
    for (const s of [paused, revoked, blocked]) expect(await outboxOf(s.id)).toHaveLength(0);
    expect((await outboxOf(active.id)).length).toBeGreaterThan(0);
  });
});

afterEach(() => {
  for (const task of cron.getTasks().values()) void task.destroy();
});
