// Reporting periods in an agency's time zone: ISO week (Monday first, set explicitly: CLDR's
// Indonesian week starts on Sunday), month, quarter (triwulan), semester and year.

export type PeriodKind = 'week' | 'month' | 'quarter' | 'semester' | 'year';

export interface Period {
  kind: PeriodKind;
  year: number;
  /** week 1–53, month 1–12, quarter 1–4, semester 1–2, year 1. */
  index: number;
  /** Canonical: 2026-W47, 2026-11, 2026-Q4, 2026-S2, 2026. */
  label: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function labelOf(kind: PeriodKind, year: number, index: number): string {
  switch (kind) {
    case 'week':
      return `${year}-W${pad(index)}`;
    case 'month':
      return `${year}-${pad(index)}`;
    case 'quarter':
      return `${year}-Q${index}`;
    case 'semester':
      return `${year}-S${index}`;
    case 'year':
      return String(year);
  }
}

export function makePeriod(kind: PeriodKind, year: number, index: number): Period {
  return { kind, year, index, label: labelOf(kind, year, index) };
}

// --- Civil dates (proleptic Gregorian, no time zone) -----------------------------------

/** Days since 1970-01-01 of a civil date (month 1–12; day may overflow, as in Date.UTC). */
function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

function civil(dayNo: number): { y: number; m: number; d: number } {
  const date = new Date(dayNo * 86_400_000);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

/** ISO weekday 1 (Monday) – 7 (Sunday). */
function isoWeekday(dayNo: number): number {
  return ((((dayNo + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

/** Day number of the Monday of ISO week 1 of an ISO year. */
function isoWeekOneMonday(isoYear: number): number {
  const jan4 = dayNumber(isoYear, 1, 4);
  return jan4 - (isoWeekday(jan4) - 1);
}

export function isoWeeksInYear(isoYear: number): number {
  return (isoWeekOneMonday(isoYear + 1) - isoWeekOneMonday(isoYear)) / 7;
}

function isoWeekOf(dayNo: number): { year: number; week: number } {
  const thursday = dayNo - isoWeekday(dayNo) + 4;
  const year = civil(thursday).y;
  return { year, week: Math.floor((thursday - isoWeekOneMonday(year)) / 7) + 1 };
}

// --- Time zones ----------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  y: number;
  m: number;
  d: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { y: parts.year!, m: parts.month!, d: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Offset of the zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The UTC instant of a local wall time in a zone (day may overflow, as in Date.UTC). */
export function zonedTimeUtc(y: number, m: number, d: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  let guess = wall;
  // Two passes settle the offset for zones with transitions; Indonesian zones need one.
  for (let i = 0; i < 3; i++) {
    const offset = zoneOffsetMinutes(new Date(guess), timeZone);
    const next = wall - offset * 60_000;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

export function zonedMidnightUtc(y: number, m: number, d: number, timeZone: string): Date {
  return zonedTimeUtc(y, m, d, 0, 0, timeZone);
}

export function localDateString(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

// --- Periods -------------------------------------------------------------------------

/** Accepts 2026-W47, 2026-11, 2026-Q4, 2026-TW4, 2026-S2 and 2026 (case-insensitive). */
export function parsePeriod(text: string): Period | null {
  const value = text.trim().toUpperCase();
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-W(\d{1,2})$/.exec(value))) {
    const year = Number(match[1]);
    const week = Number(match[2]);
    return week >= 1 && week <= isoWeeksInYear(year) ? makePeriod('week', year, week) : null;
  }
  if ((match = /^(\d{4})-(\d{2})$/.exec(value))) {
    const month = Number(match[2]);
    return month >= 1 && month <= 12 ? makePeriod('month', Number(match[1]), month) : null;
  }
  if ((match = /^(\d{4})-(?:Q|TW)([1-4])$/.exec(value))) return makePeriod('quarter', Number(match[1]), Number(match[2]));
  if ((match = /^(\d{4})-S([12])$/.exec(value))) return makePeriod('semester', Number(match[1]), Number(match[2]));
  if ((match = /^(\d{4})$/.exec(value))) return makePeriod('year', Number(match[1]), 1);
  return null;
}

/** First local day of the period as a civil date, and the first day after it. */
function civilBounds(p: Period): { start: number; end: number } {
  switch (p.kind) {
    case 'week': {
      const start = isoWeekOneMonday(p.year) + (p.index - 1) * 7;
      return { start, end: start + 7 };
    }
    case 'month':
      return { start: dayNumber(p.year, p.index, 1), end: dayNumber(p.year, p.index + 1, 1) };
    case 'quarter':
      return { start: dayNumber(p.year, (p.index - 1) * 3 + 1, 1), end: dayNumber(p.year, p.index * 3 + 1, 1) };
    case 'semester':
      return { start: dayNumber(p.year, (p.index - 1) * 6 + 1, 1), end: dayNumber(p.year, p.index * 6 + 1, 1) };
    case 'year':
      return { start: dayNumber(p.year, 1, 1), end: dayNumber(p.year + 1, 1, 1) };
  }
}

/** UTC instants of the period's local midnights: start inclusive, end exclusive. */
export function periodRange(p: Period, timeZone: string): { start: Date; end: Date } {
  const bounds = civilBounds(p);
  const a = civil(bounds.start);
  const b = civil(bounds.end);
  return { start: zonedMidnightUtc(a.y, a.m, a.d, timeZone), end: zonedMidnightUtc(b.y, b.m, b.d, timeZone) };
}

export function periodOf(kind: PeriodKind, instant: Date, timeZone: string): Period {
  const { y, m, d } = localParts(instant, timeZone);
  switch (kind) {
    case 'week': {
      const w = isoWeekOf(dayNumber(y, m, d));
      return makePeriod('week', w.year, w.week);
    }
    case 'month':
      return makePeriod('month', y, m);
    case 'quarter':
      return makePeriod('quarter', y, Math.ceil(m / 3));
    case 'semester':
      return makePeriod('semester', y, m <= 6 ? 1 : 2);
    case 'year':
      return makePeriod('year', y, 1);
  }
}

const PER_YEAR: Record<Exclude<PeriodKind, 'week'>, number> = { month: 12, quarter: 4, semester: 2, year: 1 };

function shift(p: Period, delta: 1 | -1): Period {
  if (p.kind === 'week') {
    const monday = isoWeekOneMonday(p.year) + (p.index - 1) * 7 + delta * 7;
    const w = isoWeekOf(monday);
    return makePeriod('week', w.year, w.week);
  }
  const n = PER_YEAR[p.kind];
  const zeroBased = p.year * n + (p.index - 1) + delta;
  return makePeriod(p.kind, Math.floor(zeroBased / n), (zeroBased % n) + 1);
}

export const previousPeriod = (p: Period): Period => shift(p, -1);
export const nextPeriod = (p: Period): Period => shift(p, 1);
export const formatPeriod = (p: Period): string => p.label;
