// Writing the export's tables (compose.ts) as files: the XLSX workbook (titles, frozen headers,
// filters, number formats, column widths) and the CSV of the "Ringkasan" table.
import ExcelJS from 'exceljs';
import { ELEMENT_CODES, ELEMENT_COUNT } from '../../scoring/index.js';
import {
  type CellValue,
  type Column,
  HEADER_ROWS,
  SHEET_NAMES,
  type Table,
  demographyTable,
  elementTable,
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
    `IKM = (jumlah NRR ${ELEMENT_CODES[0]}..${ELEMENT_CODES[ELEMENT_COUNT - 1]} / ${ELEMENT_COUNT}) × 25. Sementara = responden kurang dari minimal instansi. Sel kosong = belum ada penilaian.`,
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
