import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportData, HEADER_ROWS, exportCsv, exportXlsx, loadExportData } from '../../src/reports/export.js';
import { ELEMENT_CODES, columnsOf, parsePeriod, roundHalfUp, score, sumsFromAnswers, targetSample, zonedTimeUtc } from '../../src/scoring/index.js';
import { translate } from '../../src/i18n/index.js';
import { RESPONSE_FLAGS } from '../../src/survey/flags.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const WORDS = { locale: 'id' as const, say: (key: string, params?: Record<string, string | number>) => translate('id', key, params) };
const TZ = 'Asia/Makassar'; // WITA, +08: local midnights are 16:00 UTC the day before
const NOVEMBER = parsePeriod('2026-11')!;

/** The worked example (test/support/worked-example.ts): IKM 82.41, B, Baik. */
const EXPECTED_NRR = [3.333, 3.167, 2.833, 3.167, 3.5, 3.667, 3.833, 3.167, 3.0];

/** Local wall times (WITA) of the six in-period responses; the first is the period's first minute. */
const IN_PERIOD = [
  zonedTimeUtc(2026, 11, 1, 0, 0, TZ),
  zonedTimeUtc(2026, 11, 3, 8, 15, TZ),
  zonedTimeUtc(2026, 11, 10, 9, 5, TZ),
  zonedTimeUtc(2026, 11, 10, 9, 5, TZ), // same instant: order falls back to id
  zonedTimeUtc(2026, 11, 20, 13, 45, TZ),
  zonedTimeUtc(2026, 11, 30, 23, 59, TZ),
];
const OUTSIDE = [zonedTimeUtc(2026, 10, 31, 23, 59, TZ), zonedTimeUtc(2026, 12, 1, 0, 0, TZ)];

const PROFILES: { gender: string | null; ageBand: string | null; education: string | null; occupation: string | null }[] = [
  { gender: 'L', ageBand: '20-29', education: 'SMA', occupation: 'Swasta' },
  { gender: 'P', ageBand: '30-39', education: 'D4/S1', occupation: 'PNS' },
  { gender: 'P', ageBand: '30-39', education: 'SMA', occupation: 'Wirausaha' },
  { gender: null, ageBand: null, education: null, occupation: null },
  { gender: 'L', ageBand: '60+', education: 'SD', occupation: 'Lainnya' },
  { gender: 'P', ageBand: null, education: 'S2', occupation: null },
];
const SUGGESTIONS = ['Antrean, "nomor" kadang lompat', null, 'Ruang tunggu panas\u0007', null, 'Petugas ramah', null];

const SECRET_KEY = 'rk-SECRET-7c1f2a';
const SECRET_SESSION = 'sess-SECRET-93be41';

const SUMMARY_HEADERS = [
  'No',
  'Kode unit',
  'Nama unit',
  'Instansi',
  'Jumlah responden',
  ...ELEMENT_CODES.map((c) => `NRR ${c}`),
  'IKM',
  'Mutu',
  'Kinerja',
  'Zona',
  'Sementara',
  'Target sampel',
];

let t: TestDatabase;
let unitA: number;
let unitB: number;
let unitC: number;
let unitD: number;
let serviceTypeName: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  const q = await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } });
  const agency = await db.agency.create({ data: { code: 'MPP-UJI', name: 'Mal Pelayanan Publik Kota Uji', timeZone: TZ } });
  const strict = await db.agency.create({
    data: { code: 'OPD-KETAT', name: 'Dinas Ketat', timeZone: TZ, zoneHijauMin: 85, zoneKuningMin: 60, minResponses: 5 },
  });
  const a = await db.serviceUnit.create({
    data: { agencyId: agency.id, code: 'LOKET-A', name: 'Disdukcapil, Loket "A"', monthlyServiceUsers: 1000 },
  });
  const b = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'LOKET-B', name: 'Samsat', monthlyServiceUsers: null } });
  const c = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'LOKET-C', name: 'Tidak diminta', monthlyServiceUsers: 50 } });
  const d = await db.serviceUnit.create({ data: { agencyId: strict.id, code: 'KETAT-1', name: 'Perizinan', monthlyServiceUsers: 200 } });
  [unitA, unitB, unitC, unitD] = [a.id, b.id, c.id, d.id];
  const st = await db.serviceType.create({ data: { unitId: a.id, name: 'Kartu Keluarga' } });
  serviceTypeName = st.name;

  const base = { questionnaireId: q.id, channel: 'telegram', locale: 'id' };
  await db.response.createMany({
    data: [
      ...WORKED_EXAMPLE.map((r, i) => ({
        ...base,
        ...columnsOf(r),
        ...PROFILES[i]!,
        sessionId: `${SECRET_SESSION}-${i}`,
        respondentKey: `${SECRET_KEY}-${i}`,
        unitId: a.id,
        serviceTypeId: i === 0 ? st.id : null,
        submittedAt: IN_PERIOD[i]!,
        startedAt: new Date(IN_PERIOD[i]!.getTime() - 90_000),
        maladmin: i === 1 ? { imbalan: true, calo: false, penundaan: false, diskriminasi: false, prosedur: true } : { imbalan: false, calo: false },
        maladminCount: i === 1 ? 2 : 0,
        suggestion: SUGGESTIONS[i] ?? null,
        channel: i === 2 ? 'terminal' : 'telegram',
        flags: i === 5 ? ['too_fast'] : [],
      })),
      // Just outside November in WITA: must not count.
      ...OUTSIDE.map((at, i) => ({
        ...base,
        ...columnsOf([1, 1, 1, 1, 1, 1, 1, 1, 1]),
        sessionId: `${SECRET_SESSION}-out-${i}`,
        respondentKey: `${SECRET_KEY}-out-${i}`,
        unitId: a.id,
        submittedAt: at,
        startedAt: at,
        maladmin: {},
      })),
      // In the period, but for a unit outside the scope.
      {
        ...base,
        ...columnsOf([1, 2, 1, 2, 1, 2, 1, 2, 1]),
        sessionId: `${SECRET_SESSION}-c`,
        respondentKey: `${SECRET_KEY}-c`,
        unitId: c.id,
        submittedAt: IN_PERIOD[2]!,
        startedAt: IN_PERIOD[2]!,
        maladmin: {},
      },
      // The worked example again, for the agency with its own thresholds.
      ...WORKED_EXAMPLE.map((r, i) => ({
        ...base,
        ...columnsOf(r),
        sessionId: `${SECRET_SESSION}-d-${i}`,
        unitId: d.id,
        submittedAt: IN_PERIOD[i]!,
        startedAt: IN_PERIOD[i]!,
        maladmin: {},
      })),
    ],
  });
});

afterAll(async () => {
  await t?.drop();
});

async function workbookOf(data: ExportData): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  // exceljs declares its own ArrayBuffer-like `Buffer` type; at run time it takes Node's Buffer.
  await wb.xlsx.load((await exportXlsx(data, WORDS)) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  return wb;
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`sheet ${name} missing`);
  return ws;
}

/** Cell values of one row, columns 1..width (empty cells as null). */
function rowValues(ws: ExcelJS.Worksheet, row: number, width: number): ExcelJS.CellValue[] {
  const r = ws.getRow(row);
  return Array.from({ length: width }, (_, i) => r.getCell(i + 1).value ?? null);
}

/** A cell's whole value as text: rich text, formulas and links spelled out, so a scan misses nothing. */
function cellString(value: ExcelJS.CellValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function headerOf(ws: ExcelJS.Worksheet, row: number): string[] {
  const headers: string[] = [];
  ws.getRow(row).eachCell({ includeEmpty: false }, (cell) => headers.push(cell.text));
  return headers;
}

describe('spreadsheet and CSV export', () => {
  it('Ringkasan shows the worked example scored by the scoring module, and a unit without responses without scores', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitB], period: NOVEMBER, timeZone: TZ });
    // LOKET-C has a response in the period but is not asked for.
    expect(data.units.map((u) => u.code)).toEqual(['LOKET-A', 'LOKET-B']);
    const wb = await workbookOf(data);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Ringkasan', ...ELEMENT_CODES, 'Demografi', 'Responden', 'Catatan']);
    const ws = sheet(wb, 'Ringkasan');
    const h = HEADER_ROWS.summary;
    expect(ws.getCell(1, 1).text).toContain('2026-11');
    expect(ws.getCell(1, 1).text).toContain('2026-11-01 s.d. 2026-11-30');
    expect(headerOf(ws, h)).toEqual(SUMMARY_HEADERS);
    expect(ws.getRow(h).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: h });

    const expected = score(sumsFromAnswers(WORKED_EXAMPLE))!;
    expect(expected.ikm).toBe(82.41);
    const a = rowValues(ws, h + 1, SUMMARY_HEADERS.length);
    expect(a).toEqual([
      1,
      'LOKET-A',
      'Disdukcapil, Loket "A"',
      'Mal Pelayanan Publik Kota Uji',
      6,
      ...expected.nrr.map((n) => roundHalfUp(n, 3)),
      expected.ikm,
      expected.mutu,
      expected.kinerja,
      expected.zona,
      'Ya',
      targetSample(1000),
    ]);
    // The worked example's numbers, stored as numbers.
    expect(a.slice(5, 14)).toEqual(EXPECTED_NRR);
    expect(a.slice(14, 18)).toEqual([82.41, 'B', 'Baik', 'hijau']);
    expect(a[19]).toBe(278);
    expect(ws.getCell(h + 1, 6).numFmt).toBe('0.000');
    expect(ws.getCell(h + 1, 15).numFmt).toBe('0.00');

    // No responses: the row is there with 0, and no score is shown (never 0 as a score).
    const b = rowValues(ws, h + 2, SUMMARY_HEADERS.length);
    expect(b).toEqual([2, 'LOKET-B', 'Samsat', 'Mal Pelayanan Publik Kota Uji', 0, ...Array<null>(13).fill(null), 'Ya', null]);
    // Only the units asked for.
    expect(ws.getCell(h + 3, 2).value).toBeNull();
    expect(ws.actualRowCount).toBe(h + 3); // title, note, header, two units, the agency total
  });

  it('each element sheet counts the answers 1-4 per unit, with the total and the NRR', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitB], period: NOVEMBER, timeZone: TZ });
    const wb = await workbookOf(data);
    const expected = score(sumsFromAnswers(WORKED_EXAMPLE))!;
    const h = HEADER_ROWS.element;
    let checked = 0;
    for (const [e, code] of ELEMENT_CODES.entries()) {
      const ws = sheet(wb, code);
      const labels = DEFAULT_QUESTIONNAIRE.elements[e]!.labels.map((l) => l.id);
      expect(headerOf(ws, h)).toEqual(['No', 'Kode unit', 'Nama unit', ...labels.map((l, i) => `${i + 1} (${l})`), 'Jumlah', 'NRR']);
      const counts = [1, 2, 3, 4].map((v) => WORKED_EXAMPLE.filter((r) => r[e] === v).length);
      expect(rowValues(ws, h + 1, 9)).toEqual([1, 'LOKET-A', 'Disdukcapil, Loket "A"', ...counts, 6, roundHalfUp(expected.nrr[e]!, 3)]);
      expect(rowValues(ws, h + 2, 9)).toEqual([2, 'LOKET-B', 'Samsat', 0, 0, 0, 0, 0, null]);
      checked++;
    }
    expect(checked).toBe(9);
    // Spelled out for one element: U4 answers are 2, 1, 4, 4, 4, 4.
    expect(rowValues(sheet(wb, 'U4'), h + 1, 9).slice(3)).toEqual([1, 1, 0, 4, 6, 3.167]);
  });

  it('Demografi counts profile answers per unit, with "Tidak diisi" for skipped items', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitB], period: NOVEMBER, timeZone: TZ });
    const ws = sheet(await workbookOf(data), 'Demografi');
    const h = HEADER_ROWS.demography;
    const headers = headerOf(ws, h);
    const a = rowValues(ws, h + 1, headers.length);
    const b = rowValues(ws, h + 2, headers.length);
    const valueOf = (row: ExcelJS.CellValue[], header: string) => {
      const i = headers.indexOf(header);
      expect(i, header).toBeGreaterThanOrEqual(0);
      return row[i];
    };
    expect(headers.slice(0, 4)).toEqual(['No', 'Kode unit', 'Nama unit', 'Jumlah responden']);
    expect(valueOf(a, 'Jumlah responden')).toBe(6);
    expect(valueOf(a, 'Jenis kelamin: L')).toBe(2);
    expect(valueOf(a, 'Jenis kelamin: P')).toBe(3);
    expect(valueOf(a, 'Jenis kelamin: Tidak diisi')).toBe(1);
    expect(valueOf(a, 'Umur: 30-39')).toBe(2);
    expect(valueOf(a, 'Umur: <20')).toBe(0);
    expect(valueOf(a, 'Umur: Tidak diisi')).toBe(2);
    expect(valueOf(a, 'Pendidikan: SMA')).toBe(2);
    expect(valueOf(a, 'Pendidikan: S2')).toBe(1);
    expect(valueOf(a, 'Pendidikan: Tidak diisi')).toBe(1);
    expect(valueOf(a, 'Pekerjaan: PNS')).toBe(1);
    expect(valueOf(a, 'Pekerjaan: Tidak diisi')).toBe(2);
    // Every group adds up to the number of responses.
    for (const group of ['Jenis kelamin', 'Umur', 'Pendidikan', 'Pekerjaan']) {
      const total = headers.reduce((sum, header, i) => (header.startsWith(`${group}: `) ? sum + Number(a[i]) : sum), 0);
      expect(total, group).toBe(6);
    }
    expect(b.slice(0, 4)).toEqual([2, 'LOKET-B', 'Samsat', 0]);
    expect(b).toHaveLength(headers.length);
    expect(b.slice(4).length).toBeGreaterThan(0);
    expect(b.slice(4).every((v) => v === 0)).toBe(true);
  });

  it('Responden lists each response in the period, in local time, without any respondent or session identity', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitB], period: NOVEMBER, timeZone: TZ });
    const wb = await workbookOf(data);
    const ws = sheet(wb, 'Responden');
    const h = HEADER_ROWS.responses;
    const maladminHeaders = ['Pungli/imbalan', 'Calo', 'Penundaan berlarut', 'Diskriminasi', 'Penyimpangan prosedur'];
    const headers = headerOf(ws, h);
    expect(headers).toEqual([
      'Waktu',
      'Kode unit',
      'Jenis layanan',
      ...ELEMENT_CODES,
      ...maladminHeaders,
      'Jenis kelamin',
      'Umur',
      'Pendidikan',
      'Pekerjaan',
      'Saran',
      'Kanal',
      'Tanda anomali',
    ]);
    expect(ws.actualRowCount).toBe(h + WORKED_EXAMPLE.length);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: h });

    const rows = WORKED_EXAMPLE.map((_, i) => rowValues(ws, h + 1 + i, headers.length));
    // Wall time in WITA, stored as a date cell shown as YYYY-MM-DD HH:mm.
    expect((rows[0]![0] as Date).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect((rows[5]![0] as Date).toISOString()).toBe('2026-11-30T23:59:00.000Z');
    expect(ws.getCell(h + 1, 1).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(data.responses.map((r) => r.localTime)).toEqual([
      '2026-11-01 00:00',
      '2026-11-03 08:15',
      '2026-11-10 09:05',
      '2026-11-10 09:05',
      '2026-11-20 13:45',
      '2026-11-30 23:59',
    ]);
    // Answers are numbers, in submission order (ties by id).
    expect(rows.map((r) => r.slice(3, 12))).toEqual(WORKED_EXAMPLE);
    expect(rows[0]!.slice(1, 3)).toEqual(['LOKET-A', serviceTypeName]);
    expect(rows[1]![2]).toBeNull();
    expect(rows[1]!.slice(12, 17)).toEqual(['Ya', 'Tidak', 'Tidak', 'Tidak', 'Ya']);
    // Items not asked in a response stay empty rather than "Tidak".
    expect(rows[0]!.slice(12, 17)).toEqual(['Tidak', 'Tidak', null, null, null]);
    expect(rows[0]!.slice(17)).toEqual(['L', '20-29', 'SMA', 'Swasta', 'Antrean, "nomor" kadang lompat', 'telegram', null]);
    expect(rows[2]![21]).toBe('Ruang tunggu panas'); // the control character is left out
    expect(rows[2]![22]).toBe('terminal');
    expect(rows[3]!.slice(17, 21)).toEqual([null, null, null, null]);
    expect(rows[5]![23]).toBe('diisi terlalu cepat'); // a flag in words, never its code

    // Nothing in the whole workbook identifies a respondent or a session.
    const everything: string[] = [];
    for (const w of wb.worksheets) {
      w.eachRow({ includeEmpty: false }, (row) => row.eachCell({ includeEmpty: false }, (cell) => everything.push(cellString(cell.value))));
    }
    expect(everything.length).toBeGreaterThan(100);
    for (const text of everything) {
      expect(text).not.toContain('SECRET');
      expect(text.toLowerCase()).not.toMatch(/respondentkey|sessionid|chat/);
    }
    expect(JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('SECRET');
  });

  it('the CSV is the Ringkasan table: BOM, CRLF, RFC 4180 quoting, the same numbers', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitB], period: NOVEMBER, timeZone: TZ });
    const csv = exportCsv(data, WORDS, 'rfc4180');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(SUMMARY_HEADERS.join(','));
    expect(lines[1]).toBe(
      '1,LOKET-A,"Disdukcapil, Loket ""A""",Mal Pelayanan Publik Kota Uji,6,' +
        '3.333,3.167,2.833,3.167,3.500,3.667,3.833,3.167,3.000,82.41,B,Baik,hijau,Ya,278',
    );
    expect(lines[2]).toBe('2,LOKET-B,Samsat,Mal Pelayanan Publik Kota Uji,0,,,,,,,,,,,,,,Ya,');

    const records = parse(csv, { bom: true });
    expect(records).toHaveLength(4); // header, two units, the agency total
    expect(records[0]).toEqual(SUMMARY_HEADERS);
    const expected = score(sumsFromAnswers(WORKED_EXAMPLE))!;
    const a = records[1]!;
    expect(a[2]).toBe('Disdukcapil, Loket "A"');
    expect(a.slice(5, 14).map(Number)).toEqual(expected.nrr.map((n) => roundHalfUp(n, 3)));
    expect(Number(a[14])).toBe(expected.ikm);
    expect(a.slice(15, 18)).toEqual([expected.mutu, expected.kinerja, expected.zona]);

    // The workbook holds exactly the same summary.
    const ws = sheet(await workbookOf(data), 'Ringkasan');
    for (const [r, record] of records.slice(1).entries()) {
      const cells = rowValues(ws, HEADER_ROWS.summary + 1 + r, SUMMARY_HEADERS.length);
      expect(record.map((v, i) => (typeof cells[i] === 'number' ? Number(v) : v === '' ? null : v))).toEqual(cells);
    }
  });

  it("the agency's own thresholds and minimum decide zone and provisional flag", async () => {
    const data = await loadExportData(t.db, { unitIds: [unitD], period: NOVEMBER, timeZone: TZ });
    const csv = parse(exportCsv(data, WORDS, 'rfc4180'), { bom: true });
    const row = csv[1]!;
    expect(Number(row[14])).toBe(82.41);
    expect(row.slice(15, 19)).toEqual(['B', 'Baik', 'kuning', 'Tidak']); // hijau from 85, minimum 5 responses
    expect(Number(row[19])).toBe(targetSample(200));
  });

  it('units appear in the order asked, each with only its own responses', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitC, unitA, unitC, 999_999], period: NOVEMBER, timeZone: TZ });
    expect(data.units.map((u) => [u.code, u.sums.count])).toEqual([
      ['LOKET-C', 1],
      ['LOKET-A', 6],
    ]);
    expect(data.units[0]!.sums.sums).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1]);
    expect(data.units[0]!.score?.ikm).toBe(score(sumsFromAnswers([[1, 2, 1, 2, 1, 2, 1, 2, 1]]))!.ikm);
    expect(data.responses.map((r) => r.unitCode).sort()).toEqual(['LOKET-A', 'LOKET-A', 'LOKET-A', 'LOKET-A', 'LOKET-A', 'LOKET-A', 'LOKET-C']);
  });

  it('the target sample scales monthly service users to the period', async () => {
    const target = async (period: string) => {
      const data = await loadExportData(t.db, { unitIds: [unitA], period: parsePeriod(period)!, timeZone: TZ });
      return data.units[0]!.targetSample;
    };
    expect(await target('2026-11')).toBe(targetSample(1000));
    expect(await target('2026-Q4')).toBe(targetSample(3000));
    expect(await target('2026-S2')).toBe(targetSample(6000));
    expect(await target('2026')).toBe(targetSample(12000));
    expect(await target('2026-W47')).toBe(targetSample(230)); // 1000 × 7/30.4375 = 229.98, as in the unit report
    const week = await loadExportData(t.db, { unitIds: [unitA], period: parsePeriod('2026-W45')!, timeZone: TZ });
    // 2026-W45 is 2 to 8 November (WITA): one of the six responses.
    expect(week.units[0]!.sums.count).toBe(1);
  });

  it('an empty scope still gives a readable workbook and a CSV with only the header', async () => {
    const data = await loadExportData(t.db, { unitIds: [], period: NOVEMBER, timeZone: TZ });
    expect(data.units).toEqual([]);
    expect(data.responses).toEqual([]);
    expect(exportCsv(data, WORDS, 'rfc4180')).toBe(`\uFEFF${SUMMARY_HEADERS.join(',')}\r\n`);
    expect(exportCsv(data, WORDS)).toBe(`\uFEFF${SUMMARY_HEADERS.join(';')}\r\n`);
    const wb = await workbookOf(data);
    expect(headerOf(sheet(wb, 'Ringkasan'), HEADER_ROWS.summary)).toEqual(SUMMARY_HEADERS);
    expect(sheet(wb, 'Responden').actualRowCount).toBe(1);
  });
});

describe('CSV dialects, totals, formula neutralising and notes', () => {
  it('excel-id: semicolons and the decimal comma, UTF-8 with BOM, parsed back to the same numbers as rfc4180', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitB], period: NOVEMBER, timeZone: TZ });
    const excel = exportCsv(data, WORDS);
    expect(excel).toBe(exportCsv(data, WORDS, 'excel-id'));
    expect(excel.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(excel, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = excel.slice(1).split('\r\n');
    expect(lines[0]).toBe(SUMMARY_HEADERS.join(';'));
    // The comma inside the name needs no quotes with ';', the quote marks still do.
    expect(lines[1]).toBe(
      '1;LOKET-A;"Disdukcapil, Loket ""A""";Mal Pelayanan Publik Kota Uji;6;' +
        '3,333;3,167;2,833;3,167;3,500;3,667;3,833;3,167;3,000;82,41;B;Baik;hijau;Ya;278',
    );
    const fromExcel = parse(excel, { bom: true, delimiter: ';' });
    const fromRfc = parse(exportCsv(data, WORDS, 'rfc4180'), { bom: true });
    expect(fromExcel).toHaveLength(fromRfc.length);
    const numeric = (v: string) => (/^\d+([.,]\d+)?$/.test(v) ? Number(v.replace(',', '.')) : v);
    expect(fromExcel.map((r) => r.map(numeric))).toEqual(fromRfc.map((r) => r.map(numeric)));
  });

  it('ends Ringkasan with the agency total: all responses pooled, not the mean of the unit IKMs', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA, unitC, unitD], period: NOVEMBER, timeZone: TZ });
    const records = parse(exportCsv(data, WORDS, 'rfc4180'), { bom: true });
    // Units A and C (MPP-UJI), D (OPD-KETAT): one total per agency, after the units.
    expect(records.slice(1).map((r) => r[1])).toEqual(['LOKET-A', 'LOKET-C', 'KETAT-1', '', '']);
    const total = records[4]!;
    const pooled = score(sumsFromAnswers([...WORKED_EXAMPLE, [1, 2, 1, 2, 1, 2, 1, 2, 1]]))!;
    expect(total[2]).toBe('Total Mal Pelayanan Publik Kota Uji (semua responden digabung)');
    expect(Number(total[4])).toBe(7);
    expect(Number(total[14])).toBe(pooled.ikm);
    const mean = (82.41 + score(sumsFromAnswers([[1, 2, 1, 2, 1, 2, 1, 2, 1]]))!.ikm) / 2;
    expect(Math.abs(Number(total[14]) - mean)).toBeGreaterThan(1);
    expect(total.slice(15, 18)).toEqual([pooled.mutu, pooled.kinerja, pooled.zona]);
    expect(Number(total[19])).toBe(targetSample(1000) + targetSample(50));
    expect(records[5]![2]).toBe('Total Dinas Ketat (semua responden digabung)');
    // In the workbook: the same row, bold, numbers as numbers.
    const ws = sheet(await workbookOf(data), 'Ringkasan');
    const row = ws.getRow(HEADER_ROWS.summary + 4);
    expect(row.getCell(15).value).toBe(pooled.ikm);
    expect(row.font?.bold).toBe(true);
  });

  it('neutralises cells a spreadsheet would read as formulas, in the CSV and the workbook', async () => {
    const agency = await t.db.agency.create({ data: { code: 'OPD-RUMUS', name: '@SUM(A1:A9)', timeZone: TZ } });
    const names = ['=1+2', '+62 812', '-5', '@cmd', '\tTab', '\rCR', 'Aman = biasa'];
    const ids = [];
    for (const [i, name] of names.entries()) {
      ids.push((await t.db.serviceUnit.create({ data: { agencyId: agency.id, code: `RUMUS-${i}`, name } })).id);
    }
    const data = await loadExportData(t.db, { unitIds: ids, period: NOVEMBER, timeZone: TZ });
    const expected = ["'=1+2", "'+62 812", "'-5", "'@cmd", "'\tTab", "'\rCR", 'Aman = biasa'];
    for (const dialect of ['excel-id', 'rfc4180'] as const) {
      const records = parse(exportCsv(data, WORDS, dialect), { bom: true, delimiter: dialect === 'excel-id' ? ';' : ',' });
      expect(records.slice(1, 1 + names.length).map((r) => r[2])).toEqual(expected);
      expect(records[1]![3]).toBe("'@SUM(A1:A9)");
      for (const record of records) for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const ws = sheet(await workbookOf(data), 'Ringkasan');
    const cells = names.map((_, i) => ws.getRow(HEADER_ROWS.summary + 1 + i).getCell(3).value);
    // XML keeps no lone carriage return: it reads back as a line feed, still after the apostrophe.
    expect(cells).toEqual(expected.map((v) => v.replace('\r', '\n')));
    for (let r = 1; r <= ws.rowCount; r++) {
      ws.getRow(r).eachCell((cell) => {
        expect(typeof cell.value === 'string' ? cell.value : '').not.toMatch(/^[=+\-@\t\r]/);
        expect(cell.formula).toBeUndefined();
      });
    }
  });

  it('explains every flag in words in the notes sheet, in Indonesian and in English', async () => {
    const data = await loadExportData(t.db, { unitIds: [unitA], period: NOVEMBER, timeZone: TZ });
    for (const locale of ['id', 'en'] as const) {
      const words = { locale, say: (key: string, params?: Record<string, string | number>) => translate(locale, key, params) };
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await exportXlsx(data, words)) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
      const notes = sheet(wb, 'Catatan');
      const text: string[] = [];
      notes.eachRow((row) => text.push(row.getCell(1).text));
      const all = text.join('\n');
      expect(RESPONSE_FLAGS.length).toBeGreaterThan(1);
      for (const flag of RESPONSE_FLAGS) {
        expect(all).toContain(`${translate(locale, `export.flags.${flag}`)}: ${translate(locale, `export.flagMeanings.${flag}`)}`);
        expect(all).not.toContain(flag);
      }
      expect(all).toContain(locale === 'id' ? 'zona hijau mulai IKM 76,61, kuning mulai 65,00' : 'green zone from IKM 76.61, yellow from 65.00');
      const responses = sheet(wb, 'Responden');
      const flagged: string[] = [];
      responses.eachRow((row, n) => n > 1 && row.getCell(24).text !== '' && flagged.push(row.getCell(24).text));
      expect(flagged).toEqual([locale === 'id' ? 'diisi terlalu cepat' : 'filled in too fast']);
    }
  });

  it('every flag the survey can set is explained in the README', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const flag of RESPONSE_FLAGS) {
      expect(readme).toContain(`\`${flag}\``);
      expect(readme).toContain(translate('id', `export.flags.${flag}`));
    }
  });
});
