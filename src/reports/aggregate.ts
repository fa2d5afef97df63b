// Per-element sums over stored responses, straight from SQL: scoring works on sums, so a report
// never loads individual rows.
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { type ElementSumColumn, type ElementSums, ELEMENT_COLUMNS, ELEMENT_SUM_COLUMNS, emptySums } from '../scoring/index.js';

type SumRow = Record<ElementSumColumn, bigint | null> & {
  n: bigint;
  flagged: bigint;
  maladmin: bigint;
};

/** `sum(u1) AS s1, …`: the column names are constants of this program, never input. */
const ELEMENT_SUMS = Prisma.raw(ELEMENT_COLUMNS.map((c, i) => `sum(${c}) AS ${ELEMENT_SUM_COLUMNS[i]}`).join(', '));

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
    SELECT "unitId", count(*) AS n, ${ELEMENT_SUMS},
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
        sums: ELEMENT_SUM_COLUMNS.map((c) => Number(row[c] ?? 0)),
        flagged: Number(row.flagged),
        maladminReports: Number(row.maladmin),
      },
    ]),
  );
}
