// What the public pages show, read from the database: the agency report (src/reports/agency-report.ts,
// the one model /skor, the exports and `skm report` use) computed from the daily pre-aggregate, a
// trend, and the suggestions an official approved. Only agencies with public scores are found; no
// row here carries anything about a respondent but an approved suggestion's text and local date.
import type { Db } from '../db/client.js';
import type { Agency, ServiceUnit } from '../generated/prisma/client.js';
import { type AgencyReport, agencyReportOf, pooledFigures } from '../reports/agency-report.js';
import { daySumsByPeriod, daySumsByUnit } from '../reports/day-sums.js';
import type { UnitReport } from '../reports/unit-report.js';
import { scoreConfigOf } from '../reports/unit-report.js';
import { type Period, type PeriodKind, localDateString, parsePeriod, periodOf, periodRange, previousPeriod } from '../scoring/index.js';

export type PublicPeriodKind = Extract<PeriodKind, 'month' | 'semester' | 'year'>;
export const PUBLIC_PERIOD_KINDS: readonly PublicPeriodKind[] = ['month', 'semester', 'year'];

/** How many periods the trend shows, ending with the one on the page. */
const TREND_LENGTH: Record<PublicPeriodKind, number> = { month: 12, semester: 6, year: 5 };

export interface TrendPoint {
  period: Period;
  ikm: number | null;
  responses: number;
}

export interface ApprovedSuggestion {
  unit: string;
  unitName: string;
  /** The local date it was written (YYYY-MM-DD), nothing finer. */
  day: string;
  text: string;
}

export interface AgencySummary {
  code: string;
  name: string;
  units: number;
}

type AgencyRow = Agency & { units: ServiceUnit[] };

export interface AgencyPage {
  agency: AgencyRow;
  period: Period;
  report: AgencyReport;
  trend: TrendPoint[];
  suggestions: ApprovedSuggestion[];
}

export interface UnitPage extends AgencyPage {
  unit: UnitReport;
  /** The element with the lowest NRR (first in U1..U9 order on a tie); null without responses. */
  weakest: string | null;
}

/**
 * A period a page may show: the current month, semester or year (by kind), or one named by its
 * label (2026-11, 2026-S2, 2026). Null for anything else.
 */
export function publicPeriod(choice: string | undefined, now: Date, timeZone: string): Period | null {
  const value = (choice ?? 'month').trim();
  if ((PUBLIC_PERIOD_KINDS as readonly string[]).includes(value)) return periodOf(value as PublicPeriodKind, now, timeZone);
  const period = parsePeriod(value);
  return period && (PUBLIC_PERIOD_KINDS as readonly string[]).includes(period.kind) ? period : null;
}

export class PublicData {
  constructor(private readonly db: Db) {}

  /** Agencies that publish, by name, with their active units counted. */
  async agencies(): Promise<AgencySummary[]> {
    const rows = await this.db.agency.findMany({
      where: { publicScores: true },
      orderBy: { name: 'asc' },
      select: { code: true, name: true, _count: { select: { units: { where: { active: true } } } } },
    });
    return rows.map((r) => ({ code: r.code, name: r.name, units: r._count.units }));
  }

  /** A publishing agency with its units; null when unknown or not public (both read as not found). */
  async agency(code: string): Promise<AgencyRow | null> {
    const agency = await this.db.agency.findUnique({ where: { code: code.toUpperCase() }, include: { units: true } });
    return agency?.publicScores ? agency : null;
  }

  async agencyPage(agency: AgencyRow, period: Period, suggestionLimit = 10): Promise<AgencyPage> {
    const unitIds = agency.units.map((u) => u.id);
    const [sums, trend, suggestions] = await Promise.all([
      daySumsByUnit(this.db, unitIds, period, agency.timeZone),
      this.trend(agency, unitIds, period),
      this.suggestions(agency, unitIds, period, suggestionLimit),
    ]);
    const report = agencyReportOf(agency, period, periodRange(period, agency.timeZone), sums);
    return { agency, period, report, trend, suggestions };
  }

  /** The unit's page (its report is the one inside the agency report); null for an unknown or inactive-and-silent unit. */
  async unitPage(agency: AgencyRow, unitCode: string, period: Period): Promise<UnitPage | null> {
    const row = agency.units.find((u) => u.code === unitCode.toUpperCase());
    if (!row) return null;
    const [sums, trend, suggestions] = await Promise.all([
      daySumsByUnit(this.db, [row.id], period, agency.timeZone),
      this.trend(agency, [row.id], period),
      this.suggestions(agency, [row.id], period, 20),
    ]);
    const report = agencyReportOf(agency, period, periodRange(period, agency.timeZone), sums, { unitIds: [row.id] });
    const unit = report.units[0];
    if (!unit) return null;
    const scored = unit.unsur.filter((u) => u.nrr !== null);
    const weakest = scored.length === 0 ? null : scored.reduce((a, b) => (b.nrr! < a.nrr! ? b : a)).code;
    return { agency, period, report, trend, suggestions, unit, weakest };
  }

  private async trend(agency: AgencyRow, unitIds: number[], period: Period): Promise<TrendPoint[]> {
    const periods = [period];
    while (periods.length < TREND_LENGTH[period.kind as PublicPeriodKind]) periods.unshift(previousPeriod(periods[0]!));
    const sums = await daySumsByPeriod(this.db, unitIds, periods, agency.timeZone);
    const config = scoreConfigOf(agency);
    return periods.map((p, i) => {
      const figures = pooledFigures([sums[i]!], config);
      return { period: p, ikm: figures.ikm, responses: figures.responses };
    });
  }

  /** Approved suggestions of the period, newest first. Unreviewed and hidden ones are never read. */
  private async suggestions(agency: AgencyRow, unitIds: number[], period: Period, limit: number): Promise<ApprovedSuggestion[]> {
    if (limit <= 0) return [];
    const range = periodRange(period, agency.timeZone);
    const rows = await this.db.response.findMany({
      where: {
        unitId: { in: unitIds },
        suggestionState: 'approved',
        suggestion: { not: null },
        submittedAt: { gte: range.start, lt: range.end },
      },
      orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { unitId: true, submittedAt: true, suggestion: true },
    });
    const units = new Map(agency.units.map((u) => [u.id, u]));
    return rows.map((r) => ({
      unit: units.get(r.unitId)?.code ?? '',
      unitName: units.get(r.unitId)?.name ?? '',
      day: localDateString(r.submittedAt, agency.timeZone),
      text: r.suggestion!.replace(/\s+/g, ' ').trim(),
    }));
  }
}
