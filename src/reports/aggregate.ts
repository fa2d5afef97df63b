// Per-element sums over stored responses, straight from SQL: scoring works on sums, so a report
// never loads individual rows.
import type { Db } from '../db/client.js';
import { type ElementSums, emptySums } from '../scoring/index.js';

interface SumRow {
  n: bigint;
  s1: bigint | null;
  s2: bigint | null;
  s3: bigint | null;
  s4: bigint | null;
  s5: bigint | null;
  s6: bigint | null;
  s7: bigint | null;
  s8: bigint | null;
  s9: bigint | null;
  flagged: bigint;
  maladmin: bigint;
}

export interface UnitSums extends ElementSums {
  flagged: number;
  maladminReports: number;
}

export async function unitSums(db: Db, unitId: number, start: Date, end: Date): Promise<UnitSums> {
  const found = (await sumsByUnit(db, [unitId], start, end)).get(unitId);
  return found ?? { ...emptySums(), flagged: 0, maladminReports: 0 };
}

/** The same sums for many units at once (one GROUP BY); units without responses are absent. */
export async function sumsByUnit(db: Db, unitIds: number[], start: Date, end: Date): Promise<Map<number, UnitSums>> {
  if (unitIds.length === 0) return new Map();
  const rows = await db.$queryRaw<(SumRow & { unitId: number })[]>`
    SELECT "unitId", count(*) AS n, sum(u1) AS s1, sum(u2) AS s2, sum(u3) AS s3, sum(u4) AS s4, sum(u5) AS s5,
           sum(u6) AS s6, sum(u7) AS s7, sum(u8) AS s8, sum(u9) AS s9,
           count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged,
           count(*) FILTER (WHERE "maladminCount" > 0) AS maladmin
    FROM "Response"
    WHERE "unitId" = ANY(${unitIds}::int[]) AND "submittedAt" >= ${start} AND "submittedAt" < ${end}
    GROUP BY "unitId"`;
  return new Map(
    rows.map((row) => [
      row.unitId,
      {
        count: Number(row.n),
        sums: [row.s1, row.s2, row.s3, row.s4, row.s5, row.s6, row.s7, row.s8, row.s9].map((v) => Number(v ?? 0)),
        flagged: Number(row.flagged),
        maladminReports: Number(row.maladmin),
      },
    ]),
  );
}
