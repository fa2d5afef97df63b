// The weekly summary's words: what one official gets for the units in their scope, made to be read
// in ten seconds. The first message opens with the headline (the scope's IKM pooled from all its
// responses, its change against the week and the month before, the zone counts, red units with and
// without a follow-up plan, the month's sample achievement), then the units worst first in at most
// two short lines each, and the provisional note once at the end. The month and quarter to date
// follow in a message of their own. Pure: data from load.ts and a Translate in, strings out.
import { pooledFigures } from '../../reports/agency-report.js';
import { ZONE_MARKS, splitMessage } from '../../text/index.js';
import { type Mutu, defaultElementName, describePeriod, formatDateId, weakestElements } from '../../scoring/index.js';
import { formatCount, formatDecimal, formatPercent } from '../../scoring/numbers.js';
import type { Locale, Translate } from '../../survey/types.js';
import type { AgencySummary, Figures, Interval, UnitSummary } from './load.js';

/** Telegram allows 4096 characters; the margin covers a channel's own additions. */
export const SUMMARY_MESSAGE_LIMIT = 3900;

export type Say = (key: string, params?: Record<string, string | number>) => string;

const NO_RESPONSE_MARK = '⚪';
/** Follows a provisional score; the note at the end of the message says what it means. */
const PROVISIONAL_MARK = '*';

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

interface Words {
  locale: Locale;
  say: Say;
  ikm: (value: number) => string;
  count: (value: number) => string;
}

/** "▲ 1,20", "▼ 0,85", "= 0,00": IKM values have two decimals, compared in hundredths. */
function change(now: number, before: number, w: Words): string {
  const diff = Math.round(now * 100) - Math.round(before * 100);
  if (diff === 0) return w.say('summary.change.same');
  return `${diff > 0 ? '▲' : '▼'} ${w.ikm(Math.abs(diff) / 100)}`;
}

/** What a grade is shown from: a unit's score, or a pooled one. */
interface Graded {
  ikm: number;
  mutu: string;
  provisional: boolean;
}

/** "IKM 82,41* (B)": the IKM with its provisional mark and grade. */
function grade(g: Graded, w: Words): string {
  return w.say('summary.grade', { ikm: `${w.ikm(g.ikm)}${g.provisional ? PROVISIONAL_MARK : ''}`, mutu: g.mutu });
}

/** The regulation's kinerja for a grade, in the reader's language. */
function kinerjaWords(mutu: Mutu, w: Words): string {
  return w.say(`summary.kinerja.${mutu}`);
}

/** What the headline is about: the agency, one unit, or several units of it. */
function scopeName(data: AgencySummary, units: UnitSummary[], all: boolean, w: Words): string {
  if (all) return data.agency.name;
  if (units.length === 1) return units[0]!.name;
  return w.say('summary.scopeUnits', { n: units.length });
}

function headline(data: AgencySummary, units: UnitSummary[], all: boolean, w: Words): string[] {
  const { say } = w;
  const pool = (pick: (u: UnitSummary) => Figures) =>
    pooledFigures(
      units.map((u) => pick(u).sums),
      data.config,
    );
  const week = pool((u) => u.week);
  const name = scopeName(data, units, all, w);
  if (week.ikm === null) return [say('summary.headEmpty', { name })];
  const lines = [
    say('summary.head', {
      name,
      ikm: `${w.ikm(week.ikm)}${week.provisional ? PROVISIONAL_MARK : ''}`,
      mutu: week.mutu!,
      kinerja: kinerjaWords(week.mutu!, w),
      mark: ZONE_MARKS[week.zona!],
      zone: say(`staff.zones.${week.zona!}`),
      n: w.count(week.responses),
    }),
  ];
  const previousWeek = pool((u) => u.previousWeek);
  const previousMonth = pool((u) => u.previousMonth);
  const changes = [previousWeek.ikm === null ? say('summary.vsWeekNone') : say('summary.vsWeek', { change: change(week.ikm, previousWeek.ikm, w) })];
  if (previousMonth.ikm !== null) {
    changes.push(say('summary.vsMonth', { change: change(week.ikm, previousMonth.ikm, w), month: describePeriod(data.previousMonth, w.locale) }));
  }
  lines.push(changes.join(' · '));
  return lines;
}

function zoneCountLine(units: UnitSummary[], w: Words): string {
  const counts: string[] = [];
  for (const zona of ['merah', 'kuning', 'hijau'] as const) {
    const n = units.filter((u) => u.week.score?.zona === zona).length;
    if (n > 0) counts.push(w.say('summary.zoneCount', { mark: ZONE_MARKS[zona], zone: w.say(`summary.zoneShort.${zona}`), n }));
  }
  const empty = units.filter((u) => !u.week.score).length;
  if (empty > 0) counts.push(w.say('summary.noResponseCount', { mark: NO_RESPONSE_MARK, n: empty }));
  return w.say('summary.units', { n: units.length, zones: counts.join(' · ') });
}

function followUpLine(units: UnitSummary[], w: Words): string | null {
  const red = units.filter((u) => u.week.score?.zona === 'merah');
  if (red.length === 0) return null;
  const planned = red.filter((u) => u.hasFollowUp).length;
  return w.say('summary.followUps', { planned, missing: red.length - planned });
}

/** Sample achievement of the month so far, over the units that have a target. */
function sampleLine(data: AgencySummary, units: UnitSummary[], w: Words): string | null {
  const withTarget = units.filter((u) => u.monthToDate.target !== null && u.monthToDate.target > 0);
  if (withTarget.length === 0) return null;
  const target = withTarget.reduce((n, u) => n + u.monthToDate.target!, 0);
  const responses = withTarget.reduce((n, u) => n + u.monthToDate.sums.count, 0);
  return w.say('summary.sample', {
    month: describePeriod(data.month, w.locale),
    percent: formatPercent(responses / target, w.locale),
    n: w.count(responses),
    target: w.count(target),
  });
}

/** What needs attention at a unit: its weakest element, its follow-up plan, maladministration. */
function attention(unit: UnitSummary, w: Words): string | null {
  const { say } = w;
  const s = unit.week.score!;
  const notes: string[] = [];
  if (s.zona !== 'hijau') {
    const weakest = weakestElements(s, 1)[0]!;
    notes.push(say('summary.weakest', { name: defaultElementName(weakest.code)[w.locale], nrr: formatDecimal(weakest.nrr, 2, w.locale) }));
  }
  if (s.zona === 'merah') notes.push(say(unit.hasFollowUp ? 'summary.followUp.yes' : 'summary.followUp.no'));
  if (unit.maladminReports > 0) notes.push(say('summary.maladmin', { n: unit.maladminReports }));
  return notes.length > 0 ? notes.join(' · ') : null;
}

/** One unit in at most two short lines: its week, then what needs attention. */
function unitBlock(unit: UnitSummary, w: Words): string {
  const { say } = w;
  const s = unit.week.score!;
  const before = unit.previousWeek.score;
  const first = say('summary.unit', {
    mark: ZONE_MARKS[s.zona],
    name: unit.name,
    code: unit.code,
    grade: grade(s, w),
    n: w.count(s.responses),
    change: before ? change(s.ikm, before.ikm, w) : say('summary.change.new'),
  });
  const notes = attention(unit, w);
  return notes ? `${first}\n   ${notes}` : first;
}

/** The units without responses in the week, named on one line. */
function emptyLine(units: UnitSummary[], w: Words): string | null {
  const empty = units.filter((u) => !u.week.score);
  if (empty.length === 0) return null;
  return w.say('summary.emptyUnits', { mark: NO_RESPONSE_MARK, list: empty.map((u) => `${u.name} (${u.code})`).join(', ') });
}

function footer(data: AgencySummary, units: UnitSummary[], w: Words): string {
  const lines: string[] = [];
  if (
    units.some((u) => u.week.score?.provisional) ||
    pooledFigures(
      units.map((u) => u.week.sums),
      data.config,
    ).provisional
  ) {
    lines.push(w.say('summary.provisionalNote', { mark: PROVISIONAL_MARK, min: data.config.minResponses }));
  }
  lines.push(w.say('summary.changeNote'));
  if (units.some((u) => u.suggestions.length > 0)) lines.push(w.say('summary.suggestionsHint'));
  return lines.join('\n');
}

/**
 * Packs blocks into messages of at most `limit` characters (blocks joined by `joiner`), each message
 * leaving `reserve` characters for the heading it gets. A block that cannot fit a message on its
 * own is cut at line breaks.
 */
function packBlocks(blocks: string[], limit: number, reserve: number, joiner: string): string[][] {
  const room = limit - reserve;
  const parts: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const block of blocks.flatMap((b) => (b.length > room ? splitMessage(b, room) : [b]))) {
    const added = (current.length > 0 ? joiner.length : 0) + block.length;
    if (current.length > 0 && length + added > room) {
      parts.push(current);
      current = [];
      length = 0;
    }
    length += added;
    current.push(block);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** Messages from blocks: the first with `title`, the others with `continued`, numbered when more than one. */
function messagesOf(blocks: string[], title: string, continued: string, w: Words): string[] {
  const numbering = (part: number, parts: number) => ` ${w.say('summary.part', { part, parts })}`;
  // The first message carries the full heading; later ones the short one. Reserve the longer.
  const reserve = Math.max(title.length, continued.length) + numbering(999, 999).length + 2;
  const parts = packBlocks(blocks, SUMMARY_MESSAGE_LIMIT, reserve, '\n');
  return parts.map((blocksOfPart, i) => {
    const numbered = parts.length > 1 ? numbering(i + 1, parts.length) : '';
    return `${i === 0 ? title : continued}${numbered}\n${blocksOfPart.join('\n')}`;
  });
}

/** The week: headline, the units worst first, the notes. */
function weekMessages(data: AgencySummary, units: UnitSummary[], all: boolean, w: Words): string[] {
  const tz = data.agency.timeZone;
  const head = [
    w.say('summary.week', { dates: dateSpan(data.weekRange, tz, w.locale), label: data.week.label }),
    '',
    ...headline(data, units, all, w),
    zoneCountLine(units, w),
    followUpLine(units, w),
    sampleLine(data, units, w),
    '',
  ].filter((line): line is string => line !== null);
  const scored = units.filter((u) => u.week.score);
  // One unit: the headline is that unit, so only what needs attention follows it.
  const unitLines = units.length === 1 ? scored.map((u) => attention(u, w)) : scored.map((u) => unitBlock(u, w));
  const blocks = [
    head.join('\n'),
    ...unitLines.filter((line): line is string => line !== null),
    ...[emptyLine(units, w)].filter((line): line is string => line !== null),
    `\n${footer(data, units, w)}`,
  ];
  return messagesOf(
    blocks,
    w.say('summary.title', { agency: data.agency.name }),
    w.say('summary.continued', { agency: data.agency.name, week: data.week.label }),
    w,
  );
}

/** "IKM 74,50 (C) · 23 dari 217 responden (11%)", or "belum ada responden (target 80)". */
function figuresText(g: Graded | null, n: number, target: number | null, w: Words): string {
  if (!g) return target ? w.say('summary.noResponsesTarget', { target: w.count(target) }) : w.say('summary.noResponses');
  const count = target
    ? w.say('summary.responsesTarget', { n: w.count(n), target: w.count(target), percent: formatPercent(n / target, w.locale) })
    : w.say('summary.responses', { n: w.count(n) });
  return `${grade(g, w)} · ${count}`;
}

function pooledGrade(units: UnitSummary[], pick: (u: UnitSummary) => Figures, data: AgencySummary): { g: Graded | null; n: number } {
  const f = pooledFigures(
    units.map((u) => pick(u).sums),
    data.config,
  );
  return { g: f.ikm === null ? null : { ikm: f.ikm, mutu: f.mutu!, provisional: f.provisional }, n: f.responses };
}

/** The month and quarter to date: the scope's pooled figures, then each unit's month, worst first. */
function toDateMessages(data: AgencySummary, units: UnitSummary[], all: boolean, w: Words): string[] {
  const tz = data.agency.timeZone;
  const month = describePeriod(data.month, w.locale);
  const quarter = describePeriod(data.quarter, w.locale);
  const m = pooledGrade(units, (u) => u.monthToDate, data);
  const q = pooledGrade(units, (u) => u.quarterToDate, data);
  const head = [
    w.say('summary.toDateNote', { date: lastDay(data.weekRange, tz, w.locale) }),
    w.say('summary.toDate', { label: `${scopeName(data, units, all, w)}, ${month}`, figures: figuresText(m.g, m.n, null, w) }),
    w.say('summary.toDate', { label: `${scopeName(data, units, all, w)}, ${quarter}`, figures: figuresText(q.g, q.n, null, w) }),
    '',
    w.say('summary.unitsMonth', { month }),
  ];
  const byMonth = [...units].sort(
    (a, b) => (a.monthToDate.score?.ikm ?? Infinity) - (b.monthToDate.score?.ikm ?? Infinity) || a.code.localeCompare(b.code),
  );
  const blocks = [
    head.join('\n'),
    ...byMonth.map((u) =>
      w.say('summary.unitToDate', {
        mark: u.monthToDate.score ? ZONE_MARKS[u.monthToDate.score.zona] : NO_RESPONSE_MARK,
        name: u.name,
        code: u.code,
        figures: figuresText(u.monthToDate.score, u.monthToDate.sums.count, u.monthToDate.target, w),
      }),
    ),
    '',
  ];
  if (units.some((u) => u.monthToDate.score?.provisional) || m.g?.provisional || q.g?.provisional) {
    blocks.push(w.say('summary.provisionalNote', { mark: PROVISIONAL_MARK, min: data.config.minResponses }));
  }
  blocks.push(w.say('summary.quarterHint', { quarter, label: data.quarter.label }));
  return messagesOf(
    blocks,
    w.say('summary.toDateTitle', { month, agency: data.agency.name }),
    w.say('summary.toDateContinued', { month, agency: data.agency.name }),
    w,
  );
}

/**
 * The summary for one official: the units of `unitIds` (or all). The week's messages first (the
 * headline and the units worst first), then the month's and quarter's; each at most
 * SUMMARY_MESSAGE_LIMIT characters, split between units and numbered ("(2/3)") when split, so each
 * reads on its own. No message when the scope holds none of the agency's active units.
 */
export function composeSummary(data: AgencySummary, unitIds: number[] | 'all', locale: Locale, t: Translate): string[] {
  const say: Say = (key, params) => t(locale, key, params);
  const units = unitsInScope(data, unitIds);
  if (units.length === 0) return [];
  const all = unitIds === 'all' || data.units.every((u) => units.includes(u));
  const w: Words = { locale, say, ikm: (v) => formatDecimal(v, 2, locale), count: (v) => formatCount(v, locale) };
  return [...weekMessages(data, units, all, w), ...toDateMessages(data, units, all, w)];
}
