import { describe, expect, it } from 'vitest';
import { formatCount, formatDecimal, formatPercent } from '../../src/scoring/numbers.js';

describe('numbers as people read them', () => {
  it('uses the decimal comma in Indonesian and the point in English', () => {
    expect(formatDecimal(82.405, 2, 'id')).toBe('82,41');
    expect(formatDecimal(82.405, 2, 'en')).toBe('82.41');
    expect(formatDecimal(3.1666666, 3, 'id')).toBe('3,167');
    expect(formatDecimal(61, 2, 'id')).toBe('61,00');
    expect(formatDecimal(2.5, 0, 'id')).toBe('3');
  });

  it('groups thousands with the locale separator', () => {
    expect(formatCount(1234567, 'id')).toBe('1.234.567');
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(999, 'id')).toBe('999');
    expect(formatCount(-1000, 'id')).toBe('-1.000');
  });

  it('writes shares as whole percentages', () => {
    expect(formatPercent(0.866, 'id')).toBe('87%');
    expect(formatPercent(0.866, 'en')).toBe('87%');
  });
});
