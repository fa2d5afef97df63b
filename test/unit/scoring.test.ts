import { describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONNAIRE, questionnaireSchema } from '../../src/survey/questionnaire.js';
import {
  DEFAULT_ELEMENTS,
  DEFAULT_SCORE_CONFIG,
  ELEMENT_CODES,
  ELEMENT_COLUMNS,
  ELEMENT_SUM_COLUMNS,
  answersOf,
  columnsOf,
  defaultElementName,
  ZONE_PRESETS,
  emptySums,
  ikm0111,
  kinerjaOf,
  mergeSums,
  mutuOf,
  nrrToIkm,
  roundHalfUp,
  score,
  sumsFromAnswers,
  targetSample,
  weakestElements,
  zonaOf,
  type ElementSums,
} from '../../src/scoring/index.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

/** Sums for `count` responses whose answers add up to `total`, spread over the nine elements. */
function sumsWithTotal(count: number, total: number): ElementSums {
  const sums = Array.from({ length: 9 }, (_, i) => Math.floor(total / 9) + (i < total % 9 ? 1 : 0));
  if (sums.some((s) => s < count || s > 4 * count)) throw new Error('impossible sums');
  return { count, sums };
}

/** Finds responses (count, total) whose IKM, rounded, is exactly `ikm`. */
function sumsForIkm(ikm: number): ElementSums {
  for (let count = 1; count <= 400; count++) {
    for (let total = 9 * count; total <= 36 * count; total++) {
      // IKM = total / (9·count) × 25, compared in hundredths with exact integers.
      const hundredths = Math.floor((2 * 2500 * total + 9 * count) / (2 * 9 * count));
      if (hundredths === Math.round(ikm * 100)) return sumsWithTotal(count, total);
    }
  }
  throw new Error(`no sums for ${ikm}`);
}

describe('IKM scoring (PermenPANRB 14/2017)', () => {
  it('reproduces the worked example exactly', () => {
    const result = score(sumsFromAnswers(WORKED_EXAMPLE))!;
    expect(result.responses).toBe(6);
    expect(result.nrr.map((n) => roundHalfUp(n, 3))).toEqual([3.333, 3.167, 2.833, 3.167, 3.5, 3.667, 3.833, 3.167, 3.0]);
    expect(result.ikm).toBe(82.41);
    expect(result.mutu).toBe('B');
    expect(result.kinerja).toBe('Baik');
    expect(result.zona).toBe('hijau');
    expect(result.provisional).toBe(true);
    expect(ikm0111(sumsFromAnswers(WORKED_EXAMPLE))).toBe(82.33);
    expect(weakestElements(result)).toEqual([
      { code: 'U3', nrr: 17 / 6 },
      { code: 'U9', nrr: 3 },
    ]);
  });

  it('all answers 4 give 100 (and 99.90 with the regulation’s 0.111 weight); all 1 give 25', () => {
    const best = sumsFromAnswers([[4, 4, 4, 4, 4, 4, 4, 4, 4]]);
    expect(score(best)!.ikm).toBe(100);
    expect(score(best)!.mutu).toBe('A');
    expect(ikm0111(best)).toBe(99.9);
    const worst = sumsFromAnswers([[1, 1, 1, 1, 1, 1, 1, 1, 1]]);
    expect(score(worst)!.ikm).toBe(25);
    expect(score(worst)!.mutu).toBe('D');
    expect(score(worst)!.zona).toBe('merah');
  });

  it.each([
    [64.99, 'D', 'Tidak Baik', 'merah'],
    [65.0, 'C', 'Kurang Baik', 'kuning'],
    [76.6, 'C', 'Kurang Baik', 'kuning'],
    [76.61, 'B', 'Baik', 'hijau'],
    [88.3, 'B', 'Baik', 'hijau'],
    [88.31, 'A', 'Sangat Baik', 'hijau'],
  ] as const)('IKM %s → mutu %s (%s), zona %s, from real response sums', (ikm, mutu, kinerja, zona) => {
    const sums = sumsForIkm(ikm);
    const result = score(sums)!;
    expect(result.ikm).toBe(ikm);
    expect(result.mutu).toBe(mutu);
    expect(result.kinerja).toBe(kinerja);
    expect(result.zona).toBe(zona);
    expect(mutuOf(ikm)).toBe(mutu);
    expect(kinerjaOf(mutu)).toBe(kinerja);
  });

  it('grades the rounded IKM: exactly 76.605 rounds half up to 76.61 and is a B', () => {
    // 137889 / (9 × 5000) × 25 = 76.605 exactly; binary floating point would round it down.
    const sums = sumsWithTotal(5000, 137_889);
    const result = score(sums)!;
    expect(result.ikm).toBe(76.61);
    expect(result.mutu).toBe('B');
    // 158949 / 45000 × 25 = 88.305 exactly → 88.31 → A; 117000 / 45000 × 25 = 65 → C.
    expect(score(sumsWithTotal(5000, 158_949))!.mutu).toBe('A');
    expect(score(sumsWithTotal(5000, 117_000))!.ikm).toBe(65);
    // Just below: 64.995 - ε stays D. 116_991 / 45000 × 25 = 64.995 → 65.00 (C); 116_990 → 64.99 (D).
    expect(score(sumsWithTotal(5000, 116_991))!.mutu).toBe('C');
    expect(score(sumsWithTotal(5000, 116_990))!.mutu).toBe('D');
  });

  it('Ombudsman 2021 preset: hijau from 81.00, kuning from 51.00', () => {
    const zones = ZONE_PRESETS.ombudsman2021;
    expect(zonaOf(80.99, zones)).toBe('kuning');
    expect(zonaOf(81.0, zones)).toBe('hijau');
    expect(zonaOf(51.0, zones)).toBe('kuning');
    expect(zonaOf(50.99, zones)).toBe('merah');
    const result = score(sumsForIkm(80.99), { ...DEFAULT_SCORE_CONFIG, zones })!;
    expect(result.zona).toBe('kuning');
    expect(result.mutu).toBe('B');
  });

  it('an empty scope has no score, never zero', () => {
    expect(score(emptySums())).toBeNull();
    expect(ikm0111(emptySums())).toBeNull();
  });

  it('is provisional below the minimum count (default 30)', () => {
    const row = [3, 3, 3, 3, 3, 3, 3, 3, 3];
    expect(score(sumsFromAnswers(Array.from({ length: 29 }, () => row)))!.provisional).toBe(true);
    expect(score(sumsFromAnswers(Array.from({ length: 30 }, () => row)))!.provisional).toBe(false);
    expect(score(sumsFromAnswers([row]), { ...DEFAULT_SCORE_CONFIG, minResponses: 1 })!.provisional).toBe(false);
  });

  it('merging sums equals scoring all rows together', () => {
    const a = sumsFromAnswers(WORKED_EXAMPLE.slice(0, 2));
    const b = sumsFromAnswers(WORKED_EXAMPLE.slice(2));
    expect(score(mergeSums(a, b))).toEqual(score(sumsFromAnswers(WORKED_EXAMPLE)));
  });

  it('rejects answers outside 1–4 or of the wrong length', () => {
    expect(() => sumsFromAnswers([[4, 3, 3, 2, 4, 4, 4, 3]])).toThrow(RangeError);
    expect(() => sumsFromAnswers([[5, 3, 3, 2, 4, 4, 4, 3, 3]])).toThrow(RangeError);
    expect(() => sumsFromAnswers([[0, 3, 3, 2, 4, 4, 4, 3, 3]])).toThrow(RangeError);
    expect(() => sumsFromAnswers([[2.5, 3, 3, 2, 4, 4, 4, 3, 3]])).toThrow(RangeError);
  });

  it('rounds half up without binary surprises', () => {
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(82.405, 2)).toBe(82.41);
    expect(roundHalfUp(3.1665, 3)).toBe(3.167);
    expect(roundHalfUp(2.5, 0)).toBe(3);
  });
});

describe('target sample (Krejcie & Morgan)', () => {
  it.each([
    [0, 0],
    [10, 10],
    [100, 80],
    [1000, 278],
    [10_000, 370],
    [1_000_000, 384],
    [Number.POSITIVE_INFINITY, 384],
  ])('N = %s → %s', (population, expected) => {
    expect(targetSample(population)).toBe(expected);
  });

  // Values where rounding up (ceil) or down (floor) instead of to the nearest gives another answer.
  it.each([
    [50, 44], // 44.34: ceil would ask for 45
    [15, 14],
    [60, 52],
    [25, 24], // 23.53: floor would ask for 23
    [210, 136],
    [1, 1],
  ])('N = %s → %s (to the nearest respondent, not up or down)', (population, expected) => {
    expect(targetSample(population)).toBe(expected);
  });

  it('reproduces every entry of the published Krejcie & Morgan (1970) table', () => {
    // Table 1 of Krejcie & Morgan, "Determining sample size for research activities" (1970).
    const TABLE: Record<number, number> = {
      10: 10,
      15: 14,
      20: 19,
      25: 24,
      30: 28,
      35: 32,
      40: 36,
      45: 40,
      50: 44,
      55: 48,
      60: 52,
      65: 56,
      70: 59,
      75: 63,
      80: 66,
      85: 70,
      90: 73,
      95: 76,
      100: 80,
      110: 86,
      120: 92,
      130: 97,
      140: 103,
      150: 108,
      160: 113,
      170: 118,
      180: 123,
      190: 127,
      200: 132,
      210: 136,
      220: 140,
      230: 144,
      240: 148,
      250: 152,
      260: 155,
      270: 159,
      280: 162,
      290: 165,
      300: 169,
      320: 175,
      340: 181,
      360: 186,
      380: 191,
      400: 196,
      420: 201,
      440: 205,
      460: 210,
      480: 214,
      500: 217,
      550: 226,
      600: 234,
      650: 242,
      700: 248,
      750: 254,
      800: 260,
      850: 265,
      900: 269,
      950: 274,
      1000: 278,
      1100: 285,
      1200: 291,
      1300: 297,
      1400: 302,
      1500: 306,
      1600: 310,
      1700: 313,
      1800: 317,
      1900: 320,
      2000: 322,
      2200: 327,
      2400: 331,
      2600: 335,
      2800: 338,
      3000: 341,
      3500: 346,
      4000: 351,
      4500: 354,
      5000: 357,
      6000: 361,
      7000: 364,
      8000: 367,
      9000: 368,
      10000: 370,
      15000: 375,
      20000: 377,
      30000: 379,
      40000: 380,
      50000: 381,
      75000: 382,
      1000000: 384,
    };
    const entries = Object.entries(TABLE).map(([n, s]) => [Number(n), s] as const);
    expect(entries).toHaveLength(90);
    const wrong = entries.filter(([n, s]) => targetSample(n) !== s).map(([n, s]) => `N=${n}: ${targetSample(n)} ≠ ${s}`);
    expect(wrong).toEqual([]);
  });

  it('rejects a negative or fractional population', () => {
    expect(() => targetSample(-1)).toThrow(RangeError);
    expect(() => targetSample(2.5)).toThrow(RangeError);
    expect(() => targetSample(Number.NaN)).toThrow(RangeError);
  });
});

describe('the nine elements, defined once', () => {
  it('codes, columns and the default wording line up, and the default passes the questionnaire check', () => {
    expect(ELEMENT_CODES).toHaveLength(9);
    expect(ELEMENT_COLUMNS).toEqual(ELEMENT_CODES.map((c) => c.toLowerCase()));
    expect(ELEMENT_SUM_COLUMNS).toEqual(ELEMENT_CODES.map((c) => c.replace('U', 's')));
    expect(DEFAULT_ELEMENTS.map((e) => e.code)).toEqual([...ELEMENT_CODES]);
    expect(questionnaireSchema.parse(DEFAULT_QUESTIONNAIRE).elements.map((e) => e.code)).toEqual([...ELEMENT_CODES]);
    expect(defaultElementName('U1')).toEqual({ id: 'Persyaratan', en: 'Requirements' });
    expect(answersOf({ u1: 1, u2: 2, u3: 3, u4: 4, u5: 1, u6: 2, u7: 3, u8: 4, u9: 1 })).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1]);
    expect(columnsOf([1, 2, 3, 4, 1, 2, 3, 4, 1])).toEqual({ u1: 1, u2: 2, u3: 3, u4: 4, u5: 1, u6: 2, u7: 3, u8: 4, u9: 1 });
    expect(() => columnsOf([4, 4, 4])).toThrow('got 3');
  });

  it('a stored questionnaire with its elements out of order or one missing is refused', () => {
    const swapped = {
      ...DEFAULT_QUESTIONNAIRE,
      elements: [DEFAULT_QUESTIONNAIRE.elements[1]!, DEFAULT_QUESTIONNAIRE.elements[0]!, ...DEFAULT_QUESTIONNAIRE.elements.slice(2)],
    };
    expect(questionnaireSchema.safeParse(swapped).success).toBe(false);
    expect(questionnaireSchema.safeParse({ ...DEFAULT_QUESTIONNAIRE, elements: DEFAULT_QUESTIONNAIRE.elements.slice(1) }).success).toBe(false);
  });
});

describe('scoring at its edges', () => {
  it('rounds negatives away from zero and leaves non-finite values alone', () => {
    expect(roundHalfUp(-1.005, 2)).toBe(-1.01);
    expect(roundHalfUp(-0.004, 2)).toBe(0);
    expect(roundHalfUp(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(roundHalfUp(Number.NaN, 2)).toBeNaN();
  });

  it('one NRR value on the IKM scale', () => {
    expect(nrrToIkm(3.456)).toBe(86.4);
    expect(nrrToIkm(1)).toBe(25);
    expect(nrrToIkm(3.0002)).toBe(75.01);
  });

  it('refuses sums without nine elements and an answer out of range, saying what it got', () => {
    expect(() => score({ count: 3, sums: [9, 9, 9, 9, 9, 9, 9, 9] })).toThrow('sums must have nine elements');
    expect(() => sumsFromAnswers([[1, 2, 3, 4, 5, 1, 2, 3, 4]])).toThrow('got [1, 2, 3, 4, 5, 1, 2, 3, 4]');
    expect(() => targetSample(-1)).toThrow('got -1');
  });

  it('the weakest elements of equal scores are listed in element order', () => {
    const even = score(sumsFromAnswers([[3, 3, 3, 3, 3, 3, 3, 3, 3]]))!;
    expect(weakestElements(even, 3).map((e) => e.code)).toEqual(['U1', 'U2', 'U3']);
    const tie = score(sumsFromAnswers([[4, 4, 4, 4, 2, 4, 4, 2, 4]]))!;
    expect(weakestElements(tie).map((e) => e.code)).toEqual(['U5', 'U8']);
  });
});
