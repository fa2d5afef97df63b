// The officials' weekly zone summary on a real PostgreSQL: its numbers against the scoring module
// on the same answers, week/month/quarter boundaries in the agency's time zone (WIT, +09), the
// wording (Indonesian and English), splitting for an agency with many units, and the chart.
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_COLORS, type TrendOptions, type TrendSeries } from '../../src/charts/trend.js';
import { translate } from '../../src/i18n/index.js';
import {
  CHART_HEIGHT,
  CHART_MAX_UNITS,
  CHART_WIDTH,
  SUMMARY_MESSAGE_LIMIT,
  type AgencySummary,
  composeSummary,
  loadAgencySummary,
  summaryChart,
  weekAxisLabels,
} from '../../src/jobs/weekly-summary.js';
import { periodServiceUsers } from '../../src/reports/unit-report.js';
import {
  type ScoreConfig,
  ZONE_PRESETS,
  parsePeriod,
  roundHalfUp,
  score,
  sumsFromAnswers,
  targetSample,
  weakestElements,
  zonedTimeUtc,
} from '../../src/scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const TZ = 'Asia/Jayapura'; // WIT, +09: local Monday 00:30 is Sunday 15:30 UTC
const WEEK = parsePeriod('2026-W47')!; // Monday 16 – Sunday 22 November 2026
const CONFIG: ScoreConfig = { minResponses: 5, zones: ZONE_PRESETS.permenpan };
const at = (m: number, d: number, h: number, min = 0) => zonedTimeUtc(2026, m, d, h, min, TZ);
const all = (v: number) => Array<number>(9).fill(v);

// LOKET-A (hijau): the worked example in the week, a plainer week before, and rows placed to test
// every boundary of the eight weeks, the month and the quarter.
const A_WEEK = WORKED_EXAMPLE.map((answers, i) => ({
  answers,
  // First and last minutes of the local week: Monday 00:30 WIT is still Sunday in UTC.
  at: [at(11, 16, 0, 30), at(11, 17, 8), at(11, 18, 9), at(11, 19, 10), at(11, 20, 11), at(11, 22, 23, 30)][i]!,
}));
const A_PREVIOUS = [at(11, 9, 0, 0), at(11, 10, 9), at(11, 11, 9), at(11, 12, 9), at(11, 15, 23, 59)].map((t) => ({ answers: all(3), at: t }));
const A_NOV_EARLY = { answers: [3, 3, 3, 3, 3, 3, 3, 3, 4], at: at(11, 2, 9) }; // W45, in the month
const A_OCT_END = { answers: all(2), at: at(10, 31, 12) }; // W44, in the quarter, not the month
const A_OCT_START = { answers: all(4), at: at(10, 2, 10) }; // W40, first days of the quarter
const A_SEPTEMBER = { answers: all(1), at: at(9, 30, 23) }; // W40 too, but before the quarter
const A_AFTER = { answers: all(1), at: at(11, 23, 5) }; // Monday 05:00 WIT = Sunday 20:00 UTC: next week

// LOKET-B (merah, provisional: 3 < 5), nothing the week before, no service-user figure.
const B_WEEK = [at(11, 17, 9), at(11, 18, 9), at(11, 19, 9)].map((t) => ({ answers: all(2), at: t }));
// LOKET-C: nothing in the week, two responses earlier in the quarter.
const C_OCTOBER = [at(10, 5, 9), at(10, 6, 9)].map((t) => ({ answers: all(4), at: t }));
// LOKET-D (kuning): five responses, two of them reporting maladministration, and suggestions.
const D_ANSWERS = [3, 3, 3, 2, 3, 3, 3, 2, 3];
const D_WEEK = [at(11, 16, 8), at(11, 17, 8), at(11, 18, 8), at(11, 19, 8), at(11, 21, 8)];
const LONG_SUGGESTION = `Ruang tunggu\nterlalu panas dan sempit,\t${'kursi kurang banyak untuk lansia dan ibu hamil, '.repeat(5)}mohon ditambah.`;

let t: TestDatabase;
let questionnaireId = 0;
let sequence = 0;
const ids: Record<string, number> = {};

function row(unitId: number, answers: readonly number[], submittedAt: Date, extra: { suggestion?: string; maladminCount?: number } = {}) {
  sequence += 1;
  const [u1, u2, u3, u4, u5, u6, u7, u8, u9] = answers as [number, number, number, number, number, number, number, number, number];
  return {
    sessionId: `s-${sequence}`,
    unitId,
    questionnaireId,
    channel: 'telegram',
    locale: 'id',
    submittedAt,
    startedAt: new Date(submittedAt.getTime() - 120_000),
    maladmin: {},
    ...{ u1, u2, u3, u4, u5, u6, u7, u8, u9 },
    ...extra,
  };
}

async function summaryOf(code: string, week = WEEK): Promise<AgencySummary> {
  const agency = await t.db.agency.findUniqueOrThrow({ where: { code }, include: { units: true } });
  return loadAgencySummary(t.db, agency, week);
}

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  questionnaireId = (await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } })).id;
  const agency = await db.agency.create({ data: { code: 'DINAS-UJI', name: 'Dinas Uji', timeZone: TZ, minResponses: 5 } });
  const other = await db.agency.create({ data: { code: 'LAIN', name: 'Instansi Lain', timeZone: TZ } });
  // An agency whose unit never had a response.
  await db.agency.create({ data: { code: 'SEPI', name: 'Dinas Sepi', timeZone: TZ, units: { create: { code: 'SEPI-1', name: 'Loket Sepi' } } } });
  const unit = async (agencyId: number, code: string, name: string, monthlyServiceUsers: number | null, active = true) =>
    (ids[code] = (await db.serviceUnit.create({ data: { agencyId, code, name, monthlyServiceUsers, active } })).id);
  await unit(agency.id, 'LOKET-A', 'Kartu Keluarga', 1000);
  await unit(agency.id, 'LOKET-B', 'Akta Kelahiran', null);
  await unit(agency.id, 'LOKET-C', 'Pindah Datang', 100);
  await unit(agency.id, 'LOKET-D', 'Perizinan', 500);
  await unit(agency.id, 'LOKET-X', 'Tutup', 100, false);
  await unit(other.id, 'LAIN-1', 'Unit instansi lain', 100);
  const [A, B, C, D, X, L] = ['LOKET-A', 'LOKET-B', 'LOKET-C', 'LOKET-D', 'LOKET-X', 'LAIN-1'].map((c) => ids[c]!) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  await db.response.createMany({
    data: [
      ...[...A_WEEK, ...A_PREVIOUS, A_NOV_EARLY, A_OCT_END, A_OCT_START, A_SEPTEMBER, A_AFTER].map((r) => row(A, r.answers, r.at)),
      ...B_WEEK.map((r) => row(B, r.answers, r.at)),
      ...C_OCTOBER.map((r) => row(C, r.answers, r.at)),
      ...D_WEEK.map((when, i) =>
        row(D, D_ANSWERS, when, {
          maladminCount: i === 1 ? 2 : i === 3 ? 1 : 0,
          ...([{ suggestion: 'Antrean lama' }, {}, { suggestion: LONG_SUGGESTION }, { suggestion: 'Toilet kotor' }, { suggestion: '   ' }][i] ?? {}),
        }),
      ),
      // The week before (not counted as this week's maladministration), and after the week.
      ...[at(11, 10, 9), at(11, 11, 9), at(11, 12, 9), at(11, 13, 9), at(11, 14, 9)].map((when, i) =>
        row(D, all(3), when, { maladminCount: i === 0 ? 1 : 0 }),
      ),
      row(D, all(1), at(11, 23, 9), { suggestion: 'Sesudah minggu ini', maladminCount: 3 }),
      // Inactive unit and another agency's unit: never in this agency's summary.
      row(X, all(1), at(11, 18, 9)),
      row(L, all(1), at(11, 18, 9)),
    ],
  });
});

afterAll(async () => {
  await t?.drop();
});

describe('weekly summary numbers', () => {
  it('equal the scoring module on the same answers, with the week in the agency time zone', async () => {
    const data = await summaryOf('DINAS-UJI');
    expect(data.units.map((u) => u.code)).toEqual(['LOKET-A', 'LOKET-B', 'LOKET-C', 'LOKET-D']);
    expect(data.weekRange.start.toISOString()).toBe('2026-11-15T15:00:00.000Z');
    expect(data.weekRange.end.toISOString()).toBe('2026-11-22T15:00:00.000Z');
    const a = data.units[0]!;
    // Monday 00:30 and Sunday 23:30 WIT belong to the week; Monday 05:00 WIT after it does not.
    const expected = score(sumsFromAnswers(WORKED_EXAMPLE), CONFIG)!;
    expect(expected.ikm).toBe(82.41);
    expect(a.week.score).toEqual(expected);
    expect(a.week.sums).toEqual(sumsFromAnswers(WORKED_EXAMPLE));
    expect(a.previousWeek.score).toEqual(score(sumsFromAnswers(A_PREVIOUS.map((r) => r.answers)), CONFIG));
    expect(a.previousWeek.score?.ikm).toBe(75);
    expect(weakestElements(a.week.score!, 2).map((w) => [w.code, roundHalfUp(w.nrr, 3)])).toEqual([
      ['U3', 2.833],
      ['U9', 3],
    ]);
  });

  it('count the month and the quarter to the end of the week, with their target samples', async () => {
    const a = (await summaryOf('DINAS-UJI')).units.find((u) => u.code === 'LOKET-A')!;
    const month = [...A_WEEK, ...A_PREVIOUS, A_NOV_EARLY].map((r) => r.answers);
    const quarter = [...month, A_OCT_END.answers, A_OCT_START.answers];
    expect(a.monthToDate.sums).toEqual(sumsFromAnswers(month));
    expect(a.monthToDate.score).toEqual(score(sumsFromAnswers(month), CONFIG));
    expect(a.quarterToDate.sums).toEqual(sumsFromAnswers(quarter));
    expect(a.quarterToDate.score).toEqual(score(sumsFromAnswers(quarter), CONFIG));
    expect(a.monthToDate.target).toBe(278);
    expect(a.quarterToDate.target).toBe(targetSample(periodServiceUsers(1000, 'quarter')!));
    // A unit without a service-user figure has no target.
    const b = (await summaryOf('DINAS-UJI')).units.find((u) => u.code === 'LOKET-B')!;
    expect(b.monthToDate.target).toBeNull();
  });

  it('give eight weeks of IKM, with gaps for weeks without responses', async () => {
    const data = await summaryOf('DINAS-UJI');
    expect(data.trendWeeks.map((w) => w.label)).toEqual([
      '2026-W40',
      '2026-W41',
      '2026-W42',
      '2026-W43',
      '2026-W44',
      '2026-W45',
      '2026-W46',
      '2026-W47',
    ]);
    const ikm = (rows: readonly (readonly number[])[]) => score(sumsFromAnswers(rows), CONFIG)!.ikm;
    const a = data.units.find((u) => u.code === 'LOKET-A')!;
    // W40 holds both 30 September (before the quarter) and 2 October.
    expect(a.trend).toEqual([
      ikm([A_SEPTEMBER.answers, A_OCT_START.answers]),
      null,
      null,
      null,
      ikm([A_OCT_END.answers]),
      ikm([A_NOV_EARLY.answers]),
      75,
      82.41,
    ]);
  });

  it('count the week maladministration reports and keep the newest suggestions, short', async () => {
    const d = (await summaryOf('DINAS-UJI')).units.find((u) => u.code === 'LOKET-D')!;
    expect(d.maladminReports).toBe(2);
    expect(d.suggestions).toHaveLength(2);
    expect(d.suggestions[0]).toBe('Toilet kotor');
    expect(d.suggestions[1]!.startsWith('Ruang tunggu terlalu panas dan sempit, kursi kurang')).toBe(true);
    expect(d.suggestions[1]!.endsWith('…')).toBe(true);
    expect(d.suggestions[1]!.length).toBeLessThanOrEqual(101);
    expect(d.suggestions[1]).not.toMatch(/[\n\t]/);
  });

  it('are the same when loaded again later (a catch-up run)', async () => {
    const first = await summaryOf('DINAS-UJI');
    await t.db.response.create({ data: row(ids['LOKET-A']!, all(1), at(11, 24, 9)) });
    expect(await summaryOf('DINAS-UJI')).toEqual(first);
  });
});

/** The week's unit lines (a unit's line and the attention line under it), by unit code. */
function blocksOf(messages: string[]): Map<string, string> {
  const blocks = new Map<string, string>();
  let last: string | undefined;
  for (const message of messages) {
    for (const line of message.split('\n')) {
      const code = /^(?:🔴|🟡|🟢) .* \(([A-Z0-9-]+)\): IKM /u.exec(line)?.[1];
      if (code) {
        expect(blocks.has(code), code).toBe(false);
        blocks.set(code, line);
        last = code;
      } else if (last && line.startsWith('   ')) {
        blocks.set(last, `${blocks.get(last)!}\n${line}`);
      } else {
        last = undefined;
      }
    }
  }
  return blocks;
}

/** The week's messages (the month's and quarter's follow them). */
const weekPart = (messages: string[]) => messages.filter((m) => m.startsWith('📊'));
const toDatePart = (messages: string[]) => messages.filter((m) => m.startsWith('🗓️'));

describe('weekly summary text', () => {
  it('opens with the headline: pooled IKM, its change, zone counts, follow-up plans and sample achievement', async () => {
    const messages = composeSummary(await summaryOf('DINAS-UJI'), 'all', 'id', translate);
    expect(weekPart(messages)).toHaveLength(1);
    const lines = messages[0]!.split('\n');
    expect(lines[0]).toBe('📊 Ringkasan SKM mingguan: Dinas Uji');
    expect(lines[1]).toBe('Minggu 16–22 November 2026 (2026-W47)');
    // Pooled from all 14 responses of the week, not the mean of the three unit IKMs.
    const week = score(
      sumsFromAnswers([...WORKED_EXAMPLE, ...B_WEEK.map((r) => r.answers), ...Array<readonly number[]>(5).fill(D_ANSWERS)]),
      CONFIG,
    )!;
    const previous = score(sumsFromAnswers([...A_PREVIOUS.map((r) => r.answers), ...Array<number[]>(5).fill(all(3))]), CONFIG)!;
    const october = score(sumsFromAnswers([A_OCT_END.answers, A_OCT_START.answers, ...C_OCTOBER.map((r) => r.answers)]), CONFIG)!;
    const comma = (x: number) => x.toFixed(2).replace('.', ',');
    const dIkm = score(sumsFromAnswers(Array(5).fill(D_ANSWERS)), CONFIG)!.ikm;
    expect(Math.abs(week.ikm - (82.41 + 50 + dIkm) / 3)).toBeGreaterThan(0.5);
    expect(lines[3]).toBe(`IKM Dinas Uji: ${comma(week.ikm)} · mutu C (Kurang Baik) · 🟡 zona kuning · 14 responden`);
    expect(lines[4]).toBe(`▼ ${comma(previous.ikm - week.ikm)} dari minggu sebelumnya · ▼ ${comma(october.ikm - week.ikm)} dari Oktober 2026`);
    expect(lines[5]).toBe('4 unit: 🔴 1 merah · 🟡 1 kuning · 🟢 1 hijau · ⚪ 1 tanpa responden');
    expect(lines[6]).toBe('Unit zona merah: 0 sudah ada tindak lanjut, 1 belum');
    // Month so far, units with a target only: A 12 of 278, C 0 of 80, D 10 of 217.
    expect(lines[7]).toBe('Target sampel November 2026: 4% (22 dari 575 responden)');
  });

  it('then lists the units worst first in at most two lines each, with the provisional note once', async () => {
    const messages = weekPart(composeSummary(await summaryOf('DINAS-UJI'), 'all', 'id', translate));
    const text = messages[0]!;
    const blocks = blocksOf(messages);
    expect([...blocks.keys()]).toEqual(['LOKET-B', 'LOKET-D', 'LOKET-A']);
    expect(blocks.get('LOKET-B')).toBe(
      '🔴 Akta Kelahiran (LOKET-B): IKM 50,00* (D) · 3 responden · baru dinilai\n   Unsur dengan nilai terendah: Persyaratan 2,00 · tindak lanjut: belum ada',
    );
    const dIkm = score(sumsFromAnswers(Array(5).fill(D_ANSWERS)), CONFIG)!.ikm;
    expect(blocks.get('LOKET-D')).toBe(
      `🟡 Perizinan (LOKET-D): IKM ${dIkm.toFixed(2).replace('.', ',')} (C) · 5 responden · ▼ ${(75 - dIkm).toFixed(2).replace('.', ',')}\n` +
        '   Unsur dengan nilai terendah: Biaya/tarif 2,00 · laporan maladministrasi: 2',
    );
    // A green unit without maladministration: one line.
    expect(blocks.get('LOKET-A')).toBe('🟢 Kartu Keluarga (LOKET-A): IKM 82,41 (B) · 6 responden · ▲ 7,41');
    expect(text).toContain('⚪ Belum ada responden: Pindah Datang (LOKET-C)');
    expect(text.match(/sementara/g)).toHaveLength(1);
    expect(text).toContain('* sementara: kurang dari 5 responden, zona belum final.');
    // One grade per line: the week's only; the month and quarter come in the next message.
    for (const block of blocks.values()) expect(block.match(/IKM/g)).toHaveLength(1);
    expect(text).not.toMatch(/Triwulan|IKM 0,00|\d\.\d\d/);
    expect(text).not.toContain('LOKET-X');
    expect(text).not.toContain('LAIN-1');
  });

  it('gives the month and quarter to date in a second message', async () => {
    const [month] = toDatePart(composeSummary(await summaryOf('DINAS-UJI'), 'all', 'id', translate));
    const aMonth = score(sumsFromAnswers([...A_WEEK, ...A_PREVIOUS, A_NOV_EARLY].map((r) => r.answers)), CONFIG)!;
    expect(month).toContain('🗓️ SKM November 2026 berjalan: Dinas Uji\nDihitung sampai dengan 22 November 2026.');
    expect(month).toMatch(/^Dinas Uji, November 2026: IKM \d+,\d\d \([A-D]\) · 25 responden$/mu);
    expect(month).toMatch(/^Dinas Uji, Triwulan IV 2026: IKM \d+,\d\d \([A-D]\) · 29 responden$/mu);
    expect(month).toContain(`🟢 Kartu Keluarga (LOKET-A): IKM ${aMonth.ikm.toFixed(2).replace('.', ',')} (B) · 12 dari target 278 responden (4%)`);
    expect(month).toContain(`⚪ Pindah Datang (LOKET-C): belum ada responden (target ${targetSample(100)})`);
    expect(month).toContain('Angka Triwulan IV 2026 per unit: /skor KODE 2026-Q4');
  });

  it('counts a red unit with a follow-up plan', async () => {
    const plan = await t.db.followUp.create({
      data: { unitId: ids['LOKET-B']!, period: '2026-11', plan: 'Tambah petugas', dueAt: at(12, 10, 9), createdAt: at(11, 20, 9) },
    });
    try {
      const [text] = composeSummary(await summaryOf('DINAS-UJI'), 'all', 'id', translate);
      expect(text).toContain('Unit zona merah: 1 sudah ada tindak lanjut, 0 belum');
      expect(text).toContain('tindak lanjut: ada');
    } finally {
      await t.db.followUp.delete({ where: { id: plan.id } });
    }
  });

  it('covers only the units of a unit official, headed by that unit', async () => {
    const messages = composeSummary(await summaryOf('DINAS-UJI'), [ids['LOKET-D']!], 'id', translate);
    expect(messages[0]).toContain('IKM Perizinan: ');
    expect(messages[0]).toContain('1 unit: 🟡 1 kuning');
    expect(messages[0]).toContain('\nUnsur dengan nilai terendah: Biaya/tarif 2,00 · laporan maladministrasi: 2\n');
    expect(messages.join('\n')).not.toMatch(/Kartu Keluarga|Akta Kelahiran|Dinas Uji, /);
    // Units outside the agency's active units are ignored; nothing in scope, no message.
    expect(composeSummary(await summaryOf('DINAS-UJI'), [ids['LOKET-X']!, ids['LAIN-1']!], 'id', translate)).toEqual([]);
  });

  it('reads in English, with points', async () => {
    const messages = composeSummary(await summaryOf('DINAS-UJI'), 'all', 'en', translate);
    const text = messages.join('\n');
    expect(text).toContain('📊 Weekly SKM summary: Dinas Uji\nWeek 16–22 November 2026 (2026-W47)');
    expect(text).toContain('🟢 Kartu Keluarga (LOKET-A): IKM 82.41 (B) · 6 respondents · ▲ 7.41');
    expect(text).toContain('Lowest-scoring element: Cost/tariff 2.00');
    expect(text).toContain('4 units: 🔴 1 red · 🟡 1 yellow · 🟢 1 green · ⚪ 1 without respondents');
    expect(text).toContain('12 of a target of 278 respondents (4%)');
    expect(text).toContain('Q4 2026');
    expect(text).not.toMatch(/Minggu|responden\b|belum|\d,\d\d/);

    let options: TrendOptions | undefined;
    let series: TrendSeries[] = [];
    const chart = await summaryChart(await summaryOf('DINAS-UJI'), 'all', 'en', translate, async (s, o) => {
      options = o;
      series = s;
      return Buffer.from('png');
    });
    expect(options).toMatchObject({ title: 'Weekly IKM per unit · Dinas Uji', xTitle: 'Week (W47 = 16–22 November 2026)', yTitle: 'IKM (25–100)' });
    // The legend names the units, not their codes.
    expect(series.map((s) => s.label)).toEqual(['Akta Kelahiran', 'Perizinan', 'Kartu Keluarga', 'Pindah Datang']);
    expect(chart!.caption).toBe('Weekly IKM of Dinas Uji, 8 weeks (28 September – 22 November 2026), over the red, yellow and green zones.');
  });

  it('dates a week across two months and two years', async () => {
    const [october] = composeSummary(await summaryOf('SEPI', parsePeriod('2026-W40')!), 'all', 'id', translate);
    expect(october).toContain('Minggu 28 September – 4 Oktober 2026 (2026-W40)');
    const newYear = composeSummary(await summaryOf('SEPI', parsePeriod('2026-W53')!), 'all', 'en', translate);
    expect(newYear[0]).toContain('Week 28 December 2026 – 3 January 2027 (2026-W53)');
    expect(newYear[1]).toContain('🗓️ SKM January 2027 so far: Dinas Sepi\nCounted up to 3 January 2027.');
    // Chart labels: short within one year, with the year when the eight weeks cross one.
    expect(weekAxisLabels((await summaryOf('SEPI', parsePeriod('2026-W53')!)).trendWeeks)).toEqual([
      'W46',
      'W47',
      'W48',
      'W49',
      'W50',
      'W51',
      'W52',
      'W53',
    ]);
    expect(weekAxisLabels((await summaryOf('SEPI', parsePeriod('2027-W02')!)).trendWeeks)).toEqual([
      '2026-W48',
      '2026-W49',
      '2026-W50',
      '2026-W51',
      '2026-W52',
      '2026-W53',
      '2027-W01',
      '2027-W02',
    ]);
  });
});

describe('an agency with many units', () => {
  const UNITS = 120;
  let data: AgencySummary;

  beforeAll(async () => {
    const jakarta = 'Asia/Jakarta';
    const agency = await t.db.agency.create({ data: { code: 'MPP-BESAR', name: 'Mal Pelayanan Publik Kota Besar', timeZone: jakarta } });
    await t.db.serviceUnit.createMany({
      data: Array.from({ length: UNITS }, (_, i) => ({
        agencyId: agency.id,
        code: `MPP-${String(i + 1).padStart(3, '0')}`,
        name: `Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu, loket ${i + 1}`,
        monthlyServiceUsers: 400 + i,
      })),
    });
    const units = await t.db.serviceUnit.findMany({ where: { agencyId: agency.id }, orderBy: { code: 'asc' } });
    const monday = zonedTimeUtc(2026, 11, 16, 9, 0, jakarta);
    await t.db.response.createMany({
      data: units.flatMap((u, i) =>
        // Every fifth unit had no response this week; the others a spread of scores.
        i % 5 === 4
          ? []
          : [0, 1, 2].map((k) =>
              row(
                u.id,
                [1 + ((i + k) % 4), 2 + (i % 3), 3, 4, 1 + (k % 4), 3, 2 + (i % 2), 4, 3],
                new Date(monday.getTime() + (k * 24 + (i % 7)) * 3_600_000),
                {
                  suggestion: `Saran nomor ${k} untuk loket ${i + 1}: ${'pelayanan perlu ditingkatkan lagi, '.repeat(6)}`,
                  maladminCount: k === 0 && i % 3 === 0 ? 1 : 0,
                },
              ),
            ),
      ),
    });
    data = await summaryOf('MPP-BESAR');
  });

  it('is split between units into messages of at most 3900 characters, each readable alone, nothing lost', () => {
    const messages = weekPart(composeSummary(data, 'all', 'id', translate));
    expect(messages.length).toBeGreaterThan(1);
    messages.forEach((m, i) => {
      expect(m.length).toBeLessThanOrEqual(SUMMARY_MESSAGE_LIMIT);
      const heading = m.split('\n')[0]!;
      expect(heading).toContain(`(${i + 1}/${messages.length})`);
      expect(heading).toContain(i === 0 ? 'Ringkasan SKM mingguan: Mal Pelayanan Publik Kota Besar' : 'Mal Pelayanan Publik Kota Besar · 2026-W47');
    });
    // Each unit's lines are whole: the same as when it is summarised with one other unit.
    const blocks = blocksOf(messages);
    expect(blocks.size).toBe(UNITS - UNITS / 5);
    for (const unit of data.units.filter((u) => u.week.score)) {
      const other = data.units.find((u) => u.id !== unit.id)!;
      const pair = blocksOf(weekPart(composeSummary(data, [unit.id, other.id], 'id', translate))).get(unit.code);
      expect(blocks.get(unit.code), unit.code).toBe(pair);
      expect(blocks.get(unit.code)!.split('\n').length).toBeLessThanOrEqual(2);
    }
    // Worst first across the messages; the units without responses named together at the end.
    const order = [...blocks.values()].map((b) => Number(/IKM (\d+,\d\d)/.exec(b)![1]!.replace(',', '.')));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    const empty = messages
      .join('\n')
      .split('\n')
      .find((l) => l.startsWith('⚪ Belum ada responden: '))!;
    expect(empty.split('), ')).toHaveLength(UNITS / 5);
    const month = toDatePart(composeSummary(data, 'all', 'id', translate));
    month.forEach((m) => expect(m.length).toBeLessThanOrEqual(SUMMARY_MESSAGE_LIMIT));
    expect(month.join('\n').match(/^(?:🔴|🟡|🟢|⚪) /gmu)).toHaveLength(UNITS);
  });

  it('charts the eight worst units of the week and says so', async () => {
    const calls: { series: TrendSeries[]; options: TrendOptions }[] = [];
    const render = async (series: TrendSeries[], options: TrendOptions) => {
      calls.push({ series, options });
      return Buffer.from('png');
    };
    const chart = await summaryChart(data, 'all', 'id', translate, render);
    expect(calls).toHaveLength(1);
    const { series, options } = calls[0]!;
    expect(series).toHaveLength(CHART_MAX_UNITS);
    const worst = [...data.units].sort((a, b) => (a.week.score?.ikm ?? 999) - (b.week.score?.ikm ?? 999) || a.code.localeCompare(b.code)).slice(0, 8);
    expect(series.map((s) => s.label)).toEqual(worst.map((u) => u.name));
    expect(series[0]!.points.map((p) => p.period)).toEqual(['W40', 'W41', 'W42', 'W43', 'W44', 'W45', 'W46', 'W47']);
    expect(options).toMatchObject({ width: CHART_WIDTH, height: CHART_HEIGHT, yTitle: 'IKM (25–100)', xTitle: 'Minggu (W47 = 16–22 November 2026)' });
    expect(chart!.caption).toContain(`Ditampilkan 8 unit dengan IKM terendah minggu lalu, dari ${UNITS} unit.`);
  });
});

describe('weekly summary chart', () => {
  function pixels(png: Buffer) {
    const image = PNG.sync.read(png);
    const colours = new Set<number>();
    for (let i = 0; i < image.data.length; i += 4) colours.add((image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!);
    return { width: image.width, height: image.height, colours };
  }

  it('is a PNG of the asked size with the unit lines over the zone bands', async () => {
    const chart = await summaryChart(await summaryOf('DINAS-UJI'), 'all', 'id', translate);
    expect(chart).not.toBeNull();
    const png = chart!.png;
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    const image = pixels(png);
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(image.colours.size).toBeGreaterThan(200);
    // B, D, A and C (from October) have data: four lines in the first four series colours.
    for (const colour of SERIES_COLORS.slice(0, 4)) expect(image.colours.has(parseInt(colour.slice(1), 16)), colour).toBe(true);
    expect(chart!.caption).toBe(
      'Grafik IKM mingguan Dinas Uji, 8 minggu (28 September – 22 November 2026), dengan latar zona merah, kuning dan hijau.',
    );
  });

  it('is null when the scope had no response in the eight weeks', async () => {
    const data = await summaryOf('SEPI');
    expect(await summaryChart(data, 'all', 'id', translate)).toBeNull();
    expect(composeSummary(data, 'all', 'id', translate)[0]).toContain('IKM Dinas Sepi: belum ada responden pada minggu tersebut.');
  });
});
