// Spreadsheet (XLSX) and CSV export of one period's SKM results for a set of units: the data an
// admin downloads with `/unduh` or `skm report --format csv|xlsx` to make the yearly SKM report.
// This file is the export's public face; the work is split along its seams in export/:
//  - load.ts:    SQL aggregates per unit, plus the response rows for the "Responden" sheet, as
//                plain data (ExportData) with every score computed by the scoring module;
//  - compose.ts: one table per sheet (columns and rows of plain values), shared by XLSX and CSV;
//  - render.ts:  the tables written as an XLSX workbook, or the "Ringkasan" table as CSV.
//
// Layout of the workbook (row numbers are 1-based, as Excel shows them; also in HEADER_ROWS):
// - "Ringkasan": title in row 1, a note in row 2, header in row 3, one row per unit from row 4.
// - "U1".."U9": title in row 1, header in row 3, one row per unit from row 4.
// - "Demografi": title in row 1, header in row 3, one row per unit from row 4.
// - "Responden": header in row 1, one row per response from row 2 (a flat table for pivots); its
//   anomaly flags in words.
// - "Catatan": how the numbers are made and what each anomaly flag means, one line a row.
// "Ringkasan" ends with one total row per agency: all its responses pooled (the agency report).
// The CSV is the "Ringkasan" table alone: header line first, no title; `excel-id` or `rfc4180`.
export {
  DEMOGRAPHIC_DIMENSIONS,
  type DemographicDimension,
  type ExportData,
  type ExportResponse,
  type ExportScope,
  type ExportTotal,
  type ExportUnit,
  loadExportData,
} from './export/load.js';
export { CSV_DIALECTS, type CsvDialect, type ExportWords, HEADER_ROWS, SHEET_NAMES, flagWords, summaryTable } from './export/compose.js';
export { exportCsv, exportXlsx, neutralise } from './export/render.js';
// The same service-user count (and so the same target sample) as the unit report and /skor.
export { periodServiceUsers } from './unit-report.js';
