// IKM trend chart as a PNG, for the /tren chat command and the weekly summary to officials:
// one line per series (unit or agency) over periods, drawn over the merah/kuning/hijau zone bands.
// The vega-lite spec is built by a pure function; rendering is vega (SVG, headless) then resvg
// (PNG) with the bundled DejaVu font, all offline.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY, chartFontFiles, textWidth, useChartFontMetrics } from './fonts.js';

export interface TrendPoint {
  /** Period label, e.g. '2026-W45' or '2026-11'. */
  period: string;
  /** IKM on the 25–100 scale; null when the period had no responses (a gap, not 0). */
  ikm: number | null;
}

export interface TrendSeries {
  label: string;
  points: TrendPoint[];
}

export interface TrendOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  zones: { hijauMin: number; kuningMin: number };
  /** Output image width in pixels (default 1000). */
  width?: number;
  /** Output image height in pixels (default 500). */
  height?: number;
}

export const IKM_MIN = 25;
export const IKM_MAX = 100;

/** Band fills; drawn with BAND_OPACITY over white, so the lines stay the strongest colours. */
export const ZONE_COLORS = { merah: '#e53935', kuning: '#fdd835', hijau: '#43a047' } as const;
export const BAND_OPACITY = 0.18;

/**
 * Line colours, repeated past the tenth series. Kept away from red, yellow and green so that no
 * line hides in a band.
 */
export const SERIES_COLORS = ['#1f4e9c', '#e65100', '#7b1fa2', '#00838f', '#c2185b', '#6d4c41', '#0288d1', '#5c6bc0', '#455a64', '#ec407a'] as const;

const DEFAULT_WIDTH = 1000;
const DEFAULT_HEIGHT = 500;
const PADDING = 16;

const periodOrder = new Intl.Collator('en', { numeric: true });

function checkSize(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 200 || value > 4000) {
    throw new RangeError(`${name} must be a whole number of pixels between 200 and 4000, got ${value}`);
  }
  return value;
}

/** Labels name the lines in the legend; two equal labels would merge two lines into one. */
function uniqueLabels(series: TrendSeries[]): string[] {
  const seen = new Map<string, number>();
  return series.map((s) => {
    const n = (seen.get(s.label) ?? 0) + 1;
    seen.set(s.label, n);
    return n === 1 ? s.label : `${s.label} (${n})`;
  });
}

const LEGEND_FONT_SIZE = 16;
/** Line symbol, its gap to the label, and the gap to the next column. */
const LEGEND_ITEM_EXTRA = 28 + 6 + 18;
const LEGEND_ROW_HEIGHT = 26;

/**
 * Legend under the plot. As many columns as the measured labels allow, but at least enough that
 * the legend takes no more than about a fifth of the image; labels that then do not fit their
 * column end in an ellipsis.
 */
function legendLayout(labels: string[], width: number, height: number) {
  const available = width - 2 * PADDING - 60;
  const widest = Math.max(...labels.map((l) => textWidth(l, LEGEND_FONT_SIZE)));
  const fitting = Math.floor(available / (widest + LEGEND_ITEM_EXTRA));
  const maxRows = Math.max(1, Math.floor((height * 0.2) / LEGEND_ROW_HEIGHT));
  const columns = Math.max(1, Math.min(labels.length, 6, Math.max(Math.min(fitting, 4), Math.ceil(labels.length / maxRows))));
  return {
    title: null,
    orient: 'bottom',
    direction: 'horizontal',
    columns,
    labelLimit: Math.floor(available / columns) - LEGEND_ITEM_EXTRA,
    labelFontSize: LEGEND_FONT_SIZE,
    columnPadding: 18,
    rowPadding: 4,
    // A short line in the series' colour, as drawn in the plot.
    symbolType: 'stroke',
    symbolSize: 500,
    symbolStrokeWidth: 4,
  } as const;
}

/**
 * The vega-lite spec of the chart. Pure: same input, same spec (the legend layout reads the
 * bundled font's character widths, once per process). Periods are placed in natural
 * order (so '2026-W9' comes before '2026-W10'), and every period any series mentions gets a slot
 * on the x axis even when all its values are null.
 */
export function trendSpec(series: TrendSeries[], options: TrendOptions): TopLevelSpec {
  const width = checkSize('width', options.width ?? DEFAULT_WIDTH);
  const height = checkSize('height', options.height ?? DEFAULT_HEIGHT);
  const { hijauMin, kuningMin } = options.zones;
  if (!(IKM_MIN <= kuningMin && kuningMin <= hijauMin && hijauMin <= IKM_MAX)) {
    throw new RangeError(`zones must satisfy ${IKM_MIN} ≤ kuningMin ≤ hijauMin ≤ ${IKM_MAX}, got kuningMin ${kuningMin}, hijauMin ${hijauMin}`);
  }

  const labels = uniqueLabels(series);
  const rows: { series: string; period: string; ikm: number | null }[] = [];
  const periods = new Set<string>();
  series.forEach((s, i) => {
    const label = labels[i] ?? s.label;
    for (const p of s.points) {
      periods.add(p.period);
      // Anything that is not a finite number is "no data": a gap in the line.
      const ikm = p.ikm !== null && Number.isFinite(p.ikm) ? p.ikm : null;
      rows.push({ series: label, period: p.period, ikm });
    }
  });
  const periodDomain = [...periods].sort(periodOrder.compare);

  const bands = [
    { zona: 'merah', from: IKM_MIN, to: kuningMin },
    { zona: 'kuning', from: kuningMin, to: hijauMin },
    { zona: 'hijau', from: hijauMin, to: IKM_MAX },
  ].filter((b) => b.to > b.from);

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    // The whole image, title and legend included, is width × height pixels.
    autosize: { type: 'fit', contains: 'padding' },
    padding: PADDING,
    background: 'white',
    ...(options.title === '' ? {} : { title: { text: options.title, fontSize: 24, anchor: 'start', offset: 12, limit: width - 2 * PADDING } }),
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', opacity: BAND_OPACITY },
        encoding: {
          y: { field: 'from', type: 'quantitative', scale: { domain: [IKM_MIN, IKM_MAX], nice: false, zero: false } },
          y2: { field: 'to' },
          color: {
            field: 'zona',
            type: 'nominal',
            scale: { domain: ['merah', 'kuning', 'hijau'], range: [ZONE_COLORS.merah, ZONE_COLORS.kuning, ZONE_COLORS.hijau] },
            legend: null,
          },
        },
      },
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'line', strokeWidth: 3, invalid: 'break-paths-show-domains' },
          },
          {
            mark: { type: 'point', filled: true, size: 90, opacity: 1 },
          },
        ],
        encoding: {
          x: {
            field: 'period',
            type: 'ordinal',
            title: options.xTitle,
            scale: { domain: periodDomain, paddingOuter: 0.3 },
            // Horizontal labels, thinned by vega when they would overlap: rotated ones eat the plot.
            axis: { labelAngle: 0, labelOverlap: true, labelPadding: 6 },
          },
          y: {
            field: 'ikm',
            type: 'quantitative',
            title: options.yTitle,
            scale: { domain: [IKM_MIN, IKM_MAX], nice: false, zero: false, clamp: true },
            axis: { values: [25, 40, 55, 70, 85, 100], grid: true },
          },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: labels, range: [...SERIES_COLORS] },
            legend: labels.length === 0 ? null : legendLayout(labels, width, height),
          },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
    config: {
      font: CHART_FONT_FAMILY,
      view: { stroke: '#9e9e9e' },
      axis: { labelFontSize: 15, titleFontSize: 17, titlePadding: 10, labelColor: '#212121', titleColor: '#212121' },
    },
  };
}

/** Renders the chart to a PNG of exactly width × height pixels (defaults 1000 × 500). */
export async function renderTrendPng(series: TrendSeries[], options: TrendOptions): Promise<Buffer> {
  useChartFontMetrics();
  const spec = trendSpec(series, options);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const resvg = new Resvg(svg, {
      font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
      background: 'white',
    });
    return resvg.render().asPng();
  } finally {
    view.finalize();
  }
}
