// Reading a units file into a table of text cells: CSV (UTF-8, comma or semicolon, as Excel saves
// it) or the first worksheet of an XLSX. Nothing is checked here beyond being readable; the rows
// go to validate.ts. The file format is described in index.ts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { type ImportIssue, UnitsFileError, columnLetter, fileIssue } from './issues.js';

/** A row as read from the file: cells by 0-based column index, already as text. */
export interface RawRow {
  line: number;
  cells: string[];
}

export interface RawTable {
  rows: RawRow[];
  /** Problems found while reading cells (e.g. Excel error values), reported with the rest. */
  issues: ImportIssue[];
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

/** Reads a .csv or .xlsx file into its rows; throws UnitsFileError when it cannot be read at all. */
export async function readTable(file: string): Promise<RawTable> {
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
  return ext === '.csv' ? readCsv(bytes) : await readXlsx(file);
}
