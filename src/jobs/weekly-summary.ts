// The officials' weekly zone summary: the numbers (loadAgencySummary), the text one official gets
// for the units in their scope (composeSummary) and the IKM chart that goes with it (summaryChart).
// Which week, who receives it and when it is sent are decided in jobs.ts; this module only
// computes and words. All periods are in the agency's time zone, and the month and quarter are
// counted up to the end of the week, so a late catch-up run says exactly what an on-time one would.
import { ZONE_MARKS, splitMessage, zoneWords } from '../text/index.js';
import type { TrendOptions, TrendSeries } from '../charts/trend.js';
import type { Db } from '../db/client.js';
import type { Agency, ServiceUnit } from '../generated/prisma/client.js';
import { periodServiceUsers, scoreConfigOf } from '../reports/unit-report.js';
import {
  type ElementSums,
  type Period,
  type Score,
  type ScoreConfig,
  describePeriod,
  emptySums,
  formatDateId,
  localDateString,
  mergeSums,
  periodOf,
  periodRange,
  previousPeriod,
  roundHalfUp,
  score,
  targetSample,
  weakestElements,
} from '../scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../survey/questionnaire.js';
import type { Locale, Translate } from '../survey/types.js';

/** Weeks on the chart: the week of the summary and the seven before it. */
export const TREND_WEEKS = 8;
/** Lines on one chart; a larger scope shows its worst units (by the week's IKM). */
export const CHART_MAX_UNITS = 8;
export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 560;
/** Newest suggestions per unit, each cut to about this many characters. */
export const SUGGESTIONS_PER_UNIT = 2;
export const SUGGESTION_CHARS = 100;
/** Telegram allows 4096 characters; the margin covers a channel's own additions. */
export const SUMMARY_MESSAGE_LIMIT = 3900;

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
  monthToDate: ToDateFigures;
  quarterToDate: ToDateFigures;
  /** IKM of each of AgencySummary.trendWeeks (oldest first); null for a week without responses. */
  trend: (number | null)[];
  /** Responses of the week that reported at least one kind of maladministration. */
  maladminReports: number;
  /** The week's newest suggestions, newest first, on one line and shortened. */
  suggestions: string[];
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
  monthToDate: Interval;
  quarterToDate: Interval;
  /** The chart's weeks, oldest first; the last one is `week`. */
  trendWeeks: Period[];
  /** Active units, in code order. */
  units: UnitSummary[];
}

// ---- Numbers -------------------------------------------------------------------------------------

interface BucketRow {
  unitId: number;
  bucket: number;
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
}

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
           sum(n)::int AS n, sum(s1)::int AS s1, sum(s2)::int AS s2, sum(s3)::int AS s3, sum(s4)::int AS s4,
           sum(s5)::int AS s5, sum(s6)::int AS s6, sum(s7)::int AS s7, sum(s8)::int AS s8, sum(s9)::int AS s9,
           sum(maladmin)::int AS maladmin
    FROM "ResponseDayStat"
    WHERE "unitId" = ANY(${unitIds}::int[]) AND day >= ${days[0]}::date AND day < ${days[days.length - 1]}::date
    GROUP BY 1, 2`;
  const byUnit = new Map<number, Bucket[]>();
  for (const row of rows) {
    const bucket: Bucket = {
      start: boundaries[row.bucket - 1]!,
      end: boundaries[row.bucket]!,
      sums: { count: row.n, sums: [row.s1, row.s2, row.s3, row.s4, row.s5, row.s6, row.s7, row.s8, row.s9] },
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
 * just ended, in the agency's time zone). Two queries whatever the number of units and periods.
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
  const trendWeeks = weeksUpTo(week, TREND_WEEKS);
  const trendRanges = trendWeeks.map((w) => periodRange(w, tz));
  const previousRange = trendRanges[trendRanges.length - 2]!;

  const units = agency.units.filter((u) => u.active).sort((a, b) => a.code.localeCompare(b.code));
  const ids = units.map((u) => u.id);
  const [buckets, suggestions] =
    ids.length === 0
      ? [new Map<number, Bucket[]>(), new Map<number, string[]>()]
      : await Promise.all([
          bucketsByUnit(db, ids, boundariesOf([...trendRanges, monthToDate, quarterToDate]), tz),
          newestSuggestions(db, ids, weekRange),
        ]);

  return {
    agency: { id: agency.id, code: agency.code, name: agency.name, timeZone: tz },
    config,
    week,
    weekRange,
    month,
    quarter,
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
        monthToDate: { ...figures(sumsWithin(own, monthToDate), config), target: target(u.monthlyServiceUsers, 'month') },
        quarterToDate: { ...figures(sumsWithin(own, quarterToDate), config), target: target(u.monthlyServiceUsers, 'quarter') },
        trend: trendRanges.map((r) => score(sumsWithin(own, r), config)?.ikm ?? null),
        maladminReports: weekSums.maladminReports,
        suggestions: suggestions.get(u.id) ?? [],
      };
    }),
  };
}

// ---- Words ---------------------------------------------------------------------------------------

type Say = (key: string, params?: Record<string, string | number>) => string;

const NO_RESPONSE_MARK = '⚪';

const fixed2 = (value: number) => roundHalfUp(value, 2).toFixed(2);

/** The units of the scope, worst week first; units without responses last, in code order. */
export function unitsInScope(data: AgencySummary, unitIds: number[] | 'all'): UnitSummary[] {
  const wanted = unitIds === 'all' ? null : new Set(unitIds);
  return data.units
    .filter((u) => wanted === null || wanted.has(u.id))
    .sort((a, b) => {
      const x = a.week.score?.ikm ?? Infinity;
      const y = b.week.score?.ikm ?? Infinity;
      return x - y || a.code.localeCompare(b.code);
    });
}

/** "16–22 November 2026", "28 September – 4 Oktober 2026", "28 Desember 2026 – 3 Januari 2027". */
export function dateSpan(span: Interval, timeZone: string, locale: Locale): string {
  const dayMonthYear = (instant: Date) => formatDateId(instant, timeZone, locale).split(', ')[1]!.split(' ');
  const [d1, m1, y1] = dayMonthYear(span.start);
  const [d2, m2, y2] = dayMonthYear(new Date(span.end.getTime() - 1));
  if (y1 !== y2) return `${d1} ${m1} ${y1} – ${d2} ${m2} ${y2}`;
  if (m1 !== m2) return `${d1} ${m1} – ${d2} ${m2} ${y2}`;
  return d1 === d2 ? `${d2} ${m2} ${y2}` : `${d1}–${d2} ${m2} ${y2}`;
}

/** The day an interval ends on, "22 November 2026". */
function lastDay(span: Interval, timeZone: string, locale: Locale): string {
  return formatDateId(new Date(span.end.getTime() - 1), timeZone, locale).split(', ')[1]!;
}

/** The week's line gives the minimum; the month and quarter lines only the word. */
function provisionalNote(s: Score, data: AgencySummary, say: Say, key: 'summary.provisional' | 'summary.provisionalShort'): string {
  return s.provisional ? ` ${say(key, { min: data.config.minResponses })}` : '';
}

function changeWords(unit: UnitSummary, say: Say): string {
  const now = unit.week.score!;
  const before = unit.previousWeek.score;
  if (!before) return say('summary.change.new');
  // IKM values have two decimals: compare in hundredths so that 0.1 + 0.2 never shows.
  const diff = Math.round(now.ikm * 100) - Math.round(before.ikm * 100);
  if (diff === 0) return say('summary.change.same');
  return say(diff > 0 ? 'summary.change.up' : 'summary.change.down', { diff: (Math.abs(diff) / 100).toFixed(2) });
}

function weekLine(unit: UnitSummary, data: AgencySummary, say: Say): string {
  const s = unit.week.score;
  if (!s) return say('summary.weekEmpty');
  return [
    say('summary.weekScore', { ikm: fixed2(s.ikm), mutu: s.mutu, zone: say(`staff.zones.${s.zona}`) }) +
      provisionalNote(s, data, say, 'summary.provisional'),
    say('summary.responses', { n: s.responses }),
    changeWords(unit, say),
  ].join(' · ');
}

function toDateLine(period: Period, f: ToDateFigures, data: AgencySummary, locale: Locale, say: Say): string {
  const name = describePeriod(period, locale);
  const n = f.sums.count;
  if (!f.score) {
    return f.target === null ? say('summary.toDateEmpty', { period: name }) : say('summary.toDateEmptyTarget', { period: name, target: f.target });
  }
  const count = f.target === null ? say('summary.responses', { n }) : say('summary.responsesTarget', { n, target: f.target });
  return (
    say('summary.toDate', { period: name, count, ikm: fixed2(f.score.ikm), mutu: f.score.mutu }) +
    provisionalNote(f.score, data, say, 'summary.provisionalShort')
  );
}

function weakestLine(s: Score, locale: Locale, say: Say): string {
  const list = weakestElements(s, 2).map((w) => {
    const element = DEFAULT_QUESTIONNAIRE.elements.find((e) => e.code === w.code);
    return `${element?.name[locale] ?? w.code} ${fixed2(w.nrr)}`;
  });
  return say('summary.weakest', { list: list.join(' · ') });
}

/** One unit's lines; a block is never split between two messages unless it alone is too long. */
function unitBlock(unit: UnitSummary, data: AgencySummary, locale: Locale, say: Say): string {
  const s = unit.week.score;
  const lines = [
    say('summary.unit', { mark: s ? ZONE_MARKS[s.zona] : NO_RESPONSE_MARK, name: unit.name, code: unit.code }),
    weekLine(unit, data, say),
    toDateLine(data.month, unit.monthToDate, data, locale, say),
    toDateLine(data.quarter, unit.quarterToDate, data, locale, say),
  ];
  if (s) {
    lines.push(weakestLine(s, locale, say), say('summary.maladmin', { n: unit.maladminReports }));
  }
  if (unit.suggestions.length > 0) {
    lines.push(say('summary.suggestions', { list: unit.suggestions.map((text) => say('summary.quote', { text })).join(' · ') }));
  }
  return lines.join('\n');
}

function overviewLine(units: UnitSummary[], say: Say): string {
  const counts: string[] = [];
  for (const zona of ['merah', 'kuning', 'hijau'] as const) {
    const n = units.filter((u) => u.week.score?.zona === zona).length;
    if (n > 0) counts.push(say('summary.zoneCount', { zone: zoneWords(zona, say), n }));
  }
  const empty = units.filter((u) => !u.week.score).length;
  if (empty > 0) counts.push(say('summary.noResponseCount', { mark: NO_RESPONSE_MARK, n: empty }));
  return say('summary.overview', { units: units.length, zones: counts.join(' · ') });
}

function headerLines(data: AgencySummary, units: UnitSummary[], locale: Locale, say: Say): string[] {
  const tz = data.agency.timeZone;
  return [
    say('summary.week', { dates: dateSpan(data.weekRange, tz, locale), label: data.week.label }),
    overviewLine(units, say),
    say('summary.toDateNote', {
      month: describePeriod(data.month, locale),
      quarter: describePeriod(data.quarter, locale),
      date: lastDay(data.weekRange, tz, locale),
    }),
  ];
}

/**
 * Packs blocks into messages of at most `limit` characters (blocks joined by a blank line), each
 * message leaving `reserve` characters for the heading it gets. A block that cannot fit a message
 * on its own is cut at line breaks.
 */
function packBlocks(blocks: string[], limit: number, reserve: number): string[][] {
  const room = limit - reserve;
  const parts: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const block of blocks.flatMap((b) => (b.length > room ? splitMessage(b, room) : [b]))) {
    const added = (current.length > 0 ? 2 : 0) + block.length;
    if (current.length > 0 && length + added > room) {
      parts.push(current);
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 2 : 0) + block.length;
    current.push(block);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * The summary text for one official: the units of `unitIds` (or all), worst first, in messages of
 * at most SUMMARY_MESSAGE_LIMIT characters split between units. When there is more than one
 * message, each starts with the agency, the week and its number ("(2/3)"), so each reads on its
 * own. No message when the scope holds none of the agency's active units.
 */
export function composeSummary(data: AgencySummary, unitIds: number[] | 'all', locale: Locale, t: Translate): string[] {
  const say: Say = (key, params) => t(locale, key, params);
  const units = unitsInScope(data, unitIds);
  if (units.length === 0) return [];
  const title = say('summary.title', { agency: data.agency.name });
  const header = headerLines(data, units, locale, say).join('\n');
  const continued = say('summary.continued', { agency: data.agency.name, week: data.week.label });
  const numbering = (part: number, parts: number) => ` ${say('summary.part', { part, parts })}`;
  // The first message carries the full heading; later ones the short one. Reserve the longer.
  const reserve = Math.max(title.length, continued.length) + numbering(999, 999).length + 2;
  const blocks = [header, ...units.map((u) => unitBlock(u, data, locale, say))];
  const parts = packBlocks(blocks, SUMMARY_MESSAGE_LIMIT, reserve);
  return parts.map((blocksOfPart, i) => {
    const numbered = parts.length > 1 ? numbering(i + 1, parts.length) : '';
    const heading = i === 0 ? `${title}${numbered}\n` : `${continued}${numbered}\n\n`;
    return heading + blocksOfPart.join('\n\n');
  });
}

// ---- Chart ---------------------------------------------------------------------------------------

export type RenderTrend = (series: TrendSeries[], options: TrendOptions) => Promise<Buffer>;

/** The default renderer, imported on first use so that vega loads only when a chart is drawn. */
const renderTrendPngLazily: RenderTrend = async (series, options) => (await import('../charts/trend.js')).renderTrendPng(series, options);

/**
 * Week labels for the x axis: "W40" … "W47", or "2026-W52", "2027-W01" when the eight weeks cross
 * a year. The chart places labels in natural sort order, which a day-month label ("2 Nov" before
 * "26 Okt") would scramble; the axis title ties the last label to its dates instead.
 */
export function weekAxisLabels(weeks: Period[]): string[] {
  const oneYear = weeks.every((w) => w.year === weeks[0]!.year);
  return weeks.map((w) => (oneYear ? w.label.slice(w.label.indexOf('-') + 1) : w.label));
}

/**
 * IKM per unit over the eight weeks up to the summary's week, over the zone bands: at most
 * CHART_MAX_UNITS lines, the worst of the week first. Null when no unit of the scope had a
 * response in those weeks.
 */
export async function summaryChart(
  data: AgencySummary,
  unitIds: number[] | 'all',
  locale: Locale,
  t: Translate,
  render: RenderTrend = renderTrendPngLazily,
): Promise<{ png: Buffer; caption: string } | null> {
  const say: Say = (key, params) => t(locale, key, params);
  const scope = unitsInScope(data, unitIds);
  const withData = scope.filter((u) => u.trend.some((ikm) => ikm !== null));
  if (withData.length === 0) return null;
  const shown = withData.slice(0, CHART_MAX_UNITS);
  const labels = weekAxisLabels(data.trendWeeks);
  const tz = data.agency.timeZone;
  const png = await render(
    shown.map((u) => ({ label: u.code, points: u.trend.map((ikm, i) => ({ period: labels[i]!, ikm })) })),
    {
      title: say('summary.chart.title', { agency: data.agency.name }),
      xTitle: say('summary.chart.xTitle', { label: labels[labels.length - 1]!, dates: dateSpan(data.weekRange, tz, locale) }),
      yTitle: say('summary.chart.yTitle'),
      zones: data.config.zones,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
    },
  );
  const span = { start: periodRange(data.trendWeeks[0]!, tz).start, end: data.weekRange.end };
  const caption = [say('summary.chart.caption', { agency: data.agency.name, weeks: data.trendWeeks.length, dates: dateSpan(span, tz, locale) })];
  if (withData.length > shown.length) caption.push(say('summary.chart.worst', { shown: shown.length, total: scope.length }));
  return { png, caption: caption.join(' ') };
}
