// Spreadsheet (XLSX) and CSV export of one period's SKM results for a set of units: the data an
// admin downloads with `/unduh` or `skm report --format csv|xlsx` to make the yearly SKM report.
// Loading (SQL aggregates per unit, plus the response rows for the "Responden" sheet) is kept apart
// from rendering, which works on plain data and computes every score with the scoring module.
//
// Layout of the workbook (row numbers are 1-based, as Excel shows them; also in HEADER_ROWS):
// - "Ringkasan": title in row 1, a note in row 2, header in row 3, one row per unit from row 4.
// - "U1".."U9": title in row 1, header in row 3, one row per unit from row 4.
// - "Demografi": title in row 1, header in row 3, one row per unit from row 4.
// - "Responden": header in row 1, one row per response from row 2 (a flat table for pivots).
// The CSV is the "Ringkasan" table alone: header line first, no title.
import ExcelJS from 'exceljs';
import type { Db } from '../db/client.js';
import {
  type ElementCode,
  type ElementSums,
  emptySums,
  type Period,
  type Score,
  type ScoreConfig,
  ELEMENT_CODES,
  localDateString,
  localParts,
  periodRange,
  roundHalfUp,
  score,
  targetSample,
} from '../scoring/index.js';
import { AGE_BANDS, EDUCATIONS, GENDERS, OCCUPATIONS } from '../survey/engine.js';
import { DEFAULT_QUESTIONNAIRE } from '../survey/questionnaire.js';
import { sumsByUnit } from './aggregate.js';
import { periodServiceUsers, scoreConfigOf } from './unit-report.js';

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

/** Everything the files are made of; plain data (no Prisma types), so renderers need no database. */
export interface ExportData {
  period: Period;
  timeZone: string;
  /** First and last local day of the period, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  /** Units in the order of scope.unitIds (unknown ids are left out). */
  units: ExportUnit[];
  elements: { code: ElementCode; name: string; labels: [string, string, string, string] }[];
  maladminItems: { code: string; label: string }[];
  /** Columns of the "Demografi" sheet: the engine's choices, then any other stored value. */
  demographicValues: Record<DemographicDimension, string[]>;
  /** Ordered by submittedAt, then id. Carries no respondent or chat identity. */
  responses: ExportResponse[];
}

/** Row (1-based) of each sheet's header; data rows follow directly below it. */
export const HEADER_ROWS = { summary: 3, element: 3, demography: 3, responses: 1 } as const;

export const SHEET_NAMES = {
  summary: 'Ringkasan',
  demography: 'Demografi',
  responses: 'Responden',
} as const;

const NOT_FILLED = 'Tidak diisi';

// The same service-user count (and so the same target sample) as the unit report and /skor.
export { periodServiceUsers };

/** Short column headers for the default maladministration items; other codes show as stored. */
const MALADMIN_LABELS: Record<string, string> = {
  imbalan: 'Pungli/imbalan',
  calo: 'Calo',
  penundaan: 'Penundaan berlarut',
  diskriminasi: 'Diskriminasi',
  prosedur: 'Penyimpangan prosedur',
};

// --- Loading ---------------------------------------------------------------------------------

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
            CROSS JOIN LATERAL (VALUES (1, r.u1), (2, r.u2), (3, r.u3), (4, r.u4), (5, r.u5),
                                       (6, r.u6), (7, r.u7), (8, r.u8), (9, r.u9)) AS v(e, a)
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
              u1: true,
              u2: true,
              u3: true,
              u4: true,
              u5: true,
              u6: true,
              u7: true,
              u8: true,
              u9: true,
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
    answers: [r.u1, r.u2, r.u3, r.u4, r.u5, r.u6, r.u7, r.u8, r.u9],
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
    elements: DEFAULT_QUESTIONNAIRE.elements.map((el) => ({
      code: el.code,
      name: el.name.id,
      labels: [el.labels[0].id, el.labels[1].id, el.labels[2].id, el.labels[3].id],
    })),
    maladminItems: [...defaultCodes, ...otherCodes].map((code) => ({ code, label: MALADMIN_LABELS[code] ?? code })),
    demographicValues,
    responses,
  };
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

// --- Tables (shared by XLSX and CSV) ---------------------------------------------------------

type CellValue = string | number | Date | null;

interface Column {
  header: string;
  /** Fixed decimals for a number column (number format in XLSX, digits in CSV). */
  decimals?: number;
  /** Cap for the automatic column width. */
  maxWidth?: number;
  /** Excel number format for dates. */
  dateFormat?: string;
}

interface Table {
  columns: Column[];
  rows: CellValue[][];
}

const yaTidak = (yes: boolean) => (yes ? 'Ya' : 'Tidak');
const nrr3 = (s: Score | null, i: number): number | null => (s ? roundHalfUp(s.nrr[i]!, 3) : null);

/** The yearly SKM report's table: one row per unit. */
export function summaryTable(data: ExportData): Table {
  const columns: Column[] = [
    { header: 'No' },
    { header: 'Kode unit' },
    { header: 'Nama unit', maxWidth: 40 },
    { header: 'Instansi', maxWidth: 40 },
    { header: 'Jumlah responden' },
    ...ELEMENT_CODES.map((code) => ({ header: `NRR ${code}`, decimals: 3 })),
    { header: 'IKM', decimals: 2 },
    { header: 'Mutu' },
    { header: 'Kinerja' },
    { header: 'Zona' },
    { header: 'Sementara' },
    { header: 'Target sampel' },
  ];
  const rows = data.units.map((u, i): CellValue[] => {
    const s = u.score;
    return [
      i + 1,
      u.code,
      u.name,
      u.agencyName,
      u.sums.count,
      ...ELEMENT_CODES.map((_, e) => nrr3(s, e)),
      s?.ikm ?? null,
      s?.mutu ?? null,
      s?.kinerja ?? null,
      s?.zona ?? null,
      yaTidak(u.sums.count < u.scoreConfig.minResponses),
      u.targetSample,
    ];
  });
  return { columns, rows };
}

function elementTable(data: ExportData, e: number): Table {
  const labels = data.elements[e]?.labels ?? ['', '', '', ''];
  const columns: Column[] = [
    { header: 'No' },
    { header: 'Kode unit' },
    { header: 'Nama unit', maxWidth: 40 },
    ...labels.map((label, a) => ({ header: `${a + 1} (${label})`, maxWidth: 28 })),
    { header: 'Jumlah' },
    { header: 'NRR', decimals: 3 },
  ];
  const rows = data.units.map((u, i): CellValue[] => {
    const counts = u.answerCounts[e] ?? [0, 0, 0, 0];
    return [i + 1, u.code, u.name, ...counts, counts.reduce((a, b) => a + b, 0), nrr3(u.score, e)];
  });
  return { columns, rows };
}

const DIMENSION_TITLES: Record<DemographicDimension, string> = {
  gender: 'Jenis kelamin',
  ageBand: 'Umur',
  education: 'Pendidikan',
  occupation: 'Pekerjaan',
};

function demographyTable(data: ExportData): Table {
  const groups = DEMOGRAPHIC_DIMENSIONS.map((dim) => ({ dim, values: [...data.demographicValues[dim], null] }));
  const columns: Column[] = [
    { header: 'No' },
    { header: 'Kode unit' },
    { header: 'Nama unit', maxWidth: 40 },
    { header: 'Jumlah responden' },
    ...groups.flatMap((g) => g.values.map((v) => ({ header: `${DIMENSION_TITLES[g.dim]}: ${v ?? NOT_FILLED}` }))),
  ];
  const rows = data.units.map((u, i): CellValue[] => [
    i + 1,
    u.code,
    u.name,
    u.sums.count,
    ...groups.flatMap((g) => g.values.map((v) => u.demographics[g.dim].find((c) => c.value === v)?.count ?? 0)),
  ]);
  return { columns, rows };
}

function responsesTable(data: ExportData): Table {
  const columns: Column[] = [
    { header: 'Waktu', dateFormat: 'yyyy-mm-dd hh:mm' },
    { header: 'Kode unit' },
    { header: 'Jenis layanan', maxWidth: 40 },
    ...ELEMENT_CODES.map((code) => ({ header: code })),
    ...data.maladminItems.map((m) => ({ header: m.label })),
    { header: 'Jenis kelamin' },
    { header: 'Umur' },
    { header: 'Pendidikan' },
    { header: 'Pekerjaan' },
    { header: 'Saran', maxWidth: 60 },
    { header: 'Kanal' },
    { header: 'Tanda anomali' },
  ];
  const rows = data.responses.map((r): CellValue[] => [
    // Excel dates carry no zone: the local wall time is written as such, shown as 'YYYY-MM-DD HH:mm'.
    wallTimeDate(r.localTime),
    r.unitCode,
    r.serviceType,
    ...r.answers,
    ...data.maladminItems.map((m) => (m.code in r.maladmin ? yaTidak(r.maladmin[m.code]!) : null)),
    r.gender,
    r.ageBand,
    r.education,
    r.occupation,
    r.suggestion,
    r.channel,
    r.flags.length > 0 ? r.flags.join(', ') : null,
  ]);
  return { columns, rows };
}

function wallTimeDate(localTime: string): Date {
  return new Date(`${localTime.replace(' ', 'T')}:00Z`);
}

// --- XLSX ------------------------------------------------------------------------------------

// Characters XML 1.0 cannot carry (control characters, lone surrogates) may come in a citizen's
// suggestion; exceljs 4.4 drops some itself, but the file must stay readable whatever it does.
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Excel's limit for the text of one cell. */
const MAX_CELL_TEXT = 32_767;

function cellText(value: string): string {
  return value.replace(XML_INVALID, '').slice(0, MAX_CELL_TEXT);
}

function displayLength(value: CellValue, column: Column): number {
  if (value === null) return 0;
  if (value instanceof Date) return 16;
  if (typeof value === 'number') return column.decimals === undefined ? String(value).length : value.toFixed(column.decimals).length;
  return value.length;
}

function writeTable(ws: ExcelJS.Worksheet, headerRow: number, table: Table): void {
  const header = ws.getRow(headerRow);
  table.columns.forEach((c, i) => (header.getCell(i + 1).value = c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  table.rows.forEach((values, r) => {
    const row = ws.getRow(headerRow + 1 + r);
    values.forEach((value, i) => {
      if (value === null) return;
      row.getCell(i + 1).value = typeof value === 'string' ? cellText(value) : value;
    });
  });
  table.columns.forEach((c, i) => {
    const column = ws.getColumn(i + 1);
    if (c.decimals !== undefined) column.numFmt = c.decimals === 0 ? '0' : `0.${'0'.repeat(c.decimals)}`;
    if (c.dateFormat !== undefined) column.numFmt = c.dateFormat;
    // reduce, not Math.max(...rows): a year of responses would overflow the argument list.
    const longest = table.rows.reduce((max, values) => Math.max(max, displayLength(values[i] ?? null, c)), 0);
    // Long headers wrap (see alignment above) rather than widening a column of short numbers.
    const headerWidth = Math.min(c.header.length, 18);
    column.width = Math.min(Math.max(longest, headerWidth, 4) + 2, c.maxWidth ?? 30);
  });
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow }];
  if (table.columns.length > 0) {
    ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: table.columns.length } };
  }
}

function writeTitle(ws: ExcelJS.Worksheet, title: string, note?: string): void {
  const cell = ws.getCell(1, 1);
  cell.value = cellText(title);
  cell.font = { bold: true, size: 13 };
  if (note !== undefined) {
    ws.getCell(2, 1).value = cellText(note);
    ws.getCell(2, 1).font = { italic: true };
  }
}

function periodText(data: ExportData): string {
  return `periode ${data.period.label} (${data.from} s.d. ${data.to}, zona waktu ${data.timeZone})`;
}

export async function exportXlsx(data: ExportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'skm-bot';
  wb.title = `SKM ${data.period.label}`;

  const summary = wb.addWorksheet(SHEET_NAMES.summary);
  writeTitle(
    summary,
    `Survei Kepuasan Masyarakat (SKM) per unit layanan, ${periodText(data)}`,
    'IKM = (jumlah NRR U1..U9 / 9) × 25. Sementara = responden kurang dari minimal instansi. Sel kosong = belum ada penilaian.',
  );
  writeTable(summary, HEADER_ROWS.summary, summaryTable(data));

  ELEMENT_CODES.forEach((code, e) => {
    const ws = wb.addWorksheet(code);
    writeTitle(ws, `${code} ${data.elements[e]?.name ?? ''}: jumlah jawaban per unit, ${periodText(data)}`);
    writeTable(ws, HEADER_ROWS.element, elementTable(data, e));
  });

  const demography = wb.addWorksheet(SHEET_NAMES.demography);
  writeTitle(demography, `Profil responden per unit, ${periodText(data)}`);
  writeTable(demography, HEADER_ROWS.demography, demographyTable(data));

  const responses = wb.addWorksheet(SHEET_NAMES.responses);
  writeTable(responses, HEADER_ROWS.responses, responsesTable(data));

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// --- CSV -------------------------------------------------------------------------------------

function csvField(value: CellValue, decimals?: number): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'number' ? (decimals === undefined ? String(value) : value.toFixed(decimals)) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The "Ringkasan" table as CSV (RFC 4180): comma-separated, '.' as decimal separator, CRLF line
 * ends, and a UTF-8 byte order mark so that Excel reads the Indonesian text as UTF-8.
 */
export function exportCsv(data: ExportData): string {
  const table = summaryTable(data);
  const lines = [
    table.columns.map((c) => csvField(c.header)).join(','),
    ...table.rows.map((row) => row.map((v, i) => csvField(v, table.columns[i]?.decimals)).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
