// One agency's SKM result for one period: the agency-wide figures (IKM, mutu, kinerja, zona, the
// nine NRRs and the weakest element) and every unit's own report. This is the one place the
// agency-wide numbers are computed; /zona, the weekly summary, the exports, `skm report --agency`
// and the public pages read them from here.
//
// The agency IKM is the IKM of all the agency's responses pooled: the units' element sums are
// merged and scored once, exactly as for one unit. It is not the average of the unit IKMs, which
// would give a unit with 5 respondents the same weight as one with 500.
import type { Db } from '../db/client.js';
import type { Agency, ServiceUnit } from '../generated/prisma/client.js';
import {
  type ElementSums,
  type Kinerja,
  type Mutu,
  type Period,
  type ScoreConfig,
  type Zona,
  defaultElementName,
  emptySums,
  mergeSums,
  periodRange,
  score,
  weakestElements,
  roundHalfUp,
} from '../scoring/index.js';
import { type UnitSums, sumsByUnit } from './aggregate.js';
import { type UnitReport, type UnsurNrr, ReportError, scoreConfigOf, unitReportOf, unsurOf } from './unit-report.js';

/** The score of several units taken together. */
export interface PooledFigures {
  responses: number;
  /** Null without responses: no score, never zero. */
  ikm: number | null;
  mutu: Mutu | null;
  kinerja: Kinerja | null;
  zona: Zona | null;
  /** Fewer respondents than the agency's minimum (always true without responses). */
  provisional: boolean;
  /** The nine NRRs (3 decimals). */
  unsur: UnsurNrr[];
  /** The element with the lowest NRR (the first in U1..U9 order on a tie); null without responses. */
  weakest: UnsurNrr | null;
}

/**
 * The figures of the units' sums pooled: every response counts once, whichever unit it came from.
 * Pure; the weekly summary calls it on the sums it loads from the daily pre-aggregate.
 */
export function pooledFigures(unitSums: readonly ElementSums[], config: ScoreConfig): PooledFigures {
  const pooled = unitSums.reduce<ElementSums>((all, s) => mergeSums(all, { count: s.count, sums: s.sums }), emptySums());
  const result = score(pooled, config);
  const unsur = unsurOf(result);
  const weakest = result ? weakestElements(result, 1)[0]! : null;
  return {
    responses: pooled.count,
    ikm: result?.ikm ?? null,
    mutu: result?.mutu ?? null,
    kinerja: result?.kinerja ?? null,
    zona: result?.zona ?? null,
    provisional: result ? result.provisional : true,
    unsur,
    weakest: weakest ? { code: weakest.code, name: defaultElementName(weakest.code).id, nrr: roundHalfUp(weakest.nrr, 3) } : null,
  };
}

export interface AgencyReport extends PooledFigures {
  agency: string;
  agencyName: string;
  timeZone: string;
  period: string;
  /** The period's instants in the agency's time zone (ISO, end exclusive). */
  from: string;
  to: string;
  minResponses: number;
  /**
   * The units' Krejcie–Morgan targets added up, over the units that have a service-user figure;
   * `responses` counts the respondents of those units only, so `responses / sample` is the
   * agency's sample achievement. Null when no unit has a figure.
   */
  target: { serviceUsers: number; sample: number; responses: number } | null;
  /** Responses with an anomaly flag, and responses reporting maladministration, over all units. */
  flagged: number;
  maladminReports: number;
  /** Units per zone; `none` = units without responses in the period. */
  zoneCounts: Record<Zona | 'none', number>;
  /** Every unit's report, in code order: the active units, and inactive ones that have responses in the period. */
  units: UnitReport[];
}

type AgencyRow = Agency & { units: ServiceUnit[] };

export interface AgencyReportOptions {
  /** Only these units (a caller's scope); the figures are then those of these units pooled. */
  unitIds?: readonly number[];
}

/** The report of an agency looked up by code, for period words already parsed. */
export async function agencyReport(db: Db, agencyCode: string, period: Period, options: AgencyReportOptions = {}): Promise<AgencyReport> {
  const agency = await db.agency.findUnique({ where: { code: agencyCode.trim().toUpperCase() }, include: { units: true } });
  if (!agency) throw new ReportError(`Agency "${agencyCode.trim().toUpperCase()}" does not exist.`);
  return reportForAgency(db, agency, period, options);
}

/** The report of an agency already looked up (with its units), in one query for all its units. */
export async function reportForAgency(db: Db, agency: AgencyRow, period: Period, options: AgencyReportOptions = {}): Promise<AgencyReport> {
  const range = periodRange(period, agency.timeZone);
  const wanted = options.unitIds ? new Set(options.unitIds) : null;
  const candidates = agency.units.filter((u) => wanted === null || wanted.has(u.id));
  const sums = await sumsByUnit(
    db,
    candidates.map((u) => u.id),
    range.start,
    range.end,
  );
  return agencyReportOf(agency, period, range, sums, options);
}

const NO_SUMS: UnitSums = { ...emptySums(), flagged: 0, maladminReports: 0 };

/**
 * The agency report from the units' sums over `range` (the period in the agency's time zone).
 * Pure. Inactive units without responses in the period are left out; their history stays theirs.
 */
export function agencyReportOf(
  agency: AgencyRow,
  period: Period,
  range: { start: Date; end: Date },
  sums: ReadonlyMap<number, UnitSums>,
  options: AgencyReportOptions = {},
): AgencyReport {
  const config = scoreConfigOf(agency);
  const wanted = options.unitIds ? new Set(options.unitIds) : null;
  const rows = agency.units
    .filter((u) => wanted === null || wanted.has(u.id))
    .filter((u) => u.active || (sums.get(u.id)?.count ?? 0) > 0)
    .sort((a, b) => a.code.localeCompare(b.code));
  const unitSums = rows.map((u) => sums.get(u.id) ?? NO_SUMS);
  const units = rows.map((u, i) => unitReportOf({ ...u, agency }, period, range, unitSums[i]!));
  const withTarget = units.filter((u) => u.target !== null);
  const zoneCounts: AgencyReport['zoneCounts'] = { hijau: 0, kuning: 0, merah: 0, none: 0 };
  for (const u of units) zoneCounts[u.zona ?? 'none'] += 1;
  return {
    agency: agency.code,
    agencyName: agency.name,
    timeZone: agency.timeZone,
    period: period.label,
    from: range.start.toISOString(),
    to: range.end.toISOString(),
    ...pooledFigures(unitSums, config),
    minResponses: config.minResponses,
    target:
      withTarget.length === 0
        ? null
        : {
            serviceUsers: withTarget.reduce((n, u) => n + u.target!.serviceUsers, 0),
            sample: withTarget.reduce((n, u) => n + u.target!.sample, 0),
            responses: withTarget.reduce((n, u) => n + u.responses, 0),
          },
    flagged: unitSums.reduce((n, s) => n + s.flagged, 0),
    maladminReports: unitSums.reduce((n, s) => n + s.maladminReports, 0),
    zoneCounts,
    units,
  };
}
