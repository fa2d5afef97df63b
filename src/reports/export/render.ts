// Writing the export's tables (compose.ts) as files: the XLSX workbook (titles, frozen headers,
// filters, number formats, column widths, a notes sheet) and the CSV of the "Ringkasan" table, in
// the dialect Indonesian Excel opens as it is (`excel-id`) or the RFC 4180 one for programs.
//
// Every text cell that a spreadsheet could take for a formula (it begins with = + - @, a tab or a
// carriage return: a unit named "=HYPERLINK(…)", a citizen's suggestion) gets a leading apostrophe,
// in the CSV and in the workbook alike, so that opening or re-saving the file never runs it.
import ExcelJS from 'exceljs';
import { ELEMENT_CODES, ELEMENT_COUNT } from '../../scoring/index.js';
import { formatDecimal } from '../../scoring/numbers.js';
import {
  type CellValue,
  type Column,
  type CsvDialect,
  type ExportWords,
  HEADER_ROWS,
  SHEET_NAMES,
  type Table,
  demographyTable,
  elementTable,
  notesTable,
  responsesTable,
  summaryTable,
} from './compose.js';
import type { ExportData } from './load.js';

// Characters XML 1.0 cannot carry (control characters, lone surrogates) may come in a citizen's
// suggestion; exceljs 4.4 drops some itself, but the file must stay readable whatever it does.
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Excel's limit for the text of one cell. */
const MAX_CELL_TEXT = 32_767;

/** What a spreadsheet would read as the start of a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text that cannot run as a formula: a leading apostrophe where it could. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cellText(value: string): string {
  return neutralise(value.replace(XML_INVALID, '')).slice(0, MAX_CELL_TEXT);
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
  for (let r = 0; r < (table.totalRows ?? 0); r++) ws.getRow(headerRow + table.rows.length - r).font = { bold: true };
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

export async function exportXlsx(data: ExportData, words: ExportWords): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'skm-bot';
  wb.title = `SKM ${data.period.label}`;

  const summary = wb.addWorksheet(SHEET_NAMES.summary);
  writeTitle(
    summary,
    `Survei Kepuasan Masyarakat (SKM) per unit layanan, ${periodText(data)}`,
    `IKM = (jumlah NRR ${ELEMENT_CODES[0]}..${ELEMENT_CODES[ELEMENT_COUNT - 1]} / ${ELEMENT_COUNT}) × 25. Sementara = responden kurang dari minimal instansi. Sel kosong = belum ada penilaian. Lihat sheet ${SHEET_NAMES.notes}.`,
  );
  writeTable(summary, HEADER_ROWS.summary, summaryTable(data, words));

  ELEMENT_CODES.forEach((code, e) => {
    const ws = wb.addWorksheet(code);
    writeTitle(ws, `${code} ${data.elements[e]?.name ?? ''}: jumlah jawaban per unit, ${periodText(data)}`);
    writeTable(ws, HEADER_ROWS.element, elementTable(data, e));
  });

  const demography = wb.addWorksheet(SHEET_NAMES.demography);
  writeTitle(demography, `Profil responden per unit, ${periodText(data)}`);
  writeTable(demography, HEADER_ROWS.demography, demographyTable(data));

  const responses = wb.addWorksheet(SHEET_NAMES.responses);
  writeTable(responses, HEADER_ROWS.responses, responsesTable(data, words));

  const notes = wb.addWorksheet(SHEET_NAMES.notes);
  const notesTableData = notesTable(data, words);
  notes.getColumn(1).width = 120;
  notes.getCell(1, 1).value = cellText(notesTableData.columns[0]!.header);
  notes.getCell(1, 1).font = { bold: true, size: 13 };
  notesTableData.rows.forEach(([line], i) => (notes.getCell(i + 2, 1).value = cellText(String(line ?? ''))));

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// --- CSV -------------------------------------------------------------------------------------

const SEPARATORS: Record<CsvDialect, string> = { 'excel-id': ';', rfc4180: ',' };

function csvField(value: CellValue, dialect: CsvDialect, decimals?: number): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  const text =
    typeof value === 'number'
      ? decimals === undefined
        ? String(value)
        : formatDecimal(value, decimals, dialect === 'excel-id' ? 'id' : 'en')
      : neutralise(value);
  const separator = SEPARATORS[dialect];
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The "Ringkasan" table (units, then the agency totals) as CSV. `excel-id`: what Excel set to
 * Indonesian opens by a double click: `;` between fields and the decimal comma. `rfc4180`: `,` and
 * the decimal point, for programs. Both UTF-8 with a byte order mark (so that Excel reads the
 * Indonesian text as UTF-8), CRLF line ends, RFC 4180 quoting.
 */
export function exportCsv(data: ExportData, words: ExportWords, dialect: CsvDialect = 'excel-id'): string {
  const table = summaryTable(data, words);
  const separator = SEPARATORS[dialect];
  const lines = [
    table.columns.map((c) => csvField(c.header, dialect)).join(separator),
    ...table.rows.map((row) => row.map((v, i) => csvField(v, dialect, table.columns[i]?.decimals)).join(separator)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
