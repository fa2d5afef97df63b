// Checking a table of units: the header (known columns, each once, the required ones present),
// every cell by its column's rule (zod), and the rows against each other (a unit code once, one
// name and time zone per agency). Every problem is collected, so the operator sees all at once.
// The rules are those listed in index.ts.
import path from 'node:path';
import { z } from 'zod';
import { resolveTimeZone } from '../../scoring/dates.js';
import { type ImportIssue, UnitsFileError, columnLetter, fileIssue, formatIssues } from './issues.js';
import type { RawRow } from './read.js';

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
  /** The agency's contact for the privacy notice; null: not given (the stored one stays). */
  contactEmail: string | null;
  contactPhone: string | null;
  contactAddress: string | null;
}

export const UNIT_COLUMNS = [
  'agency_code',
  'agency_name',
  'time_zone',
  'unit_code',
  'unit_name',
  'monthly_service_users',
  'service_types',
  'contact_email',
  'contact_phone',
  'contact_address',
] as const;
export type UnitColumn = (typeof UNIT_COLUMNS)[number];
const OPTIONAL_COLUMNS: ReadonlySet<UnitColumn> = new Set([
  'monthly_service_users',
  'service_types',
  'contact_email',
  'contact_phone',
  'contact_address',
]);

export type ContactField = 'contactEmail' | 'contactPhone' | 'contactAddress';

/**
 * An agency's contact as the privacy notice shows it, checked: an e-mail address, a phone number
 * as people write it ("(0542) 123456", "0812-3456-7890", "+62 542 123456"), or an address of
 * 2–200 characters. Empty clears it (null). Shared by the import and `skm agency set`.
 */
export function checkContact(field: ContactField, raw: string): { ok: true; value: string | null } | { ok: false; problem: string } {
  const value = collapse(raw);
  if (value === '') return { ok: true, value: null };
  if (field === 'contactEmail') {
    return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 120
      ? { ok: true, value }
      : { ok: false, problem: 'is not an e-mail address (e.g. ppid@kota.go.id)' };
  }
  if (field === 'contactPhone') {
    const digits = value.replace(/\D/g, '').length;
    return /^\+?[0-9 ()./-]+$/.test(value) && digits >= 5 && digits <= 15
      ? { ok: true, value }
      : { ok: false, problem: 'is not a phone number (digits, spaces, +, -, parentheses; e.g. (0542) 123456)' };
  }
  return value.length >= 2 && value.length <= 200 ? { ok: true, value } : { ok: false, problem: 'must be 2–200 characters long' };
}

const contactField = (field: ContactField) =>
  z.string().transform((raw, ctx) => {
    const checked = checkContact(field, raw);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: `${shown(raw.trim())} ${checked.problem}` });
    return z.NEVER;
  });

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
  // WIB, WITA, WIT as Indonesians write them, or an IANA name.
  const zone = resolveTimeZone(value);
  if (!zone) {
    ctx.addIssue({ code: 'custom', message: `unknown time zone ${shown(value)}; use WIB, WITA, WIT or ${INDONESIAN_TIME_ZONES.join(', ')}` });
    return z.NEVER;
  }
  // Canonical spelling, so that "asia/jakarta" and "Asia/Jakarta" are one zone.
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
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
  contact_email: contactField('contactEmail'),
  contact_phone: contactField('contactPhone'),
  contact_address: contactField('contactAddress'),
} satisfies Record<UnitColumn, z.ZodType>;

type FieldValues = { [K in UnitColumn]: z.output<(typeof FIELD_SCHEMAS)[K]> };

// --- Validation -----------------------------------------------------------------------------

const normalHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
const isBlank = (row: RawRow) => row.cells.every((cell) => cell.trim() === '');

export function summaryMessage(issues: ImportIssue[], file?: string): string {
  const lines = new Set(issues.map((i) => i.line)).size;
  const where = file ? ` in ${path.basename(file)}` : '';
  const first = issues[0];
  if (issues.length === 1 && first) return `1 problem${where}: ${formatIssues([first])}`;
  return `${issues.length} problems${where} on ${lines} line${lines === 1 ? '' : 's'}; nothing was imported`;
}

export function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  const order = (column: string) => {
    const i = (UNIT_COLUMNS as readonly string[]).indexOf(column);
    return i === -1 ? UNIT_COLUMNS.length : i;
  };
  return [...issues].sort((a, b) => a.line - b.line || order(a.column) - order(b.column));
}

type KeyFields = Partial<Pick<UnitRow, 'agencyCode' | 'agencyName' | 'timeZone' | 'unitCode' | ContactField>> & { line: number };

/**
 * Checks across rows: one unit code once; all rows of an agency agree on its name and time zone, and
 * on each contact field where it is given (an empty contact cell says nothing).
 */
export function crossRowIssues(rows: readonly KeyFields[]): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const unitLine = new Map<string, number>();
  const agencyName = new Map<string, { value: string; line: number }>();
  const agencyZone = new Map<string, { value: string; line: number }>();
  const seenValue = () => new Map<string, { value: string; line: number }>();
  const contacts = { email: seenValue(), phone: seenValue(), address: seenValue() };
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
      ['contact_email', row.contactEmail ?? undefined, contacts.email],
      ['contact_phone', row.contactPhone ?? undefined, contacts.phone],
      ['contact_address', row.contactAddress ?? undefined, contacts.address],
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
      ...(values.contact_email !== undefined && { contactEmail: values.contact_email }),
      ...(values.contact_phone !== undefined && { contactPhone: values.contact_phone }),
      ...(values.contact_address !== undefined && { contactAddress: values.contact_address }),
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
        contactEmail: v.contact_email,
        contactPhone: v.contact_phone,
        contactAddress: v.contact_address,
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
