import { describe, expect, it } from 'vitest';
import { describePeriod, parsePeriodWords } from '../../src/scoring/index.js';

// Monday 23 November 2026, 09:00 WIB.
const NOW = new Date('2026-11-23T02:00:00Z');
const parse = (text: string, zone = 'Asia/Jakarta') => parsePeriodWords(text, NOW, zone)?.label ?? null;

describe('periods as people type them', () => {
  it.each([
    ['2026-11', '2026-11'],
    ['November 2026', '2026-11'],
    ['nov 2026', '2026-11'],
    ['Nopember 2026', '2026-11'],
    ['NOV-2026', '2026-11'],
    ['11/2026', '2026-11'],
    ['agustus 2026', '2026-08'],
    ['mei 2025', '2025-05'],
    ['2026-W47', '2026-W47'],
    ['w47 2026', '2026-W47'],
    ['minggu 47 2026', '2026-W47'],
    ['minggu lalu', '2026-W47'],
    ['minggu ini', '2026-W48'],
    ['last week', '2026-W47'],
    ['bulan ini', '2026-11'],
    ['bulan lalu', '2026-10'],
    ['this month', '2026-11'],
    ['2026-Q4', '2026-Q4'],
    ['2026-TW4', '2026-Q4'],
    ['TW4 2026', '2026-Q4'],
    ['tw 4 2026', '2026-Q4'],
    ['triwulan 3 2026', '2026-Q3'],
    ['triwulan lalu', '2026-Q3'],
    ['2026-S2', '2026-S2'],
    ['semester 1 2026', '2026-S1'],
    ['semester lalu', '2026-S1'],
    ['2026', '2026'],
    ['tahun ini', '2026'],
    ['tahun lalu', '2025'],
    ['tahun 2024', '2024'],
  ])('%j → %s', (text, label) => {
    expect(parse(text)).toBe(label);
  });

  it.each([
    '',
    'kemarin',
    'nov',
    '2026-13',
    '13/2026',
    'tw5 2026',
    's3 2026',
    'w54 2026',
    'foo 2026',
    '1999',
    'bulan depan',
    'DUKCAPIL',
    '2026-11-23',
  ])('rejects %j', (text) => {
    expect(parse(text)).toBeNull();
  });

  it('resolves relative words in the agency’s time zone', () => {
    // 30 Nov 2026 17:30 UTC: still November in WIB, already December in WIT.
    const lateNovember = new Date('2026-11-30T17:30:00Z');
    expect(parsePeriodWords('bulan ini', lateNovember, 'Asia/Jakarta')?.label).toBe('2026-12');
    expect(parsePeriodWords('bulan ini', new Date('2026-11-30T16:30:00Z'), 'Asia/Jakarta')?.label).toBe('2026-11');
    expect(parsePeriodWords('bulan ini', new Date('2026-11-30T16:30:00Z'), 'Asia/Jayapura')?.label).toBe('2026-12');
    // "last month" in January is December of the year before.
    expect(parsePeriodWords('bulan lalu', new Date('2027-01-05T02:00:00Z'), 'Asia/Jakarta')?.label).toBe('2026-12');
  });

  it('describes periods in Indonesian', () => {
    expect(describePeriod(parsePeriodWords('2026-11', NOW, 'Asia/Jakarta')!)).toBe('November 2026');
    expect(describePeriod(parsePeriodWords('TW4 2026', NOW, 'Asia/Jakarta')!)).toBe('Triwulan IV 2026');
    expect(describePeriod(parsePeriodWords('2026-W47', NOW, 'Asia/Jakarta')!)).toBe('minggu 2026-W47');
  });
});

describe('periods as people type them: every form and its edges', () => {
  it.each([
    // Spacing, case and full-width digits (phone keyboards) are forgiven.
    ['  Bulan   LALU ', '2026-10'],
    ['\uFF12\uFF10\uFF12\uFF16-11', '2026-11'],
    // Month names with every separator, and numbers.
    ['november2026', '2026-11'],
    ['des.2026', '2026-12'],
    ['jan/2026', '2026-01'],
    ['1/2026', '2026-01'],
    ['01-2026', '2026-01'],
    ['12/2026', '2026-12'],
    ['januari 2000', '2000-01'],
    ['desember 2100', '2100-12'],
    // Quarters in every spelling, either order.
    ['q4 2026', '2026-Q4'],
    ['Q1-2026', '2026-Q1'],
    ['kuartal 2/2026', '2026-Q2'],
    ['triwulan1 2026', '2026-Q1'],
    ['2026 q4', '2026-Q4'],
    ['2026 tw1', '2026-Q1'],
    ['tw1 2000', '2000-Q1'],
    ['tw4 2100', '2100-Q4'],
    // Semesters.
    ['s2 2026', '2026-S2'],
    ['semester2-2026', '2026-S2'],
    ['s1 2100', '2100-S1'],
    // Weeks: one digit is padded; "ke" with or without a hyphen.
    ['w5 2026', '2026-W05'],
    ['week 5 2026', '2026-W05'],
    ['pekan 47 2026', '2026-W47'],
    ['minggu ke-47 2026', '2026-W47'],
    ['minggu ke 47 2026', '2026-W47'],
    ['w53 2026', '2026-W53'],
    ['w1 2000', '2000-W01'],
    ['w472026', '2026-W47'],
    ['q42026', '2026-Q4'],
    ['s12026', '2026-S1'],
    // Years.
    ['tahun 2000', '2000'],
    ['tahun 2100', '2100'],
    ['2100', '2100'],
  ])('%j → %s', (text, label) => {
    expect(parse(text)).toBe(label);
  });

  it.each([
    ['last quarter', '2026-Q3'],
    ['this quarter', '2026-Q4'],
    ['triwulan ini', '2026-Q4'],
    ['semester ini', '2026-S2'],
    ['this year', '2026'],
    ['last year', '2025'],
    ['pekan lalu', '2026-W47'],
    ['this week', '2026-W48'],
    ['last month', '2026-10'],
  ])('relative %j → %s', (text, label) => {
    expect(parse(text)).toBe(label);
  });

  it.each([
    '   ',
    '1999-11',
    '2101',
    'november 1999',
    'november 2101',
    '0/2026',
    '00-2026',
    '13-2026',
    '11.2026',
    '11/1999',
    '11/2101',
    '123/2026',
    'q4 1999',
    'q4 2101',
    '2101 q4',
    '1999 tw1',
    'q0 2026',
    'x4 2026',
    's2 1999',
    's2 2101',
    'w47 1999',
    'w47 2101',
    'w0 2026',
    'w53 2025',
    'tahun 1999',
    'tahun 2101',
    'tahun ini 2026',
    'xbulan lalu',
    'november 2026 x',
    'x november 2026',
    // Nothing before or after the form: a typo is not silently read as a period.
    '11/20265',
    'tw4 20265',
    'xtw4 2026',
    '2026 q45',
    'x2026 q4',
    's2 20265',
    'xs2 2026',
    'w47 20265',
    'tahun 20265',
    'xtahun 2026',
    'x2026-11',
    'x2026-w47',
    'x2026-q4',
    '2026-q45',
    'x2026-s2',
    '2026-s23',
  ])('rejects %j', (text) => {
    expect(parse(text)).toBeNull();
  });

  it('June is in the first semester, July in the second', () => {
    expect(parsePeriodWords('semester ini', new Date('2026-06-30T10:00:00Z'), 'Asia/Jakarta')?.label).toBe('2026-S1');
    expect(parsePeriodWords('semester ini', new Date('2026-07-01T10:00:00Z'), 'Asia/Jakarta')?.label).toBe('2026-S2');
  });

  it('describes every kind of period in Indonesian and in English', () => {
    const p = (text: string) => parsePeriodWords(text, NOW, 'Asia/Jakarta')!;
    expect(['id', 'en'].map((l) => describePeriod(p('2026-W47'), l as 'id' | 'en'))).toEqual(['minggu 2026-W47', 'week 2026-W47']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-01'), l as 'id' | 'en'))).toEqual(['Januari 2026', 'January 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-12'), l as 'id' | 'en'))).toEqual(['Desember 2026', 'December 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-05'), l as 'id' | 'en'))).toEqual(['Mei 2026', 'May 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-Q1'), l as 'id' | 'en'))).toEqual(['Triwulan I 2026', 'Q1 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-Q2'), l as 'id' | 'en'))).toEqual(['Triwulan II 2026', 'Q2 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-Q3'), l as 'id' | 'en'))).toEqual(['Triwulan III 2026', 'Q3 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026-S1'), l as 'id' | 'en'))).toEqual(['Semester 1 2026', 'H1 2026']);
    expect(['id', 'en'].map((l) => describePeriod(p('2026'), l as 'id' | 'en'))).toEqual(['Tahun 2026', 'Year 2026']);
    expect(describePeriod(p('2026'))).toBe('Tahun 2026');
  });
});
