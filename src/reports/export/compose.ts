// The export's tables, shared by the XLSX and the CSV: one table per sheet (columns with their
// headers and number formats, rows of plain cell values), composed from ExportData. No file format
// here: render.ts writes these tables as a workbook or as CSV.
import { type Score, ELEMENT_CODES, ELEMENT_COUNT, roundHalfUp } from '../../scoring/index.js';
import { type NumberLocale, formatDecimal } from '../../scoring/numbers.js';
import { RESPONSE_FLAGS, isResponseFlag } from '../../survey/flags.js';
import { DEMOGRAPHIC_DIMENSIONS, type DemographicDimension, type ExportData } from './load.js';

/**
 * The export's words that come from the locales (the flags and the notes sheet), in the language
 * of whoever asked for it. The caller passes them in: this layer cannot read the locales itself.
 */
export interface ExportWords {
  locale: NumberLocale;
  say: (key: string, params?: Record<string, string | number>) => string;
}

/** The CSV's dialects (render.ts): `excel-id` (`;`, decimal comma) and `rfc4180` (`,`, point). */
export const CSV_DIALECTS = ['excel-id', 'rfc4180'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

/** Row (1-based) of each sheet's header; data rows follow directly below it. */
export const HEADER_ROWS = { summary: 3, element: 3, demography: 3, responses: 1 } as const;

export const SHEET_NAMES = {
  summary: 'Ringkasan',
  notes: 'Catatan',
  demography: 'Demografi',
  responses: 'Responden',
} as const;

const NOT_FILLED = 'Tidak diisi';

export type CellValue = string | number | Date | null;

export interface Column {
  header: string;
  /** Fixed decimals for a number column (number format in XLSX, digits in CSV). */
  decimals?: number;
  /** Cap for the automatic column width. */
  maxWidth?: number;
  /** Excel number format for dates. */
  dateFormat?: string;
}

export interface Table {
  columns: Column[];
  rows: CellValue[][];
  /** How many of the last rows are totals (shown bold). */
  totalRows?: number;
}

const yaTidak = (yes: boolean) => (yes ? 'Ya' : 'Tidak');
const nrr3 = (s: Score | null, i: number): number | null => (s ? roundHalfUp(s.nrr[i]!, 3) : null);

/** The yearly SKM report's table: one row per unit, then a total row per agency (all its responses pooled). */
export function summaryTable(data: ExportData, words: ExportWords): Table {
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
  const totals = data.totals.map((total): CellValue[] => {
    const f = total.figures;
    return [
      null,
      null,
      words.say('export.total', { agency: total.agencyName }),
      total.agencyName,
      f.responses,
      ...f.unsur.map((u) => u.nrr),
      f.ikm,
      f.mutu,
      f.kinerja,
      f.zona,
      yaTidak(f.provisional),
      total.targetSample,
    ];
  });
  return { columns, rows: [...rows, ...totals], totalRows: totals.length };
}

export function elementTable(data: ExportData, e: number): Table {
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

export function demographyTable(data: ExportData): Table {
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

/** A response's flags in words ("diisi terlalu cepat"), never their codes. */
export function flagWords(flags: readonly string[], words: ExportWords): string | null {
  if (flags.length === 0) return null;
  return flags.map((f) => (isResponseFlag(f) ? words.say(`export.flags.${f}`) : words.say('export.flags.other'))).join(', ');
}

export function responsesTable(data: ExportData, words: ExportWords): Table {
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
    flagWords(r.flags, words),
  ]);
  return { columns, rows };
}

function wallTimeDate(localTime: string): Date {
  return new Date(`${localTime.replace(' ', 'T')}:00Z`);
}

/** The notes sheet: how the numbers are made, and what each anomaly flag means. One column of text. */
export function notesTable(data: ExportData, words: ExportWords): Table {
  const { say, locale } = words;
  const lines = [
    say('export.notes.ikm', { first: ELEMENT_CODES[0], last: ELEMENT_CODES[ELEMENT_COUNT - 1]!, count: ELEMENT_COUNT }),
    say('export.notes.total'),
    ...data.totals.map((total) =>
      say('export.notes.zones', {
        agency: total.agencyName,
        hijau: formatDecimal(total.scoreConfig.zones.hijauMin, 2, locale),
        kuning: formatDecimal(total.scoreConfig.zones.kuningMin, 2, locale),
        min: total.scoreConfig.minResponses,
      }),
    ),
    say('export.notes.empty'),
    say('export.notes.time', { zone: data.timeZone }),
    '',
    say('export.notes.flagsHead'),
    ...RESPONSE_FLAGS.map((flag) => say('export.notes.flag', { word: say(`export.flags.${flag}`), meaning: say(`export.flagMeanings.${flag}`) })),
  ];
  return { columns: [{ header: say('export.notes.title'), maxWidth: 120 }], rows: lines.map((line) => [line]) };
}
