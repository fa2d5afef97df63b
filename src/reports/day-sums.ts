// Element sums from the daily pre-aggregate (ResponseDayStat: one row per unit and local day, kept
// by triggers) instead of the responses themselves: a period of local days costs about one row per
// unit and day, whatever the number of responses. The public pages read these; the numbers are the
// same as `sumsByUnit` over the responses (aggregate.ts) for any period made of whole local days in
// the agency's time zone (every month, quarter, semester and year is).
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import {
  type ElementSumColumn,
  type ElementSums,
  type Period,
  ELEMENT_SUM_COLUMNS,
  emptySums,
  localDateString,
  periodRange,
} from '../scoring/index.js';
import type { UnitSums } from './aggregate.js';

/** `sum(s1)::bigint AS s1, …`: the column names are constants of this program, never input. */
const SUMS = Prisma.raw(ELEMENT_SUM_COLUMNS.map((c) => `sum(${c})::bigint AS ${c}`).join(', '));

type Row = Record<ElementSumColumn, bigint> & { n: bigint; maladmin: bigint; flagged: bigint };

function sumsOf(row: Row): UnitSums {
  return {
    count: Number(row.n),
    sums: ELEMENT_SUM_COLUMNS.map((c) => Number(row[c])),
    flagged: Number(row.flagged),
    maladminReports: Number(row.maladmin),
  };
}

/** Each unit's sums over a period in the agency's time zone; units without responses are absent. */
export async function daySumsByUnit(db: Db, unitIds: readonly number[], period: Period, timeZone: string): Promise<Map<number, UnitSums>> {
  if (unitIds.length === 0) return new Map();
  const range = periodRange(period, timeZone);
  const rows = await db.$queryRaw<(Row & { unitId: number })[]>`
    SELECT "unitId", sum(n)::bigint AS n, ${SUMS}, sum(maladmin)::bigint AS maladmin, sum(flagged)::bigint AS flagged
    FROM "ResponseDayStat"
    WHERE "unitId" = ANY(${[...unitIds]}::int[])
      AND day >= ${localDateString(range.start, timeZone)}::date AND day < ${localDateString(range.end, timeZone)}::date
    GROUP BY "unitId"`;
  return new Map(rows.map((row) => [row.unitId, sumsOf(row)]));
}

/**
 * The units' sums pooled, per period, for consecutive periods (oldest first): one query, each day
 * placed in its period by binary search over the periods' first days (width_bucket).
 */
export async function daySumsByPeriod(db: Db, unitIds: readonly number[], periods: readonly Period[], timeZone: string): Promise<ElementSums[]> {
  const result = periods.map(() => emptySums());
  if (unitIds.length === 0 || periods.length === 0) return result;
  const days = [...periods.map((p) => periodRange(p, timeZone).start), periodRange(periods[periods.length - 1]!, timeZone).end].map((d) =>
    localDateString(d, timeZone),
  );
  const rows = await db.$queryRaw<(Row & { bucket: number })[]>`
    SELECT width_bucket(day, ${days}::date[]) AS bucket, sum(n)::bigint AS n, ${SUMS},
           sum(maladmin)::bigint AS maladmin, sum(flagged)::bigint AS flagged
    FROM "ResponseDayStat"
    WHERE "unitId" = ANY(${[...unitIds]}::int[]) AND day >= ${days[0]}::date AND day < ${days[days.length - 1]}::date
    GROUP BY 1`;
  for (const row of rows) {
    const sums = sumsOf(row);
    result[row.bucket - 1] = { count: sums.count, sums: sums.sums };
  }
  return result;
}
