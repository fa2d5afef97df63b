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
