// Dates as officials and citizens read them: "Senin, 23 November 2026 pukul 08.00 WIB". The
// Indonesian names are written out here rather than taken from ICU, whose data varies by build.
import { isValidTimeZone, localParts, zoneOffsetMinutes } from './period.js';

const DAYS = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** Indonesia's three zones as people write them. */
const ZONE_WORDS: Record<string, string> = { WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' };

/** An IANA time zone from what an operator types: "WIB", "wita", or an IANA name. Null if neither. */
export function resolveTimeZone(text: string): string | null {
  const value = text.trim();
  const word = ZONE_WORDS[value.toUpperCase()];
  if (word) return word;
  return value !== '' && isValidTimeZone(value) ? value : null;
}

/** WIB/WITA/WIT for Indonesia's offsets, otherwise UTC±h. */
export function zoneAbbreviation(instant: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(instant, timeZone);
  if (offset === 420) return 'WIB';
  if (offset === 480) return 'WITA';
  if (offset === 540) return 'WIT';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}

/** A local day 'YYYY-MM-DD' as people write it: "29 November 2026" (no weekday). */
export function formatDay(day: string, locale: 'id' | 'en' = 'id'): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return dayMonthYear(y, m, d, locale);
}

/** "23 November 2026" (no weekday): for dates in lists and ranges. */
export function formatDayMonthYear(instant: Date, timeZone: string, locale: 'id' | 'en' = 'id'): string {
  const p = localParts(instant, timeZone);
  return dayMonthYear(p.y, p.m, p.d, locale);
}

function dayMonthYear(y: number, m: number, d: number, locale: 'id' | 'en'): string {
  return `${d} ${MONTHS[locale][m - 1]} ${y}`;
}

export function formatDateId(instant: Date, timeZone: string, locale: 'id' | 'en' = 'id'): string {
  const p = localParts(instant, timeZone);
  const weekday = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  return `${DAYS[locale][weekday]}, ${p.d} ${MONTHS[locale][p.m - 1]} ${p.y}`;
}

export function formatDateTimeId(instant: Date, timeZone: string, locale: 'id' | 'en' = 'id'): string {
  const p = localParts(instant, timeZone);
  const hh = String(p.hour).padStart(2, '0');
  const mm = String(p.minute).padStart(2, '0');
  const zone = zoneAbbreviation(instant, timeZone);
  return locale === 'id'
    ? `${formatDateId(instant, timeZone, 'id')} pukul ${hh}.${mm} ${zone}`
    : `${formatDateId(instant, timeZone, 'en')} at ${hh}:${mm} ${zone}`;
}
