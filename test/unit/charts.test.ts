import fs from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { chartFontFiles, textWidth } from '../../src/charts/fonts.js';
import { BAND_OPACITY, SERIES_COLORS, ZONE_COLORS, renderTrendPng, trendSpec, type TrendOptions, type TrendSeries } from '../../src/charts/trend.js';

const OPTIONS: TrendOptions = {
  title: 'IKM per unit',
  xTitle: 'Pekan',
  yTitle: 'IKM',
  zones: { hijauMin: 76.61, kuningMin: 65 },
};

const weeks = (values: (number | null)[], first = 40) => values.map((ikm, i) => ({ period: `2026-W${first + i}`, ikm }));

const TWO_UNITS: TrendSeries[] = [
  { label: 'Dukcapil', points: weeks([70, 72.5, 78, 81, 80]) },
  { label: 'Perizinan', points: weeks([55, 60, 64, 66, 69]) },
];

type Rgb = [number, number, number];

const hex = (color: string): Rgb => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as Rgb;
/** The colour of a band over the white background. */
const band = (color: string): Rgb => hex(color).map((c) => Math.round(255 * (1 - BAND_OPACITY) + c * BAND_OPACITY)) as Rgb;

interface Image {
  width: number;
  height: number;
  count: (match: (r: number, g: number, b: number, y: number) => boolean) => number;
}

function decode(png: Buffer): Image {
  const image = PNG.sync.read(png);
  return {
    width: image.width,
    height: image.height,
    count(match) {
      let n = 0;
      for (let i = 0; i < image.data.length; i += 4) {
        if (match(image.data[i] ?? 0, image.data[i + 1] ?? 0, image.data[i + 2] ?? 0, Math.floor(i / 4 / image.width))) n++;
      }
      return n;
    },
  };
}

const near = (target: Rgb, tolerance: number) => (r: number, g: number, b: number) =>
  Math.abs(r - target[0]) <= tolerance && Math.abs(g - target[1]) <= tolerance && Math.abs(b - target[2]) <= tolerance;
const nonWhite = (r: number, g: number, b: number) => r < 245 || g < 245 || b < 245;
const dark = (r: number, g: number, b: number) => r < 80 && g < 80 && b < 80;

describe('trend chart PNG', () => {
  it('is a PNG of the requested size', async () => {
    const png = await renderTrendPng(TWO_UNITS, OPTIONS);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(1000);
    expect(png.readUInt32BE(20)).toBe(500);
    const image = decode(png);
    expect([image.width, image.height]).toEqual([1000, 500]);

    const small = decode(await renderTrendPng(TWO_UNITS, { ...OPTIONS, width: 640, height: 360 }));
    expect([small.width, small.height]).toEqual([640, 360]);
  });

  it('draws the zone bands and a line in each series colour', async () => {
    const image = decode(await renderTrendPng(TWO_UNITS, OPTIONS));
    const total = image.width * image.height;
    // Bands fill most of the plot: far from a blank image.
    expect(image.count(nonWhite)).toBeGreaterThan(total * 0.5);
    for (const zone of [ZONE_COLORS.merah, ZONE_COLORS.kuning, ZONE_COLORS.hijau]) {
      expect(image.count(near(band(zone), 3)), zone).toBeGreaterThan(10_000);
    }
    for (const line of SERIES_COLORS.slice(0, 2)) {
      expect(image.count(near(hex(line), 8)), line).toBeGreaterThan(500);
    }
    // A third colour is not used by two series.
    expect(image.count(near(hex(SERIES_COLORS[2]), 8))).toBe(0);
  });

  it('leaves a gap where a period has no responses instead of dropping to zero', async () => {
    const lineColour = near(hex(SERIES_COLORS[0]), 8);
    const render = async (values: (number | null)[]) =>
      decode(await renderTrendPng([{ label: 'Dukcapil', points: weeks(values) }], OPTIONS)).count(lineColour);
    const connected = await render([80, 80, 80, 80, 80]);
    const withGaps = await render([80, 80, null, 80, null]);
    const asZero = await render([80, 80, 25, 80, 25]);
    expect(withGaps).toBeGreaterThan(300);
    // Two of the four segments and two points are gone; a line down to the floor would add ink.
    expect(withGaps).toBeLessThan(connected * 0.75);
    expect(asZero).toBeGreaterThan(connected);
  });

  it('renders its text with the bundled font', async () => {
    const withTitle = decode(await renderTrendPng(TWO_UNITS, OPTIONS));
    const withoutTitle = decode(await renderTrendPng(TWO_UNITS, { ...OPTIONS, title: '' }));
    // The title is the only text in the top rows; without it the plot starts higher.
    const titleInk = withTitle.count((r, g, b, y) => y < 45 && dark(r, g, b));
    expect(titleInk).toBeGreaterThan(400);
    expect(withoutTitle.count((r, g, b, y) => y < 12 && dark(r, g, b))).toBe(0);
    expect(withTitle.count(dark)).toBeGreaterThan(withoutTitle.count(dark) + 400);
  });

  it('an empty series list still shows the bands and axes', async () => {
    const image = decode(await renderTrendPng([], { ...OPTIONS, title: 'Belum ada data' }));
    expect([image.width, image.height]).toEqual([1000, 500]);
    for (const zone of [ZONE_COLORS.merah, ZONE_COLORS.kuning, ZONE_COLORS.hijau]) {
      expect(image.count(near(band(zone), 3)), zone).toBeGreaterThan(10_000);
    }
    for (const line of SERIES_COLORS) expect(image.count(near(hex(line), 8)), line).toBe(0);
    // Axis labels and titles.
    expect(image.count(dark)).toBeGreaterThan(1000);
  });

  it('a series of only nulls and values off the scale render without throwing', async () => {
    const png = await renderTrendPng(
      [
        { label: 'Tanpa data', points: weeks([null, null, null]) },
        { label: 'Ekstrem', points: weeks([Number.NaN, 120, 10]) },
      ],
      OPTIONS,
    );
    expect(decode(png).width).toBe(1000);
  });
});

describe('trend spec', () => {
  it('puts periods in natural order and keeps periods where every value is null', () => {
    const spec = trendSpec(
      [
        {
          label: 'A',
          points: [
            { period: '2026-W10', ikm: 70 },
            { period: '2026-W9', ikm: 71 },
          ],
        },
        {
          label: 'B',
          points: [
            { period: '2026-W8', ikm: null },
            { period: '2026-W11', ikm: 72 },
          ],
        },
      ],
      OPTIONS,
    );
    const json = JSON.stringify(spec);
    expect(json).toContain('"domain":["2026-W8","2026-W9","2026-W10","2026-W11"]');
    expect(json).toContain('{"series":"B","period":"2026-W8","ikm":null}');
    expect(json).toContain('"invalid":"break-paths-show-domains"');
    expect(json).toContain('"font":"DejaVu Sans"');
    expect(json).toContain('"domain":[25,100]');
  });

  it('draws the bands from the zone thresholds', () => {
    const json = JSON.stringify(trendSpec([], { ...OPTIONS, zones: { hijauMin: 81, kuningMin: 51 } }));
    expect(json).toContain('"values":[{"zona":"merah","from":25,"to":51},{"zona":"kuning","from":51,"to":81},{"zona":"hijau","from":81,"to":100}]');
  });

  it('keeps two series with the same label apart', () => {
    const json = JSON.stringify(
      trendSpec(
        [
          { label: 'Loket', points: weeks([70]) },
          { label: 'Loket', points: weeks([80]) },
        ],
        OPTIONS,
      ),
    );
    expect(json).toContain('"domain":["Loket","Loket (2)"]');
  });

  it('rejects impossible zones and sizes', () => {
    expect(() => trendSpec([], { ...OPTIONS, zones: { hijauMin: 60, kuningMin: 70 } })).toThrow(RangeError);
    expect(() => trendSpec([], { ...OPTIONS, zones: { hijauMin: 101, kuningMin: 70 } })).toThrow(RangeError);
    expect(() => trendSpec([], { ...OPTIONS, width: 0 })).toThrow(RangeError);
    expect(() => trendSpec([], { ...OPTIONS, height: 99.5 })).toThrow(RangeError);
  });
});

describe('chart font', () => {
  it('ships DejaVu Sans and measures text with its real widths', () => {
    for (const file of chartFontFiles()) expect(fs.statSync(file).size).toBeGreaterThan(100_000);
    // DejaVu Sans advance widths: 'i' 569 and 'W' 2025 units of 2048 per em.
    expect(textWidth('i', 2048)).toBe(569);
    expect(textWidth('W', 2048)).toBe(2025);
    expect(textWidth('IKM', 20, true)).toBeGreaterThan(textWidth('IKM', 20));
    expect(textWidth('', 20)).toBe(0);
  });
});
