// The daily pre-aggregate the weekly summary reads (ResponseDayStat, kept by triggers) always equals
// the responses it summarises: after single and bulk inserts, deletes, edits, an agency's change of
// time zone and a unit's move to an agency in another zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
let db: Db;

interface DayStat {
  unitId: number;
  day: string;
  n: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  s6: number;
  s7: number;
  s8: number;
  s9: number;
  maladmin: number;
  flagged: number;
}

/** Every column of the table: a column left out of the comparison could drift unseen. */
const COLUMNS = ['unitId', 'day', 'n', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 'maladmin', 'flagged'] as const;

/** The stats computed from scratch (GROUP BY over the raw rows), in each unit's agency's time zone. */
async function fromResponses(): Promise<DayStat[]> {
  return db.$queryRaw<DayStat[]>`
    SELECT r."unitId", (((r."submittedAt" AT TIME ZONE 'UTC') AT TIME ZONE a."timeZone")::date)::text AS day,
           count(*)::int AS n, sum(u1)::int AS s1, sum(u2)::int AS s2, sum(u3)::int AS s3, sum(u4)::int AS s4,
           sum(u5)::int AS s5, sum(u6)::int AS s6, sum(u7)::int AS s7, sum(u8)::int AS s8, sum(u9)::int AS s9,
           (count(*) FILTER (WHERE "maladminCount" > 0))::int AS maladmin, (count(*) FILTER (WHERE cardinality(flags) > 0))::int AS flagged
    FROM "Response" r JOIN "ServiceUnit" u ON u.id = r."unitId" JOIN "Agency" a ON a.id = u."agencyId"
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

async function stored(): Promise<DayStat[]> {
  return db.$queryRaw<DayStat[]>`
    SELECT "unitId", day::text AS day, n, s1, s2, s3, s4, s5, s6, s7, s8, s9, maladmin, flagged FROM "ResponseDayStat" ORDER BY 1, 2`;
}

/** The table equals the GROUP BY on every column, and is not trivially empty. */
async function expectInStep(): Promise<DayStat[]> {
  const [actual, expected] = [await stored(), await fromResponses()];
  expect(expected.length).toBeGreaterThan(0);
  expect(Object.keys(actual[0] ?? {}).sort()).toEqual([...COLUMNS].sort());
  expect(actual).toEqual(expected);
  return actual;
}

let units: number[] = [];
let questionnaireId = 0;
let session = 0;

function response(unitId: number, at: string, v: number, extra: Record<string, unknown> = {}) {
  return {
    sessionId: `d-${++session}`,
    unitId,
    questionnaireId,
    channel: 'telegram',
    locale: 'id',
    submittedAt: new Date(at),
    startedAt: new Date(at),
    u1: v,
    u2: v,
    u3: v,
    u4: v,
    u5: v,
    u6: v,
    u7: v,
    u8: v,
    u9: 5 - v,
    maladmin: {},
    ...extra,
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  questionnaireId = (await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } })).id;
  const wit = await db.agency.create({ data: { code: 'TIMUR', name: 'Timur', timeZone: 'Asia/Jayapura' } });
  const wib = await db.agency.create({ data: { code: 'BARAT', name: 'Barat', timeZone: 'Asia/Jakarta' } });
  units = [
    (await db.serviceUnit.create({ data: { agencyId: wit.id, code: 'T-1', name: 'T1' } })).id,
    (await db.serviceUnit.create({ data: { agencyId: wit.id, code: 'T-2', name: 'T2' } })).id,
    (await db.serviceUnit.create({ data: { agencyId: wib.id, code: 'B-1', name: 'B1' } })).id,
  ];
});

afterAll(async () => {
  await t.drop();
});

describe('daily pre-aggregate of responses', () => {
  it('counts each response on its local day, for single and bulk inserts', async () => {
    // 23:30 WIT on Sunday 22 November is 14:30 UTC; 00:30 WIT on Monday 23 is 15:30 UTC.
    await db.response.create({ data: response(units[0]!, '2026-11-22T14:30:00Z', 4) });
    await db.response.create({ data: response(units[0]!, '2026-11-22T15:30:00Z', 2, { maladminCount: 1, maladmin: { imbalan: true } }) });
    await db.response.createMany({
      data: Array.from({ length: 500 }, (_, i) =>
        response(
          units[i % 3]!,
          new Date(Date.UTC(2026, 10, 1) + i * 47 * 60_000).toISOString(),
          1 + (i % 4),
          i % 7 === 0 ? { flags: ['burst'] } : {},
        ),
      ),
    });
    const days = (await stored()).filter((r) => r.unitId === units[0]);
    expect(days.find((d) => d.day === '2026-11-22')).toMatchObject({ n: 1, s1: 4 });
    expect(days.find((d) => d.day === '2026-11-23')).toMatchObject({ n: 1, s1: 2, maladmin: 1 });
    await expectInStep();
  });

  it('follows deletes and edits, and ignores erasure of personal columns', async () => {
    const some = await db.response.findMany({ take: 20, orderBy: { id: 'asc' } });
    await db.response.deleteMany({ where: { id: { in: some.slice(0, 10).map((r) => r.id) } } });
    await db.response.update({ where: { id: some[10]!.id }, data: { u1: 1, submittedAt: new Date('2026-11-25T03:00:00Z') } });
    await db.response.updateMany({ data: { respondentKey: null, suggestion: null } });
    const rows = await expectInStep();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n > 0)).toBe(true);
  });

  it('two statements inserting into the same unit and day add up, on every column', async () => {
    const day = '2026-12-02T03:00:00Z'; // 12:00 WIT
    const answers = (base: number) => ({ u1: base, u2: 1, u3: 2, u4: 3, u5: 4, u6: base, u7: 2, u8: 3, u9: 1 });
    await db.response.createMany({
      data: [
        response(units[0]!, day, 1, { ...answers(1), maladminCount: 2, maladmin: { imbalan: true, calo: true } }),
        response(units[0]!, day, 1, { ...answers(2), flags: ['burst'] }),
      ],
    });
    await db.response.createMany({
      data: [
        response(units[0]!, day, 1, { ...answers(3), maladminCount: 1, maladmin: { imbalan: true }, flags: ['burst'] }),
        response(units[0]!, '2026-12-02T09:00:00Z', 1, answers(4)), // 18:00 WIT: same local day
      ],
    });
    await db.response.create({ data: response(units[0]!, day, 1, answers(4)) });
    const rows = await expectInStep();
    expect(rows.find((r) => r.unitId === units[0] && r.day === '2026-12-02')).toEqual({
      unitId: units[0],
      day: '2026-12-02',
      n: 5,
      s1: 1 + 2 + 3 + 4 + 4,
      s2: 5,
      s3: 10,
      s4: 15,
      s5: 20,
      s6: 14,
      s7: 10,
      s8: 15,
      s9: 5,
      maladmin: 2,
      flagged: 2,
    });
  });

  it('an edit of any counted column moves the stats; emptying a day removes its row', async () => {
    const rows = await db.response.findMany({
      where: { unitId: units[0]!, submittedAt: { gte: new Date('2026-12-01T15:00:00Z') } },
      orderBy: { id: 'asc' },
    });
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const target = rows[0]!;
    // One statement per column, so that a column the update trigger does not watch shows up here.
    for (const column of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] as const) {
      const current = (await db.response.findUniqueOrThrow({ where: { id: target.id } }))[column];
      await db.response.update({ where: { id: target.id }, data: { [column]: current === 4 ? 1 : current + 1 } });
      await expectInStep();
    }
    await db.response.update({ where: { id: target.id }, data: { maladminCount: 0, maladmin: {} } });
    await expectInStep();
    await db.response.update({ where: { id: target.id }, data: { flags: ['burst', 'late'] } });
    await expectInStep();
    await db.response.update({ where: { id: target.id }, data: { flags: [] } });
    await expectInStep();
    // A move to another unit and to another day.
    await db.response.update({ where: { id: rows[1]!.id }, data: { unitId: units[2]! } });
    await expectInStep();
    await db.response.update({ where: { id: rows[2]!.id }, data: { submittedAt: new Date('2026-12-09T03:00:00Z') } });
    await expectInStep();
    // Deleting every response of a day leaves no row behind (no n = 0 rows).
    await db.response.deleteMany({
      where: { unitId: units[0]!, submittedAt: { gte: new Date('2026-12-01T15:00:00Z'), lt: new Date('2026-12-02T15:00:00Z') } },
    });
    const after = await expectInStep();
    expect(after.filter((r) => r.unitId === units[0] && r.day === '2026-12-02')).toEqual([]);
    expect(after.filter((r) => r.unitId === units[0] && r.day === '2026-12-09')).toHaveLength(1);
  });

  it('recomputes the days when an agency changes time zone or a unit moves to another agency', async () => {
    await db.agency.update({ where: { code: 'TIMUR' }, data: { timeZone: 'Asia/Jakarta' } });
    expect((await stored()).find((d) => d.unitId === units[0] && d.day === '2026-11-23')).toBeUndefined();
    await expectInStep();
    await db.agency.update({ where: { code: 'TIMUR' }, data: { timeZone: 'Asia/Jayapura' } });
    const barat = await db.agency.findUniqueOrThrow({ where: { code: 'BARAT' } });
    await db.serviceUnit.update({ where: { id: units[1]! }, data: { agencyId: barat.id } });
    await expectInStep();
  });
});
