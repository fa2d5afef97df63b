// One unit's SKM result for one period, as the CLI and (later) chat commands show it.
import type { Db } from '../db/client.js';
import {
  type ElementCode,
  type Period,
  type Score,
  type ScoreConfig,
  type ZonePreset,
  type Zona,
  ZONE_PRESETS,
  DEFAULT_SCORE_CONFIG,
  ELEMENT_CODES,
  defaultElementName,
  parsePeriod,
  periodRange,
  roundHalfUp,
  score,
  targetSample,
} from '../scoring/index.js';
import { type UnitSums, unitSums } from './aggregate.js';

export class ReportError extends Error {
  override name = 'ReportError';
}

/** One element's NRR (3 decimals) with its code and default Indonesian name. */
export interface UnsurNrr {
  code: ElementCode;
  name: string;
  nrr: number | null;
}

export interface UnitReport {
  unit: string;
  unitName: string;
  agency: string;
  timeZone: string;
  period: string;
  from: string;
  to: string;
  responses: number;
  ikm: number | null;
  mutu: string | null;
  kinerja: string | null;
  zona: Zona | null;
  provisional: boolean;
  minResponses: number;
  target: { serviceUsers: number; sample: number } | null;
  flagged: number;
  maladminReports: number;
  unsur: UnsurNrr[];
}

/** Months of service users that a period covers, for the Krejcie–Morgan target. */
const MONTHS: Record<Period['kind'], number> = { week: 7 / 30.4375, month: 1, quarter: 3, semester: 6, year: 12 };

/** Service users in a period from the monthly figure (a week is 7 days of an average month). */
export function periodServiceUsers(monthlyServiceUsers: number | null, kind: Period['kind']): number | null {
  return monthlyServiceUsers === null ? null : Math.round(monthlyServiceUsers * MONTHS[kind]);
}

export function scoreConfigOf(agency: {
  zonePreset: string;
  zoneHijauMin: { toString(): string } | null;
  zoneKuningMin: { toString(): string } | null;
  minResponses: number;
}): ScoreConfig {
  const preset = ZONE_PRESETS[agency.zonePreset as ZonePreset] ?? DEFAULT_SCORE_CONFIG.zones;
  const zones =
    agency.zoneHijauMin !== null && agency.zoneKuningMin !== null
      ? { hijauMin: Number(agency.zoneHijauMin.toString()), kuningMin: Number(agency.zoneKuningMin.toString()) }
      : preset;
  return { minResponses: agency.minResponses, zones };
}

export async function unitReport(db: Db, unitCode: string, periodText: string): Promise<UnitReport> {
  const period = parsePeriod(periodText);
  if (!period) throw new ReportError(`Unknown period "${periodText}". Use 2026-W47, 2026-11, 2026-Q4 (or 2026-TW4), 2026-S2 or 2026.`);
  const unit = await db.serviceUnit.findUnique({ where: { code: unitCode.trim().toUpperCase() }, include: { agency: true } });
  if (!unit) throw new ReportError(`Unit "${unitCode}" does not exist.`);
  return reportForUnit(db, unit, period);
}

export type UnitWithAgency = NonNullable<Awaited<ReturnType<Db['serviceUnit']['findFirst']>>> & {
  agency: Parameters<typeof scoreConfigOf>[0] & { code: string; name: string; timeZone: string; followUpDays: number; reportPeriod: string };
};

/** The report of a unit already looked up (and authorised) for a parsed period. */
export async function reportForUnit(db: Db, unit: UnitWithAgency, period: Period): Promise<UnitReport> {
  const range = periodRange(period, unit.agency.timeZone);
  return unitReportOf(unit, period, range, await unitSums(db, unit.id, range.start, range.end));
}

/**
 * The report of a unit from its sums over `range` (the period in its agency's time zone): pure, so
 * that the agency report builds every unit's report from one query.
 */
export function unitReportOf(unit: UnitWithAgency, period: Period, range: { start: Date; end: Date }, sums: UnitSums): UnitReport {
  const config = scoreConfigOf(unit.agency);
  const result = score(sums, config);
  const serviceUsers = periodServiceUsers(unit.monthlyServiceUsers, period.kind);
  return {
    unit: unit.code,
    unitName: unit.name,
    agency: unit.agency.code,
    timeZone: unit.agency.timeZone,
    period: period.label,
    from: range.start.toISOString(),
    to: range.end.toISOString(),
    responses: sums.count,
    ikm: result?.ikm ?? null,
    mutu: result?.mutu ?? null,
    kinerja: result?.kinerja ?? null,
    zona: result?.zona ?? null,
    provisional: result ? result.provisional : true,
    minResponses: config.minResponses,
    target: serviceUsers === null ? null : { serviceUsers, sample: targetSample(serviceUsers) },
    flagged: sums.flagged,
    maladminReports: sums.maladminReports,
    unsur: unsurOf(result),
  };
}

/** The nine elements with their NRR rounded to 3 decimals (null without responses). */
export function unsurOf(result: Score | null): UnsurNrr[] {
  return ELEMENT_CODES.map((code, i) => ({
    code,
    name: defaultElementName(code).id,
    nrr: result ? roundHalfUp(result.nrr[i]!, 3) : null,
  }));
}

export function formatUnitReportText(r: UnitReport): string {
  const lines = [
    `${r.unitName} (${r.unit}) · ${r.agency} · periode ${r.period} (${r.timeZone})`,
    `Responden: ${r.responses}${r.target ? ` dari target ${r.target.sample} (pengguna layanan ${r.target.serviceUsers})` : ''}`,
  ];
  if (r.ikm === null) {
    lines.push('Belum ada penilaian pada periode ini.');
  } else {
    lines.push(
      `IKM: ${r.ikm.toFixed(2)} · mutu ${r.mutu} (${r.kinerja}) · zona ${r.zona}${r.provisional ? ` · SEMENTARA (kurang dari ${r.minResponses} responden)` : ''}`,
    );
    if (r.flagged > 0) lines.push(`Respons bertanda anomali: ${r.flagged}`);
    lines.push(`Laporan maladministrasi: ${r.maladminReports}`);
    lines.push('Unsur:');
    for (const u of r.unsur) lines.push(`  ${u.code.padEnd(3)} ${u.nrr?.toFixed(3) ?? '-'}  ${u.name}`);
  }
  return lines.join('\n');
}
