import { describe, expect, it } from 'vitest';
import {
  formatDateId,
  formatDateTimeId,
  isoWeeksInYear,
  isValidTimeZone,
  nextPeriod,
  parsePeriod,
  periodOf,
  periodRange,
  previousPeriod,
  zoneAbbreviation,
  zonedTimeUtc,
  type PeriodKind,
} from '../../src/scoring/index.js';

const iso = (d: Date) => d.toISOString();

describe('periods', () => {
  it.each([
    ['2026-W47', 'week', 2026, 47, '2026-W47'],
    ['2026-w7', 'week', 2026, 7, '2026-W07'],
    ['2026-11', 'month', 2026, 11, '2026-11'],
    ['2026-Q4', 'quarter', 2026, 4, '2026-Q4'],
    ['2026-TW4', 'quarter', 2026, 4, '2026-Q4'],
    ['2026-tw1', 'quarter', 2026, 1, '2026-Q1'],
    ['2026-S2', 'semester', 2026, 2, '2026-S2'],
    [' 2026 ', 'year', 2026, 1, '2026'],
    ['2026-W53', 'week', 2026, 53, '2026-W53'],
  ] as const)('parses %j', (text, kind, year, index, label) => {
    expect(parsePeriod(text)).toEqual({ kind, year, index, label });
  });

  it.each([
    '',
    'abc',
    '2026-13',
    '2026-00',
    '2026-W00',
    '2026-W54',
    '2025-W53',
    '2026-Q5',
    '2026-TW0',
    '2026-S3',
    '26-11',
    '2026/11',
    '2026-11-01',
    '2026-W47x',
  ])('rejects %j', (text) => {
    expect(parsePeriod(text)).toBeNull();
  });

  it('knows which ISO years have 53 weeks', () => {
    expect(isoWeeksInYear(2026)).toBe(53);
    expect(isoWeeksInYear(2025)).toBe(52);
    expect(isoWeeksInYear(2020)).toBe(53);
    expect(isoWeeksInYear(2027)).toBe(52);
  });

  it('a week runs Monday to Monday in the agency’s time zone', () => {
    const week = parsePeriod('2026-W47')!;
    expect(periodRange(week, 'Asia/Jakarta')).toEqual({
      start: new Date('2026-11-15T17:00:00Z'),
      end: new Date('2026-11-22T17:00:00Z'),
    });
    // WIT is two hours ahead of WIB: its week starts two hours earlier in UTC.
    expect(iso(periodRange(week, 'Asia/Jayapura').start)).toBe('2026-11-15T15:00:00.000Z');
    expect(iso(periodRange(week, 'Asia/Makassar').start)).toBe('2026-11-15T16:00:00.000Z');
  });

  it('month, quarter, semester and year ranges in each Indonesian zone', () => {
    expect(periodRange(parsePeriod('2026-11')!, 'Asia/Makassar')).toEqual({
      start: new Date('2026-10-31T16:00:00Z'),
      end: new Date('2026-11-30T16:00:00Z'),
    });
    expect(periodRange(parsePeriod('2026-Q4')!, 'Asia/Jakarta')).toEqual({
      start: new Date('2026-09-30T17:00:00Z'),
      end: new Date('2026-12-31T17:00:00Z'),
    });
    expect(periodRange(parsePeriod('2026-S1')!, 'Asia/Pontianak')).toEqual({
      start: new Date('2025-12-31T17:00:00Z'),
      end: new Date('2026-06-30T17:00:00Z'),
    });
    expect(periodRange(parsePeriod('2026')!, 'Asia/Jayapura')).toEqual({
      start: new Date('2025-12-31T15:00:00Z'),
      end: new Date('2026-12-31T15:00:00Z'),
    });
    // February of a leap year.
    expect(iso(periodRange(parsePeriod('2028-02')!, 'Asia/Jakarta').end)).toBe('2028-02-29T17:00:00.000Z');
  });

  it('the same instant on New Year’s Eve falls in different years in WIB and WIT', () => {
    const instant = new Date('2026-12-31T16:30:00Z'); // 23:30 WIB, 00:30 WITA, 01:30 WIT
    const of = (kind: PeriodKind, zone: string) => periodOf(kind, instant, zone).label;
    expect(of('month', 'Asia/Jakarta')).toBe('2026-12');
    expect(of('month', 'Asia/Makassar')).toBe('2027-01');
    expect(of('month', 'Asia/Jayapura')).toBe('2027-01');
    expect(of('quarter', 'Asia/Jakarta')).toBe('2026-Q4');
    expect(of('quarter', 'Asia/Jayapura')).toBe('2027-Q1');
    expect(of('semester', 'Asia/Jayapura')).toBe('2027-S1');
    expect(of('year', 'Asia/Jakarta')).toBe('2026');
    expect(of('year', 'Asia/Jayapura')).toBe('2027');
    // 31 Dec 2026 and 1 Jan 2027 are both in ISO week 2026-W53.
    expect(of('week', 'Asia/Jakarta')).toBe('2026-W53');
    expect(of('week', 'Asia/Jayapura')).toBe('2026-W53');
  });

  it('ISO weeks across year ends', () => {
    expect(periodOf('week', new Date('2024-12-30T05:00:00Z'), 'Asia/Jakarta').label).toBe('2025-W01');
    expect(periodOf('week', new Date('2027-01-03T16:59:59Z'), 'Asia/Jakarta').label).toBe('2026-W53');
    expect(periodOf('week', new Date('2027-01-03T17:00:00Z'), 'Asia/Jakarta').label).toBe('2027-W01');
    // Sunday night 23:59 WIB is still the old week; Monday 00:00 is the new one.
    expect(periodOf('week', new Date('2026-11-22T16:59:00Z'), 'Asia/Jakarta').label).toBe('2026-W47');
    expect(periodOf('week', new Date('2026-11-22T17:00:00Z'), 'Asia/Jakarta').label).toBe('2026-W48');
  });

  it('a period contains exactly the instants it is the period of', () => {
    for (const label of ['2026-W01', '2026-W53', '2026-01', '2026-12', '2026-Q1', '2026-S2', '2026']) {
      const p = parsePeriod(label)!;
      for (const zone of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']) {
        const { start, end } = periodRange(p, zone);
        expect(periodOf(p.kind, start, zone).label).toBe(label);
        expect(periodOf(p.kind, new Date(end.getTime() - 1), zone).label).toBe(label);
        expect(periodOf(p.kind, end, zone).label).toBe(nextPeriod(p).label);
      }
    }
  });

  it('steps to the previous and next period across year ends', () => {
    const label = (text: string, step: typeof nextPeriod) => step(parsePeriod(text)!).label;
    expect(label('2026-W01', previousPeriod)).toBe('2025-W52');
    expect(label('2026-W53', nextPeriod)).toBe('2027-W01');
    expect(label('2027-W01', previousPeriod)).toBe('2026-W53');
    expect(label('2026-01', previousPeriod)).toBe('2025-12');
    expect(label('2026-12', nextPeriod)).toBe('2027-01');
    expect(label('2026-Q1', previousPeriod)).toBe('2025-Q4');
    expect(label('2026-S2', nextPeriod)).toBe('2027-S1');
    expect(label('2026', previousPeriod)).toBe('2025');
  });
});

describe('time zones and Indonesian dates', () => {
  it('local wall time to UTC', () => {
    expect(iso(zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta'))).toBe('2026-11-23T01:00:00.000Z');
    expect(iso(zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jayapura'))).toBe('2026-11-22T23:00:00.000Z');
  });

  it('names the zones WIB, WITA and WIT', () => {
    const at = new Date('2026-11-23T01:00:00Z');
    expect(zoneAbbreviation(at, 'Asia/Jakarta')).toBe('WIB');
    expect(zoneAbbreviation(at, 'Asia/Pontianak')).toBe('WIB');
    expect(zoneAbbreviation(at, 'Asia/Makassar')).toBe('WITA');
    expect(zoneAbbreviation(at, 'Asia/Jayapura')).toBe('WIT');
    expect(zoneAbbreviation(at, 'UTC')).toBe('UTC+0');
  });

  it('writes dates in Indonesian', () => {
    const at = new Date('2026-11-23T01:00:00Z');
    expect(formatDateId(at, 'Asia/Jakarta')).toBe('Senin, 23 November 2026');
    expect(formatDateTimeId(at, 'Asia/Jakarta')).toBe('Senin, 23 November 2026 pukul 08.00 WIB');
    expect(formatDateTimeId(at, 'Asia/Jayapura')).toBe('Senin, 23 November 2026 pukul 10.00 WIT');
    expect(formatDateTimeId(at, 'Asia/Jakarta', 'en')).toBe('Monday, 23 November 2026 at 08:00 WIB');
    // 23:30 UTC on Sunday is already Monday morning in Makassar.
    expect(formatDateId(new Date('2026-11-22T23:30:00Z'), 'Asia/Makassar')).toBe('Senin, 23 November 2026');
  });

  it('names other zones by their offset, with minutes and a sign', () => {
    const at = new Date('2026-11-23T01:00:00Z');
    expect(zoneAbbreviation(at, 'Asia/Kolkata')).toBe('UTC+5:30');
    expect(zoneAbbreviation(at, 'Asia/Kathmandu')).toBe('UTC+5:45');
    expect(zoneAbbreviation(at, 'America/St_Johns')).toBe('UTC-3:30');
    expect(zoneAbbreviation(at, 'America/New_York')).toBe('UTC-5');
    expect(zoneAbbreviation(at, 'Australia/Brisbane')).toBe('UTC+10');
  });

  it('writes every weekday and month, in Indonesian and English, with hours and minutes padded', () => {
    const days = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
    const en = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    // 22 to 28 November 2026 is Sunday to Saturday.
    for (let i = 0; i < 7; i++) {
      const at = zonedTimeUtc(2026, 11, 22 + i, 12, 0, 'Asia/Jakarta');
      expect(formatDateId(at, 'Asia/Jakarta')).toBe(`${days[i]}, ${22 + i} November 2026`);
      expect(formatDateId(at, 'Asia/Jakarta', 'en')).toBe(`${en[i]}, ${22 + i} November 2026`);
    }
    expect(formatDateId(zonedTimeUtc(2026, 1, 1, 12, 0, 'Asia/Jakarta'), 'Asia/Jakarta')).toBe('Kamis, 1 Januari 2026');
    expect(formatDateId(zonedTimeUtc(2026, 12, 31, 12, 0, 'Asia/Jakarta'), 'Asia/Jakarta', 'en')).toBe('Thursday, 31 December 2026');
    const early = zonedTimeUtc(2026, 8, 17, 7, 5, 'Asia/Makassar');
    expect(formatDateTimeId(early, 'Asia/Makassar')).toBe('Senin, 17 Agustus 2026 pukul 07.05 WITA');
    expect(formatDateTimeId(early, 'Asia/Makassar', 'en')).toBe('Monday, 17 August 2026 at 07:05 WITA');
  });

  it('validates zone names', () => {
    expect(isValidTimeZone('Asia/Jakarta')).toBe(true);
    expect(isValidTimeZone('Asia/Bandung')).toBe(false);
    expect(isValidTimeZone('WIB')).toBe(false);
  });
});
