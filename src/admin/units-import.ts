// The operator's unit import (`skm units import <file.csv|file.xlsx>`): reads a list of agencies,
// units and service types from a spreadsheet, checks all of it, then brings the database in line
// in one transaction. Nothing is written unless the whole file is valid, and importing the same
// file again changes nothing.
//
// File format
// -----------
// One row per service unit. The first row is the header (blank rows before it are skipped);
// column names are case-insensitive (spaces count as underscores), in any order; a column not
// listed here is an error:
//
//   column                 required  content
//   agency_code            yes       A–Z, 0–9 and '-', 2–20 characters (lower case is accepted and
//                                    stored upper-case)
//   agency_name            yes       2–120 characters
//   time_zone              yes       the agency's IANA time zone: Asia/Jakarta or Asia/Pontianak
//                                    (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT); any other
//                                    IANA zone is accepted too
//   unit_code              yes       as agency_code; the code citizens see on posters; each unit
//                                    code at most once in the file
//   unit_name              yes       2–120 characters
//   monthly_service_users  no        empty, or a whole number 0–10000000 without separators
//                                    (service users per month, for the target sample)
//   service_types          no        the unit's service types (jenis layanan), separated by ';',
//                                    each 2–120 characters, no name twice in a row; may be empty
//
// Names are trimmed and runs of spaces collapsed. All rows of one agency must give the same
// agency_name and time_zone. Empty rows are ignored. Problems are reported by the row number a
// spreadsheet shows (header = row 1), every bad cell at once.
//
// CSV: UTF-8 (with or without BOM; Excel: "CSV UTF-8"), comma- or semicolon-separated (taken from
// the header line, since Excel with Indonesian settings saves with ';'), fields may be quoted
// with '"' (needed around a service_types list in a ';'-separated file).
// XLSX: the first worksheet; row 1 is the header; cells may hold text or numbers (formulas are
// read by their value; a cell with an Excel error such as #N/A is a problem).
//
// What an import does
// -------------------
// - A new agency or unit is created; a changed agency name or time zone, and a changed unit name
//   or monthly_service_users, update the existing row. An empty monthly_service_users keeps the
//   number already stored.
// - A unit that exists under another agency is moved to the agency given in the file.
// - Service types the unit lacks are added, ordered by their position in the list; names are
//   matched ignoring case. Service types missing from the file are left alone, never deleted:
//   past responses refer to them. Active/inactive flags are not touched.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import { isValidTimeZone } from '../scoring/period.js';

/** One problem in the file. `line` is the row number a spreadsheet shows (header = 1; 0 = the whole file). */
export interface ImportIssue {
  line: number;
  column: string;
  message: string;
}

export class UnitsFileError extends Error {
  override name = 'UnitsFileError';
  readonly issues: ImportIssue[];
  constructor(message: string, issues: ImportIssue[]) {
    super(message);
    this.issues = issues;
  }
}

/** One valid row of the file. */
export interface UnitRow {
  line: number;
  agencyCode: string;
  agencyName: string;
  timeZone: string;
  unitCode: string;
  unitName: string;
  /** null: not given (an existing unit keeps its number). */
  monthlyServiceUsers: number | null;
  serviceTypes: string[];
}

export interface UnitsImportSummary {
  agenciesCreated: number;
  agenciesUpdated: number;
  unitsCreated: number;
  /** Units whose name, agency or monthly users changed, or that got new service types. */
  unitsUpdated: number;
  serviceTypesAdded: number;
  /** Units in the file that needed no change. */
  unchanged: number;
}

export const UNIT_COLUMNS = ['agency_code', 'agency_name', 'time_zone', 'unit_code', 'unit_name', 'monthly_service_users', 'service_types'] as const;
export type UnitColumn = (typeof UNIT_COLUMNS)[number];
const OPTIONAL_COLUMNS: ReadonlySet<UnitColumn> = new Set(['monthly_service_users', 'service_types']);

export const INDONESIAN_TIME_ZONES = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura'] as const;
const MAX_MONTHLY_USERS = 10_000_000;

// --- Field rules (zod) --------------------------------------------------------------------

const shown = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
const collapse = (value: string) => value.trim().replace(/\s+/g, ' ');

const codeField = z.string().transform((raw, ctx) => {
  const value = raw.trim().toUpperCase();
  if (value === '') {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return z.NEVER;
  }
  const bad = [...new Set(value.replace(/[A-Z0-9-]/g, ''))];
  if (bad.length > 0) {
    const listed = bad.map((c) => (c === ' ' ? 'space' : JSON.stringify(c))).join(', ');
    ctx.addIssue({ code: 'custom', message: `${shown(raw.trim())} may contain only letters A–Z, digits 0–9 and '-' (found ${listed})` });
    return z.NEVER;
  }
  if (value.length < 2 || value.length > 20) {
    ctx.addIssue({ code: 'custom', message: `${shown(value)} must be 2–20 characters long (has ${value.length})` });
    return z.NEVER;
  }
  return value;
});

const nameField = z.string().transform((raw, ctx) => {
  const value = collapse(raw);
  if (value === '') {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return z.NEVER;
  }
  if (value.length < 2 || value.length > 120) {
    ctx.addIssue({ code: 'custom', message: `${shown(value)} must be 2–120 characters long (has ${value.length})` });
    return z.NEVER;
  }
  return value;
});

const timeZoneField = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  if (value === '') {
    ctx.addIssue({ code: 'custom', message: `is required (e.g. ${INDONESIAN_TIME_ZONES.join(', ')})` });
    return z.NEVER;
  }
  if (!isValidTimeZone(value)) {
    ctx.addIssue({ code: 'custom', message: `unknown time zone ${shown(value)}; use ${INDONESIAN_TIME_ZONES.join(', ')}` });
    return z.NEVER;
  }
  // Canonical spelling, so that "asia/jakarta" and "Asia/Jakarta" are one zone.
  return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
});

const usersField = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  if (value === '') return null;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > MAX_MONTHLY_USERS) {
    ctx.addIssue({
      code: 'custom',
      message: `${shown(value)} must be empty or a whole number from 0 to ${MAX_MONTHLY_USERS} (no separators)`,
    });
    return z.NEVER;
  }
  return n;
});

const serviceTypesField = z.string().transform((raw, ctx) => {
  const names = raw
    .split(';')
    .map(collapse)
    .filter((name) => name !== '');
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const name of names) {
    if (name.length < 2 || name.length > 120) problems.push(`${shown(name)} must be 2–120 characters long (has ${name.length})`);
    const key = name.toLowerCase();
    if (seen.has(key)) problems.push(`${shown(name)} is listed twice`);
    seen.add(key);
  }
  if (problems.length > 0) {
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  return names;
});

const FIELD_SCHEMAS = {
  agency_code: codeField,
  agency_name: nameField,
  time_zone: timeZoneField,
  unit_code: codeField,
  unit_name: nameField,
  monthly_service_users: usersField,
  service_types: serviceTypesField,
} satisfies Record<UnitColumn, z.ZodType>;

type FieldValues = { [K in UnitColumn]: z.output<(typeof FIELD_SCHEMAS)[K]> };

// --- Tables ---------------------------------------------------------------------------------

/** A row as read from the file: cells by 0-based column index, already as text. */
export interface RawRow {
  line: number;
  cells: string[];
}

interface RawTable {
  rows: RawRow[];
  /** Problems found while reading cells (e.g. Excel error values), reported with the rest. */
  issues: ImportIssue[];
}

const fileIssue = (message: string): UnitsFileError => new UnitsFileError(message, [{ line: 0, column: '', message }]);

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/**
 * Comma or semicolon, whichever the header line (outside quotes) has more of. The header is the
 * first line with any text: Excel writes an empty row as ";;;;".
 */
function detectDelimiter(text: string): ',' | ';' {
  const headerLine = text.split(/\r\n|\n|\r/).find((line) => /[^\s,;]/.test(line)) ?? '';
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

function readCsv(bytes: Buffer): RawTable {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileIssue('the file is not UTF-8 text: in Excel, save it as "CSV UTF-8" or as .xlsx');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      // Excel and hand-edited files mix line endings and leave stray quotes; neither should fail.
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      // Blank lines are kept as records so that record n is line n + 1, as a spreadsheet shows it.
      skip_empty_lines: false,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as unknown as { lines: number }).lines : 0;
      const message = `cannot read the CSV: ${error.message}`;
      throw new UnitsFileError(message, [{ line, column: '', message }]);
    }
    throw error;
  }
  return { rows: records.map((cells, i) => ({ line: i + 1, cells })), issues: [] };
}

function cellText(value: ExcelJS.CellValue): { text: string } | { error: string } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: String(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: value.toISOString().slice(0, 10) };
  if ('error' in value) return { error: String(value.error) };
  if ('richText' in value) return { text: value.richText.map((part) => part.text).join('') };
  if ('hyperlink' in value) {
    const text: unknown = value.text;
    if (typeof text === 'string') return { text };
    if (text && typeof text === 'object' && 'richText' in text && Array.isArray(text.richText)) {
      return { text: (text.richText as { text: string }[]).map((part) => part.text).join('') };
    }
    return { text: value.hyperlink };
  }
  if ('result' in value || 'formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return { text: '' };
    if (typeof result === 'object' && !(result instanceof Date)) {
      if ('error' in result) return { error: String(result.error) };
    }
    return cellText(result as ExcelJS.CellValue);
  }
  return { text: '' };
}

async function readXlsx(file: string): Promise<RawTable> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw fileIssue(`cannot read the file as an Excel workbook (.xlsx): ${detail}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw fileIssue('the workbook has no worksheet');
  const rows: RawRow[] = [];
  const issues: ImportIssue[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      const read = cellText(cell.value);
      if ('error' in read) {
        issues.push({ line: rowNumber, column: `column ${columnLetter(colNumber - 1)}`, message: `the cell holds the Excel error ${read.error}` });
        cells[colNumber - 1] = '';
      } else {
        cells[colNumber - 1] = read.text;
      }
    });
    rows.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return { rows, issues };
}

// --- Validation -----------------------------------------------------------------------------

const normalHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
const isBlank = (row: RawRow) => row.cells.every((cell) => cell.trim() === '');

function summaryMessage(issues: ImportIssue[], file?: string): string {
  const lines = new Set(issues.map((i) => i.line)).size;
  const where = file ? ` in ${path.basename(file)}` : '';
  const first = issues[0];
  if (issues.length === 1 && first) return `1 problem${where}: ${formatIssues([first])}`;
  return `${issues.length} problems${where} on ${lines} line${lines === 1 ? '' : 's'}; nothing was imported`;
}

function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  const order = (column: string) => {
    const i = (UNIT_COLUMNS as readonly string[]).indexOf(column);
    return i === -1 ? UNIT_COLUMNS.length : i;
  };
  return [...issues].sort((a, b) => a.line - b.line || order(a.column) - order(b.column));
}

type KeyFields = Partial<Pick<UnitRow, 'agencyCode' | 'agencyName' | 'timeZone' | 'unitCode'>> & { line: number };

/** Checks across rows: one unit code once; all rows of an agency agree on its name and time zone. */
function crossRowIssues(rows: readonly KeyFields[]): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const unitLine = new Map<string, number>();
  const agencyName = new Map<string, { value: string; line: number }>();
  const agencyZone = new Map<string, { value: string; line: number }>();
  for (const row of rows) {
    if (row.unitCode !== undefined) {
      const earlier = unitLine.get(row.unitCode);
      if (earlier !== undefined) {
        issues.push({ line: row.line, column: 'unit_code', message: `unit code ${row.unitCode} already appears on line ${earlier}` });
      } else {
        unitLine.set(row.unitCode, row.line);
      }
    }
    if (row.agencyCode === undefined) continue;
    const checks = [
      ['agency_name', row.agencyName, agencyName],
      ['time_zone', row.timeZone, agencyZone],
    ] as const;
    for (const [column, value, seen] of checks) {
      if (value === undefined) continue;
      const first = seen.get(row.agencyCode);
      if (!first) seen.set(row.agencyCode, { value, line: row.line });
      else if (first.value !== value) {
        issues.push({
          line: row.line,
          column,
          message: `agency ${row.agencyCode} has ${column} ${shown(first.value)} on line ${first.line}, here ${shown(value)}; all rows of an agency must agree`,
        });
      }
    }
  }
  return issues;
}

/**
 * Turns the rows of a table (header first) into unit rows, or throws UnitsFileError listing every
 * problem. Exposed for callers that read tables themselves; readUnitsFile is the usual entry.
 */
export function parseUnitsTable(table: RawRow[], readIssues: ImportIssue[] = [], file?: string): UnitRow[] {
  // Blank rows are skipped (lines keep their numbers), also before the header.
  const [header, ...dataRows] = table.filter((row) => !isBlank(row));
  if (!header) throw fileIssue(`the file is empty: expected a header row with the columns ${UNIT_COLUMNS.join(', ')}`);

  // Header: known names once each, every required column present.
  const headerIssues: ImportIssue[] = [];
  const indexOf = new Map<UnitColumn, number>();
  const headerless: number[] = [];
  const width = dataRows.reduce((max, row) => Math.max(max, row.cells.length), header.cells.length);
  for (let i = 0; i < width; i++) {
    const written = (header.cells[i] ?? '').trim();
    const name = normalHeader(written);
    if (name === '') {
      headerless.push(i);
      continue;
    }
    if (!(UNIT_COLUMNS as readonly string[]).includes(name)) {
      headerIssues.push({
        line: header.line,
        column: written,
        message: `unknown column (column ${columnLetter(i)}); the columns are ${UNIT_COLUMNS.join(', ')}`,
      });
      continue;
    }
    const column = name as UnitColumn;
    const earlier = indexOf.get(column);
    if (earlier !== undefined) {
      headerIssues.push({ line: header.line, column, message: `appears twice, in columns ${columnLetter(earlier)} and ${columnLetter(i)}` });
      continue;
    }
    indexOf.set(column, i);
  }
  for (const column of UNIT_COLUMNS) {
    if (!indexOf.has(column) && !OPTIONAL_COLUMNS.has(column)) {
      headerIssues.push({ line: header.line, column, message: 'required column is missing from the header row' });
    }
  }
  if (headerIssues.length > 0) {
    const issues = sortIssues(headerIssues);
    throw new UnitsFileError(summaryMessage(issues, file), issues);
  }
  if (dataRows.length === 0) {
    const message = 'the file has a header row but no units below it';
    throw new UnitsFileError(message, [{ line: header.line + 1, column: '', message }]);
  }

  // Rows: every cell checked, so that the operator sees all problems at once.
  const issues: ImportIssue[] = [...readIssues];
  const rows: UnitRow[] = [];
  const partial: KeyFields[] = [];
  for (const raw of dataRows) {
    for (const i of headerless) {
      if ((raw.cells[i] ?? '').trim() !== '') {
        issues.push({ line: raw.line, column: `column ${columnLetter(i)}`, message: 'has a value but the column has no header' });
      }
    }
    const values: Partial<FieldValues> = {};
    let valid = true;
    for (const column of UNIT_COLUMNS) {
      const index = indexOf.get(column);
      const cell = index === undefined ? '' : (raw.cells[index] ?? '');
      const result = FIELD_SCHEMAS[column].safeParse(cell);
      if (result.success) {
        (values as Record<UnitColumn, unknown>)[column] = result.data;
      } else {
        valid = false;
        for (const issue of result.error.issues) issues.push({ line: raw.line, column, message: issue.message });
      }
    }
    partial.push({
      line: raw.line,
      ...(values.agency_code !== undefined && { agencyCode: values.agency_code }),
      ...(values.agency_name !== undefined && { agencyName: values.agency_name }),
      ...(values.time_zone !== undefined && { timeZone: values.time_zone }),
      ...(values.unit_code !== undefined && { unitCode: values.unit_code }),
    });
    if (valid) {
      const v = values as FieldValues;
      rows.push({
        line: raw.line,
        agencyCode: v.agency_code,
        agencyName: v.agency_name,
        timeZone: v.time_zone,
        unitCode: v.unit_code,
        unitName: v.unit_name,
        monthlyServiceUsers: v.monthly_service_users,
        serviceTypes: v.service_types,
      });
    }
  }
  issues.push(...crossRowIssues(partial));
  if (issues.length > 0) {
    const sorted = sortIssues(issues);
    throw new UnitsFileError(summaryMessage(sorted, file), sorted);
  }
  return rows;
}

/** Reads and checks a units file (.csv or .xlsx); throws UnitsFileError listing every problem. */
export async function readUnitsFile(file: string): Promise<UnitRow[]> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') {
    throw fileIssue(`unsupported file type "${ext || path.basename(file)}": use a .csv (UTF-8) or .xlsx file`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(error);
    throw fileIssue(`cannot read ${file}: ${reason}`);
  }
  const table = ext === '.csv' ? readCsv(bytes) : await readXlsx(file);
  return parseUnitsTable(table.rows, table.issues, file);
}

/** The issues for the operator, one line each: "line 7, unit_code: ...". */
export function formatIssues(issues: ImportIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.line <= 0) return issue.column ? `${issue.column}: ${issue.message}` : issue.message;
      return issue.column ? `line ${issue.line}, ${issue.column}: ${issue.message}` : `line ${issue.line}: ${issue.message}`;
    })
    .join('\n');
}

/** A one-line account of an import for the operator. */
export function formatSummary(s: UnitsImportSummary): string {
  return (
    `agencies: ${s.agenciesCreated} created, ${s.agenciesUpdated} updated; ` +
    `units: ${s.unitsCreated} created, ${s.unitsUpdated} updated, ${s.unchanged} unchanged; ` +
    `service types added: ${s.serviceTypesAdded}`
  );
}

// --- Writing --------------------------------------------------------------------------------

// Serialises concurrent imports, so that each one's counts describe what it did.
const IMPORT_LOCK = 7_310_001;
// Keeps each statement's bind parameters well below PostgreSQL's limit of 65535.
const CHUNK = 2_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function agencyIds(tx: Tx, rows: readonly UnitRow[], summary: UnitsImportSummary): Promise<Map<string, number>> {
  const wanted = new Map<string, { code: string; name: string; timeZone: string }>();
  for (const row of rows) {
    if (!wanted.has(row.agencyCode)) wanted.set(row.agencyCode, { code: row.agencyCode, name: row.agencyName, timeZone: row.timeZone });
  }
  const codes = [...wanted.keys()];
  const existing = new Map((await tx.agency.findMany({ where: { code: { in: codes } } })).map((a) => [a.code, a]));
  const missing = [...wanted.values()].filter((a) => !existing.has(a.code));
  if (missing.length > 0) summary.agenciesCreated += (await tx.agency.createMany({ data: missing })).count;
  for (const agency of wanted.values()) {
    const current = existing.get(agency.code);
    if (current && (current.name !== agency.name || current.timeZone !== agency.timeZone)) {
      await tx.agency.update({ where: { id: current.id }, data: { name: agency.name, timeZone: agency.timeZone } });
      summary.agenciesUpdated++;
    }
  }
  const all = await tx.agency.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } });
  return new Map(all.map((a) => [a.code, a.id]));
}

/**
 * Writes valid rows (see readUnitsFile) in one transaction and says what changed. Rows that
 * contradict each other (a unit twice, an agency with two names) are refused as a whole.
 */
export async function importUnits(db: Db, rows: UnitRow[]): Promise<UnitsImportSummary> {
  const conflicts = crossRowIssues(rows);
  if (conflicts.length > 0) {
    const sorted = sortIssues(conflicts);
    throw new UnitsFileError(summaryMessage(sorted), sorted);
  }
  const summary: UnitsImportSummary = {
    agenciesCreated: 0,
    agenciesUpdated: 0,
    unitsCreated: 0,
    unitsUpdated: 0,
    serviceTypesAdded: 0,
    unchanged: 0,
  };
  if (rows.length === 0) return summary;

  return await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`;
      const agencyIdOf = await agencyIds(tx, rows, summary);

      const unitCodes = rows.map((row) => row.unitCode);
      const existing = new Map<string, { id: number; name: string; agencyId: number; monthlyServiceUsers: number | null; types: Set<string> }>();
      for (const part of chunks(unitCodes)) {
        const found = await tx.serviceUnit.findMany({
          where: { code: { in: part } },
          select: { id: true, code: true, name: true, agencyId: true, monthlyServiceUsers: true, serviceTypes: { select: { name: true } } },
        });
        for (const u of found) existing.set(u.code, { ...u, types: new Set(u.serviceTypes.map((t) => t.name.toLowerCase())) });
      }

      const created = rows.filter((row) => !existing.has(row.unitCode));
      for (const part of chunks(created)) {
        await tx.serviceUnit.createMany({
          data: part.map((row) => ({
            code: row.unitCode,
            name: row.unitName,
            agencyId: agencyIdOf.get(row.agencyCode)!,
            monthlyServiceUsers: row.monthlyServiceUsers,
          })),
        });
      }
      summary.unitsCreated = created.length;
      const unitIdOf = new Map([...existing].map(([code, u]) => [code, u.id]));
      for (const part of chunks(created.map((row) => row.unitCode))) {
        for (const u of await tx.serviceUnit.findMany({ where: { code: { in: part } }, select: { id: true, code: true } })) {
          unitIdOf.set(u.code, u.id);
        }
      }

      const newTypes: { unitId: number; name: string; sortOrder: number }[] = [];
      for (const row of rows) {
        const unitId = unitIdOf.get(row.unitCode)!;
        const current = existing.get(row.unitCode);
        const addedTypes = row.serviceTypes
          .map((name, sortOrder) => ({ unitId, name, sortOrder }))
          .filter((t) => !current?.types.has(t.name.toLowerCase()));
        newTypes.push(...addedTypes);
        if (!current) continue;

        const agencyId = agencyIdOf.get(row.agencyCode)!;
        const users = row.monthlyServiceUsers ?? current.monthlyServiceUsers;
        // A unit listed under another agency has moved (e.g. a counter handed to another OPD):
        // the file is the operator's word on where the unit belongs now. Its responses stay
        // with the unit.
        const changed = current.name !== row.unitName || current.agencyId !== agencyId || current.monthlyServiceUsers !== users;
        if (changed) {
          await tx.serviceUnit.update({
            where: { id: current.id },
            data: { name: row.unitName, agencyId, monthlyServiceUsers: users },
          });
        }
        if (changed || addedTypes.length > 0) summary.unitsUpdated++;
        else summary.unchanged++;
      }
      for (const part of chunks(newTypes)) {
        summary.serviceTypesAdded += (await tx.serviceType.createMany({ data: part })).count;
      }
      return summary;
    },
    // One round trip per changed row: allow time in proportion to the file.
    { maxWait: 10_000, timeout: 60_000 + rows.length * 20 },
  );
}
