// The weekly summary's words: the text one official gets for the units in their scope, worst
// first, split into messages that each read on their own. Pure: data from load.ts and a Translate in,
// strings out.
import { ZONE_MARKS, splitMessage, zoneWords } from '../../text/index.js';
import { type Period, type Score, defaultElementName, describePeriod, formatDateId, roundHalfUp, weakestElements } from '../../scoring/index.js';
import type { Locale, Translate } from '../../survey/types.js';
import type { AgencySummary, Interval, ToDateFigures, UnitSummary } from './load.js';

/** Telegram allows 4096 characters; the margin covers a channel's own additions. */
export const SUMMARY_MESSAGE_LIMIT = 3900;

export type Say = (key: string, params?: Record<string, string | number>) => string;

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
    return `${defaultElementName(w.code)[locale]} ${fixed2(w.nrr)}`;
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
