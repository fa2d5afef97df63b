// Periods as people type them in chat: "November 2026", "nov 2026", "bulan lalu", "minggu lalu",
// "TW4 2026", besides the canonical forms (2026-W47, 2026-11, 2026-Q4, 2026-TW4, 2026-S2, 2026).
// Relative words are resolved against `now` in the agency's time zone. Pure.
import { makePeriod, parsePeriod, periodOf, previousPeriod, type Period } from './period.js';

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: [number, string[]][] = [
  [1, ['januari', 'january', 'jan']],
  [2, ['februari', 'pebruari', 'february', 'feb', 'peb']],
  [3, ['maret', 'march', 'mar']],
  [4, ['april', 'apr']],
  [5, ['mei', 'may']],
  [6, ['juni', 'june', 'jun']],
  [7, ['juli', 'july', 'jul']],
  [8, ['agustus', 'august', 'agu', 'agt', 'aug']],
  [9, ['september', 'sept', 'sep']],
  [10, ['oktober', 'october', 'okt', 'oct']],
  [11, ['november', 'nopember', 'nov', 'nop']],
  [12, ['desember', 'december', 'des', 'dec']],
];
for (const [month, names] of MONTH_NAMES) for (const name of names) MONTHS[name] = month;

const RELATIVE: Record<string, { kind: Period['kind']; back: number }> = {
  'minggu ini': { kind: 'week', back: 0 },
  'pekan ini': { kind: 'week', back: 0 },
  'this week': { kind: 'week', back: 0 },
  'minggu lalu': { kind: 'week', back: 1 },
  'pekan lalu': { kind: 'week', back: 1 },
  'last week': { kind: 'week', back: 1 },
  'bulan ini': { kind: 'month', back: 0 },
  'this month': { kind: 'month', back: 0 },
  'bulan lalu': { kind: 'month', back: 1 },
  'last month': { kind: 'month', back: 1 },
  'triwulan ini': { kind: 'quarter', back: 0 },
  'this quarter': { kind: 'quarter', back: 0 },
  'triwulan lalu': { kind: 'quarter', back: 1 },
  'last quarter': { kind: 'quarter', back: 1 },
  'semester ini': { kind: 'semester', back: 0 },
  'semester lalu': { kind: 'semester', back: 1 },
  'tahun ini': { kind: 'year', back: 0 },
  'this year': { kind: 'year', back: 0 },
  'tahun lalu': { kind: 'year', back: 1 },
  'last year': { kind: 'year', back: 1 },
};

const validYear = (y: number) => y >= 2000 && y <= 2100;

/** Null when the text is not a period. */
export function parsePeriodWords(text: string, now: Date, timeZone: string): Period | null {
  const value = text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  if (value === '') return null;
  const canonical = parsePeriod(value);
  if (canonical) return validYear(canonical.year) ? canonical : null;
  const relative = RELATIVE[value];
  if (relative) {
    let p = periodOf(relative.kind, now, timeZone);
    for (let i = 0; i < relative.back; i++) p = previousPeriod(p);
    return p;
  }
  let match: RegExpExecArray | null;
  // "november 2026", "nov 2026", "nov-2026", "11/2026", "11-2026"
  if ((match = /^([a-z]+)[\s\-/.]?(\d{4})$/.exec(value))) {
    const month = MONTHS[match[1]!];
    const year = Number(match[2]);
    if (month !== undefined && validYear(year)) return makePeriod('month', year, month);
  }
  if ((match = /^(\d{1,2})[/-](\d{4})$/.exec(value))) {
    const month = Number(match[1]);
    const year = Number(match[2]);
    if (month >= 1 && month <= 12 && validYear(year)) return makePeriod('month', year, month);
  }
  // "tw4 2026", "tw 4 2026", "q4 2026", "triwulan 4 2026", "2026 q4"
  if ((match = /^(?:tw|q|triwulan|kuartal)\s?([1-4])[\s\-/]?(\d{4})$/.exec(value)) || (match = /^(\d{4})\s(?:tw|q)([1-4])$/.exec(value))) {
    const [a, b] = [Number(match[1]), Number(match[2])];
    const year = a > 4 ? a : b;
    const quarter = a > 4 ? b : a;
    if (validYear(year)) return makePeriod('quarter', year, quarter);
  }
  // "s2 2026", "semester 2 2026"
  if ((match = /^(?:s|semester)\s?([12])[\s\-/]?(\d{4})$/.exec(value))) {
    const year = Number(match[2]);
    if (validYear(year)) return makePeriod('semester', year, Number(match[1]));
  }
  // "w47 2026", "minggu 47 2026", "minggu ke-47 2026"
  if ((match = /^(?:w|minggu|pekan|week)\s?(?:ke-?\s?)?(\d{1,2})[\s\-/]?(\d{4})$/.exec(value))) {
    const canonicalWeek = parsePeriod(`${match[2]}-W${match[1]!.padStart(2, '0')}`);
    if (canonicalWeek && validYear(canonicalWeek.year)) return canonicalWeek;
  }
  // "tahun 2026"
  if ((match = /^tahun (\d{4})$/.exec(value)) && validYear(Number(match[1]))) return makePeriod('year', Number(match[1]), 1);
  return null;
}

const MONTH_LABEL_ID = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const MONTH_LABEL_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** How a period reads in a message: "November 2026", "minggu 2026-W47", "Triwulan IV 2026". */
export function describePeriod(p: Period, locale: 'id' | 'en' = 'id'): string {
  const roman = ['I', 'II', 'III', 'IV'];
  switch (p.kind) {
    case 'week':
      return locale === 'id' ? `minggu ${p.label}` : `week ${p.label}`;
    case 'month':
      return `${(locale === 'id' ? MONTH_LABEL_ID : MONTH_LABEL_EN)[p.index - 1]} ${p.year}`;
    case 'quarter':
      return locale === 'id' ? `Triwulan ${roman[p.index - 1]} ${p.year}` : `Q${p.index} ${p.year}`;
    case 'semester':
      return locale === 'id' ? `Semester ${p.index} ${p.year}` : `H${p.index} ${p.year}`;
    case 'year':
      return locale === 'id' ? `Tahun ${p.year}` : `Year ${p.year}`;
  }
}
