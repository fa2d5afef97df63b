// The weekly summary's chart: IKM per unit over the eight weeks up to the summary's week, over the
// zone bands, as a PNG with its caption. vega loads only when a chart is drawn.
import type { TrendOptions, TrendSeries } from '../../charts/trend.js';
import { type Period, periodRange } from '../../scoring/index.js';
import type { Locale, Translate } from '../../survey/types.js';
import { type Say, dateSpan, unitsInScope } from './compose.js';
import type { AgencySummary } from './load.js';

/** Lines on one chart; a larger scope shows its worst units (by the week's IKM). */
export const CHART_MAX_UNITS = 8;
export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 560;

export type RenderTrend = (series: TrendSeries[], options: TrendOptions) => Promise<Buffer>;

/** The default renderer, imported on first use so that vega loads only when a chart is drawn. */
const renderTrendPngLazily: RenderTrend = async (series, options) => (await import('../../charts/trend.js')).renderTrendPng(series, options);

/**
 * Week labels for the x axis: "W40" … "W47", or "2026-W52", "2027-W01" when the eight weeks cross
 * a year. The chart places labels in natural sort order, which a day-month label ("2 Nov" before
 * "26 Okt") would scramble; the axis title ties the last label to its dates instead.
 */
export function weekAxisLabels(weeks: Period[]): string[] {
  const oneYear = weeks.every((w) => w.year === weeks[0]!.year);
  return weeks.map((w) => (oneYear ? w.label.slice(w.label.indexOf('-') + 1) : w.label));
}

/**
 * IKM per unit over the eight weeks up to the summary's week, over the zone bands: at most
 * CHART_MAX_UNITS lines, the worst of the week first. Null when no unit of the scope had a
 * response in those weeks.
 */
export async function summaryChart(
  data: AgencySummary,
  unitIds: number[] | 'all',
  locale: Locale,
  t: Translate,
  render: RenderTrend = renderTrendPngLazily,
): Promise<{ png: Buffer; caption: string } | null> {
  const say: Say = (key, params) => t(locale, key, params);
  const scope = unitsInScope(data, unitIds);
  const withData = scope.filter((u) => u.trend.some((ikm) => ikm !== null));
  if (withData.length === 0) return null;
  const shown = withData.slice(0, CHART_MAX_UNITS);
  const labels = weekAxisLabels(data.trendWeeks);
  const tz = data.agency.timeZone;
  const png = await render(
    shown.map((u) => ({ label: u.name, points: u.trend.map((ikm, i) => ({ period: labels[i]!, ikm })) })),
    {
      title: say('summary.chart.title', { agency: data.agency.name }),
      xTitle: say('summary.chart.xTitle', { label: labels[labels.length - 1]!, dates: dateSpan(data.weekRange, tz, locale) }),
      yTitle: say('summary.chart.yTitle'),
      zones: data.config.zones,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
    },
  );
  const span = { start: periodRange(data.trendWeeks[0]!, tz).start, end: data.weekRange.end };
  const caption = [say('summary.chart.caption', { agency: data.agency.name, weeks: data.trendWeeks.length, dates: dateSpan(span, tz, locale) })];
  if (withData.length > shown.length) caption.push(say('summary.chart.worst', { shown: shown.length, total: scope.length }));
  return { png, caption: caption.join(' ') };
}
