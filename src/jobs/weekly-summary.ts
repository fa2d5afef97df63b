// The officials' weekly zone summary: what the weekly-summary job (defs/weekly-summary.ts) sends.
// Which week, who receives it and when it is sent are decided there; this is the public face of the
// parts that compute and word it, split along their seams in weekly-summary/:
//  - load.ts:    the numbers (loadAgencySummary), two queries for all units and periods;
//  - compose.ts: the text one official gets for the units in their scope (composeSummary);
//  - render.ts:  the IKM chart that goes with it (summaryChart).
export {
  type AgencySummary,
  type Figures,
  type Interval,
  SUGGESTION_CHARS,
  SUGGESTIONS_PER_UNIT,
  TREND_WEEKS,
  type ToDateFigures,
  type UnitSummary,
  loadAgencySummary,
  shortSuggestion,
} from './weekly-summary/load.js';
export { SUMMARY_MESSAGE_LIMIT, composeSummary, dateSpan, unitsInScope } from './weekly-summary/compose.js';
export { CHART_HEIGHT, CHART_MAX_UNITS, CHART_WIDTH, type RenderTrend, summaryChart, weekAxisLabels } from './weekly-summary/render.js';
