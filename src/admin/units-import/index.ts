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
//   contact_email          no        the agency's contact, named in the privacy notice citizens
//   contact_phone          no        agree to: an e-mail address, a phone number as people write
//   contact_address        no        it ("(0542) 123456"), an address of 2–200 characters. Empty:
//                                    the stored value stays; rows of one agency that give one must
//                                    agree
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
// - A new agency or unit is created; a changed agency name, time zone or contact, and a changed unit name
//   or monthly_service_users, update the existing row. An empty monthly_service_users keeps the
//   number already stored.
// - A unit that exists under another agency is moved to the agency given in the file.
// - Service types the unit lacks are added, ordered by their position in the list; names are
//   matched ignoring case. Service types missing from the file are left alone, never deleted:
//   past responses refer to them. Active/inactive flags are not touched.
//
// The parts: read.ts (file → rows of text), validate.ts (rows → checked UnitRow values, or every
// problem), write.ts (the transaction), issues.ts (problems and how they are shown).
import { readTable } from './read.js';
import { type UnitRow, parseUnitsTable } from './validate.js';

export { type ImportIssue, UnitsFileError, formatIssues } from './issues.js';
export type { RawRow } from './read.js';
export { INDONESIAN_TIME_ZONES, UNIT_COLUMNS, type ContactField, type UnitColumn, type UnitRow, checkContact, parseUnitsTable } from './validate.js';
export { type UnitsImportSummary, formatSummary, importUnits } from './write.js';

/** Reads and checks a units file (.csv or .xlsx); throws UnitsFileError listing every problem. */
export async function readUnitsFile(file: string): Promise<UnitRow[]> {
  const table = await readTable(file);
  return parseUnitsTable(table.rows, table.issues, file);
}
