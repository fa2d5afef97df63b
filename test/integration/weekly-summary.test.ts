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

/** The messages' unit blocks, by unit code (from the block's first line). */
function blocksOf(messages: string[]): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const message of messages) {
    for (const block of message.split('\n\n')) {
      const code = /^\S+ .* \(([A-Z0-9-]+)\)$/mu.exec(block.split('\n')[0]!)?.[1];
      if (code) {
        expect(blocks.has(code), code).toBe(false);
        blocks.set(code, block);
      }
    }
  }
  return blocks;
}

describe('weekly summary text', () => {
  it('lists units worst first, with zone, change, targets, weakest elements and suggestions', async () => {
    const messages = composeSummary(await summaryOf('DINAS-UJI'), 'all', 'id', translate);
    expect(messages).toHaveLength(1);
    const text = messages[0]!;
    const lines = text.split('\n');
    expect(lines[0]).toBe('📊 Ringkasan mingguan SKM: Dinas Uji');
    expect(lines[1]).toBe('Minggu 16–22 November 2026 (2026-W47)');
    expect(lines[2]).toBe('4 unit, IKM terendah lebih dulu: 🔴 zona merah: 1 · 🟡 zona kuning: 1 · 🟢 zona hijau: 1 · ⚪ belum ada responden: 1');
    expect(lines[3]).toBe('Angka November 2026 dan Triwulan IV 2026 dihitung sampai dengan 22 November 2026.');
    const titles = lines.filter((l) => /^(🔴|🟡|🟢|⚪) /u.test(l));
    expect(titles).toEqual(['🔴 Akta Kelahiran (LOKET-B)', '🟡 Perizinan (LOKET-D)', '🟢 Kartu Keluarga (LOKET-A)', '⚪ Pindah Datang (LOKET-C)']);

    const blocks = blocksOf(messages);
    const expected = score(sumsFromAnswers(WORKED_EXAMPLE), CONFIG)!;
    const weakest = weakestElements(expected, 2).map((w) => {
      const name = DEFAULT_QUESTIONNAIRE.elements.find((e) => e.code === w.code)!.name.id;
      return `${name} ${roundHalfUp(w.nrr, 2).toFixed(2)}`;
    });
    const month = score(sumsFromAnswers([...A_WEEK, ...A_PREVIOUS, A_NOV_EARLY].map((r) => r.answers)), CONFIG)!;
    const quarterTarget = targetSample(periodServiceUsers(1000, 'quarter')!);
    expect(blocks.get('LOKET-A')!.split('\n')).toEqual([
      '🟢 Kartu Keluarga (LOKET-A)',
      'Minggu lalu: IKM 82.41 · mutu B · zona hijau · 6 responden · ▲ 7.41 dari minggu sebelumnya',
      `November 2026: 12 dari target 278 responden · IKM ${month.ikm.toFixed(2)} · mutu ${month.mutu}`,
      expect.stringMatching(new RegExp(`^Triwulan IV 2026: 14 dari target ${quarterTarget} responden · IKM \\d+\\.\\d\\d · mutu [A-D]$`)),
      `Unsur dengan nilai terendah (NRR 1–4): ${weakest.join(' · ')}`,
      'Laporan maladministrasi: 0',
    ]);
    expect(weakest).toEqual(['Waktu penyelesaian 2.83', 'Penanganan pengaduan, saran dan masukan 3.00']);

    // Provisional, new this week, and without a service-user figure: counts without a target.
    const b = blocks.get('LOKET-B')!;
    expect(b).toContain(
      'Minggu lalu: IKM 50.00 · mutu D · zona merah (sementara, kurang dari 5 responden) · 3 responden · baru (minggu sebelumnya kosong)',
    );
    expect(b).toContain('November 2026: 3 responden · IKM 50.00 · mutu D (sementara)');

    const d = blocks.get('LOKET-D')!;
    const dIkm = score(sumsFromAnswers(Array(5).fill(D_ANSWERS)), CONFIG)!.ikm;
    expect(d).toContain(
      `Minggu lalu: IKM ${dIkm.toFixed(2)} · mutu C · zona kuning · 5 responden · ▼ ${(75 - dIkm).toFixed(2)} dari minggu sebelumnya`,
    );
    expect(d).toContain('Laporan maladministrasi: 2');
    expect(d).toMatch(/^Saran terbaru: “Toilet kotor” · “Ruang tunggu terlalu panas dan sempit, [^”\n]{20,}…”$/mu);
    expect(d).not.toContain('Sesudah minggu ini');

    // No responses: said in words, never a zero score.
    expect(blocks.get('LOKET-C')!.split('\n')).toEqual([
      '⚪ Pindah Datang (LOKET-C)',
      'Minggu lalu: belum ada responden.',
      `November 2026: belum ada responden (target ${targetSample(100)})`,
      `Triwulan IV 2026: 2 dari target ${targetSample(300)} responden · IKM 100.00 · mutu A (sementara)`,
    ]);
    expect(text).not.toMatch(/IKM 0\.00|IKM 0\b/);
    expect(text).not.toContain('LOKET-X');
    expect(text).not.toContain('LAIN-1');
  });

  it('covers only the units of a unit official', async () => {
    const messages = composeSummary(await summaryOf('DINAS-UJI'), [ids['LOKET-D']!], 'id', translate);
    expect([...blocksOf(messages).keys()]).toEqual(['LOKET-D']);
    expect(messages[0]).toContain('1 unit, IKM terendah lebih dulu: 🟡 zona kuning: 1');
    // Units outside the agency's active units are ignored; nothing in scope, no message.
    expect(composeSummary(await summaryOf('DINAS-UJI'), [ids['LOKET-X']!, ids['LAIN-1']!], 'id', translate)).toEqual([]);
  });

  it('reads in English', async () => {
    const [text] = composeSummary(await summaryOf('DINAS-UJI'), 'all', 'en', translate);
    expect(text).toContain('📊 Weekly SKM summary: Dinas Uji\nWeek 16–22 November 2026 (2026-W47)');
    expect(text).toContain('Last week: IKM 82.41 · grade B · green zone · 6 respondents · ▲ 7.41 on the week before');
    expect(text).toContain('November 2026: 12 of a target of 278 respondents');
    expect(text).toContain('Lowest-scoring elements (NRR 1–4): Completion time 2.83');
    expect(text).toContain('Last week: no respondents yet.');
    expect(text).toContain('Q4 2026:');
    expect(text).toContain('red zone (provisional, fewer than 5 respondents) · 3 respondents · new (none the week before)');
    expect(text).not.toMatch(/Minggu|tanggapan|belum/);

    let options: TrendOptions | undefined;
    const chart = await summaryChart(await summaryOf('DINAS-UJI'), 'all', 'en', translate, async (_series, o) => {
      options = o;
      return Buffer.from('png');
    });
    expect(options).toMatchObject({ title: 'Weekly IKM per unit · Dinas Uji', xTitle: 'Week (W47 = 16–22 November 2026)', yTitle: 'IKM (25–100)' });
    expect(chart!.caption).toBe('Weekly IKM of Dinas Uji, 8 weeks (28 September – 22 November 2026), over the red, yellow and green zones.');
  });

  it('dates a week across two months and two years', async () => {
    const [october] = composeSummary(await summaryOf('SEPI', parsePeriod('2026-W40')!), 'all', 'id', translate);
    expect(october).toContain('Minggu 28 September – 4 Oktober 2026 (2026-W40)');
    expect(october).toContain('Angka Oktober 2026 dan Triwulan IV 2026 dihitung sampai dengan 4 Oktober 2026.');
    const [newYear] = composeSummary(await summaryOf('SEPI', parsePeriod('2026-W53')!), 'all', 'en', translate);
    expect(newYear).toContain('Week 28 December 2026 – 3 January 2027 (2026-W53)');
    expect(newYear).toContain('The January 2027 and Q1 2027 figures count up to 3 January 2027.');
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
    const messages = composeSummary(data, 'all', 'id', translate);
    expect(messages.length).toBeGreaterThan(3);
    messages.forEach((m, i) => {
      expect(m.length).toBeLessThanOrEqual(SUMMARY_MESSAGE_LIMIT);
      const heading = m.split('\n')[0]!;
      expect(heading).toContain(`(${i + 1}/${messages.length})`);
      expect(heading).toContain(i === 0 ? 'Ringkasan mingguan SKM: Mal Pelayanan Publik Kota Besar' : 'Mal Pelayanan Publik Kota Besar · 2026-W47');
    });
    // Each unit's block is whole: the same as when it is summarised alone.
    const blocks = blocksOf(messages);
    expect(blocks.size).toBe(UNITS);
    for (const unit of data.units) {
      const alone = blocksOf(composeSummary(data, [unit.id], 'id', translate)).get(unit.code);
      expect(blocks.get(unit.code), unit.code).toBe(alone);
    }
    // Worst first across the messages, units without responses at the end.
    const order = [...blocks.values()].map((b) => Number(/IKM (\d+\.\d\d)/.exec(b.split('\n')[1]!)?.[1] ?? Infinity));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(order.filter((x) => x === Infinity)).toHaveLength(UNITS / 5);
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
    expect(series.map((s) => s.label)).toEqual(worst.map((u) => u.code));
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
    expect(composeSummary(data, 'all', 'id', translate)[0]).toContain('Minggu lalu: belum ada responden.');
  });
});
