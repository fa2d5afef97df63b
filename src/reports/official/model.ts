// The official SKM report's content, as plain data: what an agency files for a period (the layout of
// PermenPANRB 14/2017 reports: method, respondent profile, per-element NRR and NRR tertimbang, the
// IKM with mutu and kinerja, the weakest elements, maladministration reports, approved suggestions,
// the follow-up plans and a signature block). The scores come from the agency and unit reports (the
// one place they are computed); the profile, channels and maladministration counts from the
// export's data; the rest from the agency record, the follow-up plans and approved suggestions.
// pdf.ts draws it; nothing here knows about pages.
import type { Db } from '../../db/client.js';
import { type Period, ELEMENT_COUNT, localDateString, periodRange } from '../../scoring/index.js';
import { reportForAgency } from '../agency-report.js';
import { type DemographicDimension, DEMOGRAPHIC_DIMENSIONS, type ExportData, loadExportData } from '../export.js';
import { type UnitReport, type UnsurNrr, ReportError, reportForUnit } from '../unit-report.js';
import { approvedSuggestions } from './suggestions.js';

export interface OfficialScope {
  kind: 'agency' | 'unit';
  /** The agency's or the unit's code. */
  code: string;
  /** An agency report over these of its units only (an official's scope); all its units without. */
  unitIds?: readonly number[];
}

/** The scope's figures, as the agency report (or the unit report) computes them. */
export type OfficialFigures = Pick<UnitReport, 'responses' | 'ikm' | 'mutu' | 'kinerja' | 'zona' | 'provisional' | 'unsur'>;

export interface OfficialReport {
  scope: { kind: 'agency' | 'unit'; code: string; name: string };
  agency: { code: string; name: string };
  period: Period;
  timeZone: string;
  /** First and last local day of the period, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  /** When the report was made, and its local day (the date beside the signature). */
  generatedAt: Date;
  generatedDay: string;
  figures: OfficialFigures;
  /** A unit report's context: the IKM of its whole agency (all units pooled), with mutu and kinerja. */
  agencyFigures: Pick<OfficialFigures, 'responses' | 'ikm' | 'mutu' | 'kinerja'> | null;
  minResponses: number;
  /** Krejcie–Morgan target of the units with a service-user figure, and their respondents; null when none has one. */
  target: { serviceUsers: number; sample: number; responses: number } | null;
  /** Every unit's report (agency scope only). */
  units: UnitReport[];
  /** Up to three elements with the lowest NRR, lowest first. */
  weakest: UnsurNrr[];
  /** Respondents by channel (telegram, whatsapp, …). */
  channels: { channel: string; count: number }[];
  /** Counts per profile item over the scope; `value` null = not filled in. */
  profile: Record<DemographicDimension, { value: string | null; count: number }[]>;
  /** Maladministration items (by code) with the number of "yes" answers. */
  maladmin: { code: string; yes: number }[];
  /** Respondents who reported at least one kind of maladministration. */
  maladminRespondents: number;
  suggestions: string[];
  followUps: { unitCode: string; unitName: string; plan: string; dueDay: string; doneDay: string | null }[];
  signatory: { name: string | null; nip: string | null; title: string | null; place: string | null };
}

/** Loads everything the official report of `scope` for `period` shows (in the agency's time zone). */
export async function loadOfficialReport(db: Db, scope: OfficialScope, period: Period, now = new Date()): Promise<OfficialReport> {
  const code = scope.code.trim().toUpperCase();
  let figures: OfficialFigures & { minResponses: number; target: OfficialReport['target'] };
  let units: UnitReport[] = [];
  let unitIds: number[];
  let name: string;
  let agencyFigures: OfficialReport['agencyFigures'] = null;
  let agency;
  if (scope.kind === 'unit') {
    const unit = await db.serviceUnit.findUnique({ where: { code }, include: { agency: true } });
    if (!unit) throw new ReportError(`Unit "${code}" does not exist.`);
    agency = unit.agency;
    name = unit.name;
    unitIds = [unit.id];
    const r = await reportForUnit(db, unit, period);
    figures = { ...r, target: r.target ? { ...r.target, responses: r.responses } : null };
    const whole = await db.agency.findUniqueOrThrow({ where: { id: unit.agencyId }, include: { units: true } });
    const a = await reportForAgency(db, whole, period);
    agencyFigures = { responses: a.responses, ikm: a.ikm, mutu: a.mutu, kinerja: a.kinerja };
  } else {
    const found = await db.agency.findUnique({ where: { code }, include: { units: true } });
    if (!found) throw new ReportError(`Agency "${code}" does not exist.`);
    agency = found;
    name = found.name;
    const r = await reportForAgency(db, found, period, scope.unitIds ? { unitIds: scope.unitIds } : {});
    figures = r;
    units = r.units;
    const byCode = new Map(found.units.map((u) => [u.code, u.id]));
    unitIds = r.units.map((u) => byCode.get(u.unit)!);
  }
  const timeZone = agency.timeZone;
  const { start, end } = periodRange(period, timeZone);
  const [data, suggestions, followUps] = await Promise.all([
    loadExportData(db, { unitIds, period, timeZone }),
    approvedSuggestions(db, unitIds, start, end),
    db.followUp.findMany({
      where: { unitId: { in: unitIds }, OR: [{ period: period.label }, { createdAt: { gte: start, lt: end } }] },
      include: { unit: true },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    }),
  ]);

  return {
    scope: { kind: scope.kind, code, name },
    agency: { code: agency.code, name: agency.name },
    period,
    timeZone,
    from: data.from,
    to: data.to,
    generatedAt: now,
    generatedDay: localDateString(now, timeZone),
    figures: {
      responses: figures.responses,
      ikm: figures.ikm,
      mutu: figures.mutu,
      kinerja: figures.kinerja,
      zona: figures.zona,
      provisional: figures.provisional,
      unsur: figures.unsur,
    },
    agencyFigures,
    minResponses: figures.minResponses,
    target: figures.target,
    units,
    weakest:
      figures.ikm === null
        ? []
        : [...figures.unsur]
            .filter((u) => u.nrr !== null)
            .sort((a, b) => a.nrr! - b.nrr!)
            .slice(0, 3),
    channels: countBy(data.responses.map((r) => r.channel)),
    profile: profileOf(data),
    maladmin: data.maladminItems.map((m) => ({ code: m.code, yes: data.responses.filter((r) => r.maladmin[m.code] === true).length })),
    maladminRespondents: data.responses.filter((r) => Object.values(r.maladmin).some(Boolean)).length,
    suggestions,
    followUps: followUps.map((f) => ({
      unitCode: f.unit.code,
      unitName: f.unit.name,
      plan: f.plan,
      dueDay: localDateString(f.dueAt, timeZone),
      doneDay: f.doneAt ? localDateString(f.doneAt, timeZone) : null,
    })),
    signatory: { name: agency.signatoryName, nip: agency.signatoryNip, title: agency.signatoryTitle, place: agency.reportPlace },
  };
}

function countBy(values: readonly string[]): { channel: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([channel, count]) => ({ channel, count })).sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));
}

/** The units' profile counts added up, in the engine's order of choices, "not filled in" last. */
function profileOf(data: ExportData): OfficialReport['profile'] {
  const out = {} as OfficialReport['profile'];
  for (const dim of DEMOGRAPHIC_DIMENSIONS) {
    const values: (string | null)[] = [...data.demographicValues[dim], null];
    out[dim] = values
      .map((value) => ({ value, count: data.units.reduce((n, u) => n + (u.demographics[dim].find((c) => c.value === value)?.count ?? 0), 0) }))
      .filter((row) => row.count > 0 || row.value !== null);
  }
  return out;
}

/** NRR tertimbang as agencies print it: the element's NRR × 1/9 (the exact weight; reports round it to 0,111). */
export const weightedNrr = (nrr: number): number => nrr / ELEMENT_COUNT;
