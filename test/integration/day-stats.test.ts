// The daily pre-aggregate the weekly summary reads (ResponseDayStat, kept by triggers) always equals
// the responses it summarises: after single and bulk inserts, deletes, edits, an agency's change of
// time zone and a unit's move to an agency in another zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
let db: Db;

/** The stats computed from scratch from the responses, in each unit's agency's time zone. */
async function fromResponses() {
  return db.$queryRaw<{ unitId: number; day: string; n: number; s1: number; s9: number; maladmin: number; flagged: number }[]>`
    SELECT r."unitId", (((r."submittedAt" AT TIME ZONE 'UTC') AT TIME ZONE a."timeZone")::date)::text AS day,
           count(*)::int AS n, sum(u1)::int AS s1, sum(u9)::int AS s9,
           (count(*) FILTER (WHERE "maladminCount" > 0))::int AS maladmin, (count(*) FILTER (WHERE cardinality(flags) > 0))::int AS flagged
    FROM "Response" r JOIN "ServiceUnit" u ON u.id = r."unitId" JOIN "Agency" a ON a.id = u."agencyId"
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

async function stored() {
  return db.$queryRaw<Awaited<ReturnType<typeof fromResponses>>>`
    SELECT "unitId", day::text AS day, n, s1, s9, maladmin, flagged FROM "ResponseDayStat" ORDER BY 1, 2`;
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
    u1: v, u2: v, u3: v, u4: v, u5: v, u6: v, u7: v, u8: v, u9: 5 - v,
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
        response(units[i % 3]!, new Date(Date.UTC(2026, 10, 1) + i * 47 * 60_000).toISOString(), 1 + (i % 4), i % 7 === 0 ? { flags: ['burst'] } : {}),
      ),
    });
    const days = (await stored()).filter((r) => r.unitId === units[0]);
    expect(days.find((d) => d.day === '2026-11-22')).toMatchObject({ n: 1, s1: 4 });
    expect(days.find((d) => d.day === '2026-11-23')).toMatchObject({ n: 1, s1: 2, maladmin: 1 });
    expect(await stored()).toEqual(await fromResponses());
  });

  it('follows deletes and edits, and ignores erasure of personal columns', async () => {
    const some = await db.response.findMany({ take: 20, orderBy: { id: 'asc' } });
    await db.response.deleteMany({ where: { id: { in: some.slice(0, 10).map((r) => r.id) } } });
    await db.response.update({ where: { id: some[10]!.id }, data: { u1: 1, submittedAt: new Date('2026-11-25T03:00:00Z') } });
    await db.response.updateMany({ data: { respondentKey: null, suggestion: null } });
    expect(await stored()).toEqual(await fromResponses());
    expect((await stored()).every((r) => r.n > 0)).toBe(true);
  });

  it('recomputes the days when an agency changes time zone or a unit moves to another agency', async () => {
    await db.agency.update({ where: { code: 'TIMUR' }, data: { timeZone: 'Asia/Jakarta' } });
    expect((await stored()).find((d) => d.unitId === units[0] && d.day === '2026-11-23')).toBeUndefined();
    expect(await stored()).toEqual(await fromResponses());
    await db.agency.update({ where: { code: 'TIMUR' }, data: { timeZone: 'Asia/Jayapura' } });
    const barat = await db.agency.findUniqueOrThrow({ where: { code: 'BARAT' } });
    await db.serviceUnit.update({ where: { id: units[1]! }, data: { agencyId: barat.id } });
    expect(await stored()).toEqual(await fromResponses());
  });
});
