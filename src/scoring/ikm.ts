// SKM scoring (PermenPANRB 14/2017): NRR per element, IKM on the 25–100 scale, mutu and kinerja,
// zones, the provisional flag, and the Krejcie–Morgan target sample. Pure functions on sums.

import { type ElementCode, ELEMENT_CODES, ELEMENT_COUNT } from './elements.js';

/** Sums of the answers (1–4) per element over `count` responses: what SQL SUM/COUNT hands over. */
export interface ElementSums {
  count: number;
  sums: number[];
}

export interface ZoneThresholds {
  /** IKM ≥ hijauMin → hijau. */
  hijauMin: number;
  /** IKM ≥ kuningMin → kuning, else merah. */
  kuningMin: number;
}

export const ZONE_PRESETS = {
  /** hijau = mutu A or B, kuning = C, merah = D. */
  permenpan: { hijauMin: 76.61, kuningMin: 65.0 },
  /** Ombudsman RI compliance zones as officials knew them until 2021. */
  ombudsman2021: { hijauMin: 81.0, kuningMin: 51.0 },
} as const satisfies Record<string, ZoneThresholds>;
export type ZonePreset = keyof typeof ZONE_PRESETS;

export interface ScoreConfig {
  minResponses: number;
  zones: ZoneThresholds;
}

export const DEFAULT_SCORE_CONFIG: ScoreConfig = { minResponses: 30, zones: ZONE_PRESETS.permenpan };

export type Mutu = 'A' | 'B' | 'C' | 'D';
export type Kinerja = 'Sangat Baik' | 'Baik' | 'Kurang Baik' | 'Tidak Baik';
export type Zona = 'hijau' | 'kuning' | 'merah';

export interface Score {
  responses: number;
  /** Unrounded mean answer per element, in ELEMENT_CODES order. */
  nrr: number[];
  /** Rounded once, half up, to 2 decimals. */
  ikm: number;
  mutu: Mutu;
  kinerja: Kinerja;
  zona: Zona;
  provisional: boolean;
}

export function emptySums(): ElementSums {
  return { count: 0, sums: ELEMENT_CODES.map(() => 0) };
}

export function sumsFromAnswers(rows: readonly (readonly number[])[]): ElementSums {
  const result = emptySums();
  for (const row of rows) {
    if (row.length !== ELEMENT_COUNT || !row.every((a) => Number.isInteger(a) && a >= 1 && a <= 4)) {
      throw new RangeError(`A response needs nine answers from 1 to 4, got [${row.join(', ')}]`);
    }
    result.count += 1;
    row.forEach((a, i) => (result.sums[i]! += a));
  }
  return result;
}

export function mergeSums(a: ElementSums, b: ElementSums): ElementSums {
  return { count: a.count + b.count, sums: a.sums.map((s, i) => s + (b.sums[i] ?? 0)) };
}

/**
 * IKM × 100 = Σsums × 2500 / (ELEMENT_COUNT × count), i.e. equal weights 1/9, exactly, rounded half up: done in BigInt so that a true
 * x.xx5 never lands on the wrong side through binary floating point.
 */
function ikmHundredths(sums: ElementSums): number {
  const total = BigInt(sums.sums.reduce((a, b) => a + b, 0));
  const numerator = total * 2500n;
  const denominator = BigInt(ELEMENT_COUNT) * BigInt(sums.count);
  // round half up of numerator/denominator (all positive): floor((2n + d) / 2d)
  return Number((2n * numerator + denominator) / (2n * denominator));
}

export function mutuOf(ikm: number): Mutu {
  if (ikm >= 88.31) return 'A';
  if (ikm >= 76.61) return 'B';
  if (ikm >= 65.0) return 'C';
  return 'D';
}

const KINERJA: Record<Mutu, Kinerja> = { A: 'Sangat Baik', B: 'Baik', C: 'Kurang Baik', D: 'Tidak Baik' };

export function kinerjaOf(mutu: Mutu): Kinerja {
  return KINERJA[mutu];
}

export function zonaOf(ikm: number, zones: ZoneThresholds = ZONE_PRESETS.permenpan): Zona {
  if (ikm >= zones.hijauMin) return 'hijau';
  if (ikm >= zones.kuningMin) return 'kuning';
  return 'merah';
}

/** IKM of a single NRR-scale value (1–4 → 25–100), rounded half up to 2 decimals. */
export function nrrToIkm(nrr: number): number {
  return roundHalfUp(nrr * 25, 2);
}

/** Null for an empty scope: no responses is "no score", never zero. */
export function score(sums: ElementSums, config: ScoreConfig = DEFAULT_SCORE_CONFIG): Score | null {
  if (sums.count <= 0) return null;
  if (sums.sums.length !== ELEMENT_COUNT) throw new RangeError('sums must have nine elements');
  const ikm = ikmHundredths(sums) / 100;
  const mutu = mutuOf(ikm);
  return {
    responses: sums.count,
    nrr: sums.sums.map((s) => s / sums.count),
    ikm,
    mutu,
    kinerja: kinerjaOf(mutu),
    zona: zonaOf(ikm, config.zones),
    provisional: sums.count < config.minResponses,
  };
}

/**
 * The regulation's worked example: each NRR rounded to 3 decimals, weighted by 0.111, summed, × 25,
 * rounded to 2 decimals. Gives 99.90 for all-4s. Offered for agencies that must match old reports.
 */
export function ikm0111(sums: ElementSums): number | null {
  if (sums.count <= 0) return null;
  // Work in thousandths of NRR (integers) to avoid floating error: NRR_i(3dp) = round(s_i*1000/n).
  const thousandths = sums.sums.map((s) => {
    const num = BigInt(s) * 1000n;
    const den = BigInt(sums.count);
    return (2n * num + den) / (2n * den);
  });
  // Σ NRR × 0.111 × 25 = Σ thousandths × 111 × 25 / 1e6 ; in hundredths: Σ × 2775 / 1e6 × 100
  const total = thousandths.reduce((a, b) => a + b, 0n) * 2775n; // value × 1e6
  const hundredths = (2n * total + 10_000n) / 20_000n; // round half up of total / 1e4
  return Number(hundredths) / 100;
}

export function weakestElements(result: Score, n = 2): { code: ElementCode; nrr: number }[] {
  return result.nrr
    .map((nrr, i) => ({ code: ELEMENT_CODES[i]!, nrr, i }))
    .sort((a, b) => a.nrr - b.nrr || a.i - b.i)
    .slice(0, n)
    .map(({ code, nrr }) => ({ code, nrr }));
}

/** Half-up rounding for display that does not trip on binary fractions (1.005 → 1.01). */
export function roundHalfUp(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const sign = value < 0 ? -1 : 1;
  const [digits, exponent] = Math.abs(value).toExponential(15).split('e') as [string, string];
  // Shift by decimal-string exponent arithmetic, not by multiplying in binary.
  const shifted = Number(`${digits}e${Number(exponent) + decimals}`);
  const rounded = Math.floor(shifted + 0.5);
  return sign * Number(`${rounded}e-${decimals}`) || 0;
}

/**
 * Krejcie & Morgan (95 % confidence, 5 % margin): s = 3.841·N·0.25 / (0.0025·(N−1) + 3.841·0.25),
 * rounded to the nearest whole respondent as in their table (N = 100 → 80, 1000 → 278, ∞ → 384).
 */
export function targetSample(populationN: number): number {
  if (Number.isNaN(populationN) || populationN < 0 || (Number.isFinite(populationN) && !Number.isInteger(populationN))) {
    throw new RangeError(`population must be a whole number ≥ 0, got ${populationN}`);
  }
  if (populationN === 0) return 0;
  if (!Number.isFinite(populationN)) return 384;
  const s = (3.841 * populationN * 0.25) / (0.0025 * (populationN - 1) + 3.841 * 0.25);
  return Math.round(s);
}
