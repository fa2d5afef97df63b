// The agency report: the agency-wide IKM is that of all the agency's responses pooled, never an
// average of the unit IKMs; every unit keeps its own report beside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencyReport, pooledFigures } from '../../src/reports/agency-report.js';
import { unitReport } from '../../src/reports/unit-report.js';
import { DEFAULT_SCORE_CONFIG, columnsOf, parsePeriod, roundHalfUp, score, sumsFromAnswers, zonedTimeUtc } from '../../src/scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const TZ = 'Asia/Jayapura'; // WIT, +09
const NOVEMBER = parsePeriod('2026-11')!;
/** Unit B: three responses, all poor. */
const POOR: readonly (readonly number[])[] = [
  [1, 2, 1, 1, 2, 1, 2, 1, 1],
  [2, 2, 1, 2, 1, 1, 1, 2, 2],
  [1, 1, 1, 1, 1, 2, 1, 1, 1],
];
/** A unit that was deactivated after it had one response in November. */
const RETIRED: readonly number[] = [3, 3, 3, 3, 3, 3, 3, 3, 3];

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  const q = await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } });
  const agency = await db.agency.create({ data: { code: 'DINAS-UJI', name: 'Dinas Uji', timeZone: TZ, minResponses: 5 } });
  const other = await db.agency.create({ data: { code: 'LAIN', name: 'Instansi Lain', timeZone: TZ } });
  const a = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-A', name: 'Loket A', monthlyServiceUsers: 100 } });
  const b = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-B', name: 'Loket B', monthlyServiceUsers: null } });
  await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-C', name: 'Loket C (belum ada penilaian)' } });
  const retired = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-LAMA', name: 'Loket lama', active: false } });
  await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-TUTUP', name: 'Loket tutup', active: false } });
  const outsider = await db.serviceUnit.create({ data: { agencyId: other.id, code: 'LAIN-1', name: 'Loket lain' } });

  let n = 0;
  const response = (unitId: number, answers: readonly number[], submittedAt: Date, flags: string[] = []) => ({
    ...columnsOf(answers),
    questionnaireId: q.id,
    channel: 'telegram',
    locale: 'id',
    sessionId: `s-${n++}`,
    unitId,
    submittedAt,
    startedAt: submittedAt,
    maladmin: {},
    flags,
  });
  const inNovember = (day: number) => zonedTimeUtc(2026, 11, day, 10, 0, TZ);
  await db.response.createMany({
    data: [
      ...WORKED_EXAMPLE.map((r, i) => response(a.id, r, inNovember(i + 1), i === 0 ? ['too_fast'] : [])),
      ...POOR.map((r, i) => response(b.id, r, inNovember(i + 10))),
      response(retired.id, RETIRED, inNovember(20)),
      // Outside the agency or outside November (WIT): must not count.
      response(outsider.id, [1, 1, 1, 1, 1, 1, 1, 1, 1], inNovember(5)),
      response(b.id, [4, 4, 4, 4, 4, 4, 4, 4, 4], zonedTimeUtc(2026, 10, 31, 23, 59, TZ)),
      response(b.id, [4, 4, 4, 4, 4, 4, 4, 4, 4], zonedTimeUtc(2026, 12, 1, 0, 0, TZ)),
    ],
  });
});

afterAll(async () => {
  await t.drop();
});

describe('agency report', () => {
  it('the agency IKM is the IKM of all its responses pooled, not the average of the unit IKMs', async () => {
    const report = await agencyReport(t.db, 'dinas-uji', NOVEMBER);
    const pooled = score(sumsFromAnswers([...WORKED_EXAMPLE, ...POOR, RETIRED]), { ...DEFAULT_SCORE_CONFIG, minResponses: 5 })!;
    expect(report.responses).toBe(10);
    expect(report.ikm).toBe(pooled.ikm);
    expect(report.mutu).toBe(pooled.mutu);
    expect(report.kinerja).toBe(pooled.kinerja);
    expect(report.zona).toBe(pooled.zona);
    expect(report.provisional).toBe(false);
    expect(report.unsur.map((u) => u.nrr)).toEqual(pooled.nrr.map((x) => roundHalfUp(x, 3)));

    // The units differ in size, so the mean of their IKMs is another (wrong) number.
    const scored = report.units.filter((u) => u.ikm !== null);
    expect(scored.map((u) => [u.unit, u.responses])).toEqual([
      ['UJI-A', 6],
      ['UJI-B', 3],
      ['UJI-LAMA', 1],
    ]);
    const mean = roundHalfUp(scored.reduce((s, u) => s + u.ikm!, 0) / scored.length, 2);
    expect(mean).not.toBe(report.ikm);
    expect(Math.abs(mean - report.ikm!)).toBeGreaterThan(1);
  });

  it('each unit in it reads exactly like its own unit report', async () => {
    const report = await agencyReport(t.db, 'DINAS-UJI', NOVEMBER);
    for (const code of ['UJI-A', 'UJI-B', 'UJI-C']) {
      expect(report.units.find((u) => u.unit === code)).toEqual(await unitReport(t.db, code, '2026-11'));
    }
  });

  it('lists the active units and an inactive one only when it has responses in the period', async () => {
    const report = await agencyReport(t.db, 'DINAS-UJI', NOVEMBER);
    expect(report.units.map((u) => u.unit)).toEqual(['UJI-A', 'UJI-B', 'UJI-C', 'UJI-LAMA']);
    expect(report.zoneCounts).toEqual({ hijau: 1, kuning: 1, merah: 1, none: 1 });
  });

  it('names the weakest element, adds up the targets of the units that have one, and counts flags', async () => {
    const report = await agencyReport(t.db, 'DINAS-UJI', NOVEMBER);
    const lowest = Math.min(...report.unsur.map((u) => u.nrr!));
    expect(report.weakest?.nrr).toBe(lowest);
    expect(report.weakest?.code).toBe(report.unsur.find((u) => u.nrr === lowest)!.code);
    // Only UJI-A has a service-user figure (100 a month → target 80); its 6 respondents count.
    expect(report.target).toEqual({ serviceUsers: 100, sample: 80, responses: 6 });
    expect(report.flagged).toBe(1);
  });

  it('restricted to some units, it pools only theirs', async () => {
    const agency = await t.db.agency.findUniqueOrThrow({ where: { code: 'DINAS-UJI' }, include: { units: true } });
    const b = agency.units.find((u) => u.code === 'UJI-B')!;
    const report = await agencyReport(t.db, 'DINAS-UJI', NOVEMBER, { unitIds: [b.id] });
    expect(report.units.map((u) => u.unit)).toEqual(['UJI-B']);
    expect(report.ikm).toBe(score(sumsFromAnswers(POOR))!.ikm);
    expect(report.provisional).toBe(true);
  });

  it('a period without responses has no score, never zero', async () => {
    const report = await agencyReport(t.db, 'DINAS-UJI', parsePeriod('2026-09')!);
    expect(report.responses).toBe(0);
    expect(report.ikm).toBeNull();
    expect(report.weakest).toBeNull();
    expect(report.provisional).toBe(true);
    expect(report.units.map((u) => u.unit)).toEqual(['UJI-A', 'UJI-B', 'UJI-C']);
  });

  it('an unknown agency is a report error', async () => {
    await expect(agencyReport(t.db, 'TIDAK-ADA', NOVEMBER)).rejects.toThrow('Agency "TIDAK-ADA" does not exist.');
  });
});

describe('pooled figures', () => {
  it('pooling differs from averaging when units differ in size', () => {
    const a = sumsFromAnswers(WORKED_EXAMPLE);
    const b = sumsFromAnswers(POOR);
    const figures = pooledFigures([a, b], DEFAULT_SCORE_CONFIG);
    const pooled = score(sumsFromAnswers([...WORKED_EXAMPLE, ...POOR]))!;
    expect(figures.ikm).toBe(pooled.ikm);
    expect(figures.responses).toBe(9);
    const mean = (score(a)!.ikm + score(b)!.ikm) / 2;
    expect(figures.ikm).not.toBeCloseTo(mean, 0);
  });

  it('no sums, or only empty ones, give no score', () => {
    expect(pooledFigures([], DEFAULT_SCORE_CONFIG).ikm).toBeNull();
    expect(pooledFigures([sumsFromAnswers([])], DEFAULT_SCORE_CONFIG).mutu).toBeNull();
  });
});
