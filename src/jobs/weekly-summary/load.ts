// The weekly summary's numbers: every figure one summary needs, for all active units of an agency,
// in three queries whatever the number of units and periods. All periods are in the agency's time
// zone, and the month and quarter are counted up to the end of the week, so a late catch-up run
// says exactly what an on-time one would.
import type { Db } from '../../db/client.js';
import { type Agency, type ServiceUnit, Prisma } from '../../generated/prisma/client.js';
import { periodServiceUsers, scoreConfigOf } from '../../reports/unit-report.js';
import { reportPeriodKind } from '../reminders.js';
import {
  type ElementSumColumn,
  type ElementSums,
  ELEMENT_SUM_COLUMNS,
  type Period,
  type Score,
  type ScoreConfig,
  emptySums,
  localDateString,
  mergeSums,
  periodOf,
  periodRange,
  previousPeriod,
  score,
  targetSample,
} from '../../scoring/index.js';

/** Weeks on the chart: the week of the summary and the seven before it. */
export const TREND_WEEKS = 8;
/** Newest suggestions per unit, each cut to about this many characters. */
export const SUGGESTIONS_PER_UNIT = 2;
export const SUGGESTION_CHARS = 100;

export interface Interval {
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** The responses of one unit in one span: the sums scoring works on, and their score. */
export interface Figures {
  sums: ElementSums;
  /** Null when there were no responses (never a zero score). */
  score: Score | null;
}

/** A month or quarter counted from its start to the end of the summary's week. */
export interface ToDateFigures extends Figures {
  /** Krejcie–Morgan target sample of the whole period; null when the unit has no service-user figure. */
  target: number | null;
}

export interface UnitSummary {
  id: number;
  code: string;
  name: string;
  week: Figures;
  previousWeek: Figures;
  /** The whole month before `AgencySummary.month`, for the agency's change against it. */
  previousMonth: Figures;
  monthToDate: ToDateFigures;
  quarterToDate: ToDateFigures;
  /** IKM of each of AgencySummary.trendWeeks (oldest first); null for a week without responses. */
  trend: (number | null)[];
  /** Responses of the week that reported at least one kind of maladministration. */
  maladminReports: number;
  /** The week's newest suggestions, newest first, on one line and shortened. */
  suggestions: string[];
  /**
   * A follow-up plan (tindak lanjut) stands for the unit at the end of the week: one still open,
   * or one recorded in the agency's current report period.
   */
  hasFollowUp: boolean;
}

export interface AgencySummary {
  agency: { id: number; code: string; name: string; timeZone: string };
  config: ScoreConfig;
  /** The ISO week summarised, and its instants. */
  week: Period;
  weekRange: Interval;
  /** The month and quarter that contain the week's last day; both counted up to weekRange.end. */
  month: Period;
  quarter: Period;
  /** The whole month before `month`. */
  previousMonth: Period;
  monthToDate: Interval;
  quarterToDate: Interval;
  /** The chart's weeks, oldest first; the last one is `week`. */
  trendWeeks: Period[];
  /** Active units, in code order. */
  units: UnitSummary[];
}

type BucketRow = Record<ElementSumColumn, number> & {
  unitId: number;
  bucket: number;
  n: number;
  maladmin: number;
};

/** `sum(s1)::int AS s1, …`: the column names are constants of this program, never input. */
const DAY_STAT_SUMS = Prisma.raw(ELEMENT_SUM_COLUMNS.map((c) => `sum(${c})::int AS ${c}`).join(', '));

/** Sums of one unit between two consecutive boundaries. */
interface Bucket extends Interval {
  sums: ElementSums;
  maladminReports: number;
}

/** The weeks ending with `week`, oldest first. */
function weeksUpTo(week: Period, count: number): Period[] {
  const weeks = [week];
  while (weeks.length < count) weeks.unshift(previousPeriod(weeks[0]!));
  return weeks;
}

/** Every instant at which one of the summary's spans starts or ends, ascending and distinct. */
function boundariesOf(spans: Interval[]): Date[] {
  const times = new Set(spans.flatMap((s) => [s.start.getTime(), s.end.getTime()]));
  return [...times].sort((a, b) => a - b).map((t) => new Date(t));
}

/**
 * The sums per unit between consecutive boundaries, from the daily pre-aggregate (ResponseDayStat:
 * one row per unit and local day, kept by triggers): every boundary is a local midnight, so each
 * span is a range of local days, and the query reads about one row per unit and day whatever the
 * number of responses or the length of history. width_bucket finds a day's span by binary search
 * in the sorted boundary dates. Every span the summary needs (the week, the weeks before it, the
 * month and the quarter to date) is a union of these buckets.
 */
async function bucketsByUnit(db: Db, unitIds: number[], boundaries: Date[], timeZone: string): Promise<Map<number, Bucket[]>> {
  const days = boundaries.map((b) => localDateString(b, timeZone));
  const rows = await db.$queryRaw<BucketRow[]>`
    SELECT "unitId", width_bucket(day, ${days}::date[]) AS bucket,
           sum(n)::int AS n, ${DAY_STAT_SUMS},
           sum(maladmin)::int AS maladmin
    FROM "ResponseDayStat"
    WHERE "unitId" = ANY(${unitIds}::int[]) AND day >= ${days[0]}::date AND day < ${days[days.length - 1]}::date
    GROUP BY 1, 2`;
  const byUnit = new Map<number, Bucket[]>();
  for (const row of rows) {
    const bucket: Bucket = {
      start: boundaries[row.bucket - 1]!,
      end: boundaries[row.bucket]!,
      sums: { count: row.n, sums: ELEMENT_SUM_COLUMNS.map((c) => row[c]) },
      maladminReports: row.maladmin,
    };
    byUnit.set(row.unitId, [...(byUnit.get(row.unitId) ?? []), bucket]);
  }
  return byUnit;
}

/** The unit's sums over a span, from the buckets that lie inside it. */
function sumsWithin(buckets: Bucket[], span: Interval): ElementSums & { maladminReports: number } {
  let sums = emptySums();
  let maladminReports = 0;
  for (const b of buckets) {
    if (b.start >= span.start && b.end <= span.end) {
      sums = mergeSums(sums, b.sums);
      maladminReports += b.maladminReports;
    }
  }
  return { ...sums, maladminReports };
}

/** Collapses whitespace, drops control characters and cuts at a word near `max` characters. */
export function shortSuggestion(text: string, max = SUGGESTION_CHARS): string {
  const clean = text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

/**
 * The newest suggestions of the week per unit: for each unit a backward walk of the
 * (unitId, submittedAt) index that stops after the few it needs.
 */
async function newestSuggestions(db: Db, unitIds: number[], week: Interval): Promise<Map<number, string[]>> {
  const rows = await db.$queryRaw<{ unitId: number; text: string }[]>`
    SELECT u.id AS "unitId", s.text
    FROM unnest(${unitIds}::int[]) AS u(id)
    CROSS JOIN LATERAL (
      SELECT left(r.suggestion, ${SUGGESTION_CHARS * 4}) AS text
      FROM "Response" r
      WHERE r."unitId" = u.id AND r."submittedAt" >= ${week.start} AND r."submittedAt" < ${week.end}
        AND r.suggestion ~ '[^[:space:]]'
      ORDER BY r."submittedAt" DESC, r.id DESC
      LIMIT ${SUGGESTIONS_PER_UNIT}
    ) s`;
  const byUnit = new Map<number, string[]>();
  for (const row of rows) {
    const text = shortSuggestion(row.text);
    if (text !== '') byUnit.set(row.unitId, [...(byUnit.get(row.unitId) ?? []), text]);
  }
  return byUnit;
}

/**
 * Units with a follow-up plan standing at `end`: recorded before it and either still open then or
 * recorded since `reportStart` (the start of the agency's current report period).
 */
async function unitsWithFollowUp(db: Db, unitIds: number[], reportStart: Date, end: Date): Promise<Set<number>> {
  const plans = await db.followUp.findMany({
    where: {
      unitId: { in: unitIds },
      createdAt: { lt: end },
      OR: [{ doneAt: null }, { doneAt: { gte: end } }, { createdAt: { gte: reportStart } }],
    },
    select: { unitId: true },
  });
  return new Set(plans.map((p) => p.unitId));
}

function figures(within: ElementSums, config: ScoreConfig): Figures {
  const sums = { count: within.count, sums: within.sums };
  return { sums, score: score(sums, config) };
}

function target(monthlyServiceUsers: number | null, kind: Period['kind']): number | null {
  const users = periodServiceUsers(monthlyServiceUsers, kind);
  return users === null ? null : targetSample(users);
}

/**
 * Every number of the weekly summary for all active units of an agency, for `week` (the ISO week
 * just ended, in the agency's time zone). Three queries whatever the number of units and periods.
 */
export async function loadAgencySummary(db: Db, agency: Agency & { units: ServiceUnit[] }, week: Period): Promise<AgencySummary> {
  const tz = agency.timeZone;
  const config = scoreConfigOf(agency);
  const weekRange = periodRange(week, tz);
  const lastDay = new Date(weekRange.end.getTime() - 1);
  const month = periodOf('month', lastDay, tz);
  const quarter = periodOf('quarter', lastDay, tz);
  const monthToDate = { start: periodRange(month, tz).start, end: weekRange.end };
  const quarterToDate = { start: periodRange(quarter, tz).start, end: weekRange.end };
  const previousMonth = previousPeriod(month);
  const previousMonthRange = periodRange(previousMonth, tz);
  const reportStart = periodRange(periodOf(reportPeriodKind(agency), lastDay, tz), tz).start;
  const trendWeeks = weeksUpTo(week, TREND_WEEKS);
  const trendRanges = trendWeeks.map((w) => periodRange(w, tz));
  const previousRange = trendRanges[trendRanges.length - 2]!;

  const units = agency.units.filter((u) => u.active).sort((a, b) => a.code.localeCompare(b.code));
  const ids = units.map((u) => u.id);
  const [buckets, suggestions, planned] =
    ids.length === 0
      ? [new Map<number, Bucket[]>(), new Map<number, string[]>(), new Set<number>()]
      : await Promise.all([
          bucketsByUnit(db, ids, boundariesOf([...trendRanges, monthToDate, quarterToDate, previousMonthRange]), tz),
          newestSuggestions(db, ids, weekRange),
          unitsWithFollowUp(db, ids, reportStart, weekRange.end),
        ]);

  return {
    agency: { id: agency.id, code: agency.code, name: agency.name, timeZone: tz },
    config,
    week,
    weekRange,
    month,
    quarter,
    previousMonth,
    monthToDate,
    quarterToDate,
    trendWeeks,
    units: units.map((u) => {
      const own = buckets.get(u.id) ?? [];
      const weekSums = sumsWithin(own, weekRange);
      return {
        id: u.id,
        code: u.code,
        name: u.name,
        week: figures(weekSums, config),
        previousWeek: figures(sumsWithin(own, previousRange), config),
        previousMonth: figures(sumsWithin(own, previousMonthRange), config),
        monthToDate: { ...figures(sumsWithin(own, monthToDate), config), target: target(u.monthlyServiceUsers, 'month') },
        quarterToDate: { ...figures(sumsWithin(own, quarterToDate), config), target: target(u.monthlyServiceUsers, 'quarter') },
        trend: trendRanges.map((r) => score(sumsWithin(own, r), config)?.ikm ?? null),
        maladminReports: weekSums.maladminReports,
        suggestions: suggestions.get(u.id) ?? [],
        hasFollowUp: planned.has(u.id),
      };
    }),
  };
}
