// Loading the export's data: SQL aggregates per unit (sums, answer counts, profile counts) and the
// response rows for the "Responden" sheet, turned into plain data (ExportData, no Prisma types) that
// compose.ts and render.ts work on without a database. Every score is computed here with the
// scoring module, so the XLSX and the CSV can never disagree with the unit report or /skor.
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import {
  type ElementCode,
  type ElementColumn,
  answersOf,
  DEFAULT_ELEMENTS,
  ELEMENT_COLUMNS,
  type ElementSums,
  emptySums,
  type Period,
  type Score,
  type ScoreConfig,
  ELEMENT_CODES,
  localDateString,
  localParts,
  periodRange,
  score,
  targetSample,
} from '../../scoring/index.js';
import { AGE_BANDS, EDUCATIONS, GENDERS, OCCUPATIONS } from '../../survey/engine.js';
import { DEFAULT_QUESTIONNAIRE } from '../../survey/questionnaire.js';
import { type PooledFigures, pooledFigures } from '../agency-report.js';
import { sumsByUnit } from '../aggregate.js';
import { periodServiceUsers, scoreConfigOf } from '../unit-report.js';

export interface ExportScope {
  unitIds: number[];
  period: Period;
  timeZone: string;
}

export type DemographicDimension = 'gender' | 'ageBand' | 'education' | 'occupation';
export const DEMOGRAPHIC_DIMENSIONS: readonly DemographicDimension[] = ['gender', 'ageBand', 'education', 'occupation'];

export interface ExportUnit {
  id: number;
  code: string;
  name: string;
  agencyCode: string;
  agencyName: string;
  scoreConfig: ScoreConfig;
  monthlyServiceUsers: number | null;
  /** Service users in the period (monthly figure scaled to the period), null when not entered. */
  serviceUsers: number | null;
  /** Krejcie–Morgan target for `serviceUsers`, null when not entered. */
  targetSample: number | null;
  sums: ElementSums;
  /** Null when the unit has no responses in the period: no score, never zero. */
  score: Score | null;
  /** answerCounts[e][a - 1] = how many answered `a` (1–4) to element e (U1..U9). */
  answerCounts: number[][];
  /** Counts per profile item; `value` null = not filled in. */
  demographics: Record<DemographicDimension, { value: string | null; count: number }[]>;
}

export interface ExportResponse {
  submittedAt: Date;
  /** submittedAt as wall time in the scope's time zone, 'YYYY-MM-DD HH:mm'. */
  localTime: string;
  unitCode: string;
  serviceType: string | null;
  /** U1..U9, 1–4. */
  answers: number[];
  /** Maladministration item code → answered yes (only items that were asked). */
  maladmin: Record<string, boolean>;
  gender: string | null;
  ageBand: string | null;
  education: string | null;
  occupation: string | null;
  suggestion: string | null;
  channel: string;
  flags: string[];
}

/** One agency's units in the export taken together: all their responses pooled (the agency report's figures). */
export interface ExportTotal {
  agencyCode: string;
  agencyName: string;
  scoreConfig: ScoreConfig;
  figures: PooledFigures;
  /** The units' targets added up, over the units that have one; null when none has. */
  targetSample: number | null;
}

/** Everything the files are made of; plain data (no Prisma types), so renderers need no database. */
export interface ExportData {
  period: Period;
  timeZone: string;
  /** First and last local day of the period, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  /** Units in the order of scope.unitIds (unknown ids are left out). */
  units: ExportUnit[];
  /** One total per agency of the units, in the order the agencies first appear. */
  totals: ExportTotal[];
  elements: { code: ElementCode; name: string; labels: [string, string, string, string] }[];
  maladminItems: { code: string; label: string }[];
  /** Columns of the "Demografi" sheet: the engine's choices, then any other stored value. */
  demographicValues: Record<DemographicDimension, string[]>;
  /** Ordered by submittedAt, then id. Carries no respondent or chat identity. */
  responses: ExportResponse[];
}

/** Short column headers for the default maladministration items; other codes show as stored. */
const MALADMIN_LABELS: Record<string, string> = {
  imbalan: 'Pungli/imbalan',
  calo: 'Calo',
  penundaan: 'Penundaan berlarut',
  diskriminasi: 'Diskriminasi',
  prosedur: 'Penyimpangan prosedur',
};

/** `(1, r.u1), (2, r.u2), …`: element number and answer; the column names are constants, never input. */
const ELEMENT_VALUES = Prisma.raw(ELEMENT_COLUMNS.map((c, i) => `(${i + 1}, r.${c})`).join(', '));

/** Every element column, for a select that reads responses field by field. */
const ELEMENT_SELECT = Object.fromEntries(ELEMENT_COLUMNS.map((c) => [c, true])) as Record<ElementColumn, true>;

interface CountRow {
  unitId: number;
  e: number;
  a: number;
  n: bigint;
}

interface DemographicRow {
  unitId: number;
  dim: DemographicDimension;
  value: string | null;
  n: bigint;
}

export async function loadExportData(db: Db, scope: ExportScope): Promise<ExportData> {
  const { start, end } = periodRange(scope.period, scope.timeZone);
  const ids = [...new Set(scope.unitIds)];
  const unitRows = ids.length === 0 ? [] : await db.serviceUnit.findMany({ where: { id: { in: ids } }, include: { agency: true } });
  const byId = new Map(unitRows.map((u) => [u.id, u]));
  const unitIds = ids.filter((id) => byId.has(id));

  const [sumsOf, countRows, demographicRows, responseRows] =
    unitIds.length === 0
      ? [new Map<number, ElementSums>(), [], [], []]
      : await Promise.all([
          sumsByUnit(db, unitIds, start, end),
          db.$queryRaw<CountRow[]>`
            SELECT r."unitId", v.e, v.a::int AS a, count(*) AS n
            FROM "Response" r
            CROSS JOIN LATERAL (VALUES ${ELEMENT_VALUES}) AS v(e, a)
            WHERE r."unitId" = ANY(${unitIds}::int[]) AND r."submittedAt" >= ${start} AND r."submittedAt" < ${end}
            GROUP BY r."unitId", v.e, v.a`,
          db.$queryRaw<DemographicRow[]>`
            WITH s AS (
              SELECT "unitId", gender, "ageBand", education, occupation FROM "Response"
              WHERE "unitId" = ANY(${unitIds}::int[]) AND "submittedAt" >= ${start} AND "submittedAt" < ${end})
            SELECT "unitId", 'gender' AS dim, gender AS value, count(*) AS n FROM s GROUP BY "unitId", gender
            UNION ALL
            SELECT "unitId", 'ageBand', "ageBand", count(*) FROM s GROUP BY "unitId", "ageBand"
            UNION ALL
            SELECT "unitId", 'education', education, count(*) FROM s GROUP BY "unitId", education
            UNION ALL
            SELECT "unitId", 'occupation', occupation, count(*) FROM s GROUP BY "unitId", occupation`,
          // Selected field by field: respondentKey, sessionId and the like must never reach a file.
          db.response.findMany({
            where: { unitId: { in: unitIds }, submittedAt: { gte: start, lt: end } },
            orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
            select: {
              submittedAt: true,
              ...ELEMENT_SELECT,
              maladmin: true,
              gender: true,
              ageBand: true,
              education: true,
              occupation: true,
              suggestion: true,
              channel: true,
              flags: true,
              unit: { select: { code: true } },
              serviceType: { select: { name: true } },
            },
          }),
        ]);

  const countsOf = new Map<number, number[][]>();
  for (const r of countRows) {
    let counts = countsOf.get(r.unitId);
    if (!counts) countsOf.set(r.unitId, (counts = ELEMENT_CODES.map(() => [0, 0, 0, 0])));
    const row = counts[r.e - 1];
    // Answers are 1–4 by the survey's own check; anything else would not be an SKM answer.
    if (row && r.a >= 1 && r.a <= 4) row[r.a - 1] = Number(r.n);
  }
  const demographicsOf = new Map<number, ExportUnit['demographics']>();
  const extraValues: Record<DemographicDimension, Set<string>> = {
    gender: new Set(),
    ageBand: new Set(),
    education: new Set(),
    occupation: new Set(),
  };
  const knownValues: Record<DemographicDimension, readonly string[]> = {
    gender: GENDERS,
    ageBand: AGE_BANDS,
    education: EDUCATIONS,
    occupation: OCCUPATIONS,
  };
  for (const r of demographicRows) {
    let d = demographicsOf.get(r.unitId);
    if (!d) demographicsOf.set(r.unitId, (d = { gender: [], ageBand: [], education: [], occupation: [] }));
    d[r.dim].push({ value: r.value, count: Number(r.n) });
    if (r.value !== null && !knownValues[r.dim].includes(r.value)) extraValues[r.dim].add(r.value);
  }

  const units: ExportUnit[] = unitIds.map((id) => {
    const u = byId.get(id)!;
    const config = scoreConfigOf(u.agency);
    const sums: ElementSums = sumsOf.get(id) ?? emptySums();
    const serviceUsers = periodServiceUsers(u.monthlyServiceUsers, scope.period.kind);
    return {
      id,
      code: u.code,
      name: u.name,
      agencyCode: u.agency.code,
      agencyName: u.agency.name,
      scoreConfig: config,
      monthlyServiceUsers: u.monthlyServiceUsers,
      serviceUsers,
      targetSample: serviceUsers === null ? null : targetSample(serviceUsers),
      sums,
      score: score(sums, config),
      answerCounts: countsOf.get(id) ?? ELEMENT_CODES.map(() => [0, 0, 0, 0]),
      demographics: demographicsOf.get(id) ?? { gender: [], ageBand: [], education: [], occupation: [] },
    };
  });

  const responses: ExportResponse[] = responseRows.map((r) => ({
    submittedAt: r.submittedAt,
    localTime: localDateTime(r.submittedAt, scope.timeZone),
    unitCode: r.unit.code,
    serviceType: r.serviceType?.name ?? null,
    answers: answersOf(r),
    maladmin: maladminAnswers(r.maladmin),
    gender: r.gender,
    ageBand: r.ageBand,
    education: r.education,
    occupation: r.occupation,
    suggestion: r.suggestion,
    channel: r.channel,
    flags: r.flags,
  }));

  const defaultCodes = DEFAULT_QUESTIONNAIRE.maladmin.map((m) => m.code);
  const otherCodes = [...new Set(responses.flatMap((r) => Object.keys(r.maladmin)))].filter((c) => !defaultCodes.includes(c)).sort();

  const demographicValues = Object.fromEntries(
    DEMOGRAPHIC_DIMENSIONS.map((dim) => [dim, [...knownValues[dim], ...[...extraValues[dim]].sort()]]),
  ) as Record<DemographicDimension, string[]>;

  return {
    period: scope.period,
    timeZone: scope.timeZone,
    from: localDateString(start, scope.timeZone),
    to: localDateString(new Date(end.getTime() - 1), scope.timeZone),
    units,
    totals: totalsOf(units),
    elements: DEFAULT_ELEMENTS.map((el) => ({
      code: el.code,
      name: el.name.id,
      labels: [el.labels[0].id, el.labels[1].id, el.labels[2].id, el.labels[3].id],
    })),
    maladminItems: [...defaultCodes, ...otherCodes].map((code) => ({ code, label: MALADMIN_LABELS[code] ?? code })),
    demographicValues,
    responses,
  };
}

function totalsOf(units: ExportUnit[]): ExportTotal[] {
  const byAgency = new Map<string, ExportUnit[]>();
  for (const u of units) byAgency.set(u.agencyCode, [...(byAgency.get(u.agencyCode) ?? []), u]);
  return [...byAgency.values()].map((list) => {
    const first = list[0]!;
    const targets = list.filter((u) => u.targetSample !== null);
    return {
      agencyCode: first.agencyCode,
      agencyName: first.agencyName,
      scoreConfig: first.scoreConfig,
      figures: pooledFigures(
        list.map((u) => u.sums),
        first.scoreConfig,
      ),
      targetSample: targets.length === 0 ? null : targets.reduce((n, u) => n + u.targetSample!, 0),
    };
  });
}

function maladminAnswers(stored: unknown): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return result;
  for (const [code, value] of Object.entries(stored)) {
    if (typeof value === 'boolean') result[code] = value;
  }
  return result;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function localDateTime(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.y}-${pad2(p.m)}-${pad2(p.d)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}
