// The official SKM report as a PDF (pdfkit): cover, I Pendahuluan, II Metodologi, III Hasil
// (respondent profile, NRR and NRR tertimbang per element, IKM with mutu and kinerja, per unit,
// weakest elements, maladministration, approved suggestions), IV Kesimpulan and the follow-up plans,
// the questionnaire as appendix, and the signature block. DejaVu Sans is embedded (subset), so
// Indonesian text is exact; numbers use the locale's decimal mark.
//
// pdfkit, not pdf-lib (which draws the posters): a report flows over pages, and pdfkit wraps text,
// measures it and breaks pages; the posters are one fixed page.
import PDFDocument from 'pdfkit';
import { chartFontFiles } from '../../charts/fonts.js';
import {
  DEFAULT_ELEMENTS,
  type ElementCode,
  type Mutu,
  type Zona,
  defaultElementName,
  describePeriod,
  formatDay,
  formatDecimal,
  formatPercent,
} from '../../scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../survey/questionnaire.js';
import { DEMOGRAPHIC_DIMENSIONS } from '../export.js';
import { type OfficialReport, weightedNrr } from './model.js';

type Locale = 'id' | 'en';
type Doc = PDFKit.PDFDocument;

const KNOWN_MALADMIN = new Set(DEFAULT_QUESTIONNAIRE.maladmin.map((m) => m.code));
const INK = '#1a1a1a';
const MUTED = '#555555';
const RULE = '#9a9a9a';
const HEAD_FILL = '#e8edf3';
const ZONE_COLOURS: Record<Zona, string> = { hijau: '#2e7d32', kuning: '#b58900', merah: '#c62828' };
/** IKM intervals of the regulation's conversion table, best first. */
const CONVERSION: { interval: string; mutu: Mutu }[] = [
  { interval: '88,31 – 100,00', mutu: 'A' },
  { interval: '76,61 – 88,30', mutu: 'B' },
  { interval: '65,00 – 76,60', mutu: 'C' },
  { interval: '25,00 – 64,99', mutu: 'D' },
];
const KINERJA_OF: Record<Mutu, { id: string; en: string }> = {
  A: { id: 'Sangat Baik', en: 'Very good' },
  B: { id: 'Baik', en: 'Good' },
  C: { id: 'Kurang Baik', en: 'Poor' },
  D: { id: 'Tidak Baik', en: 'Very poor' },
};

interface Column {
  header: string;
  /** Share of the text width. */
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** A text in the report's language (a key of locales/, translated). */
export type Say = (key: string, params?: Record<string, string | number>) => string;

/** Renders the report with `t` in `locale` (texts and the decimal mark); resolves to the PDF's bytes. */
export async function renderOfficialPdf(report: OfficialReport, t: Say, locale: Locale): Promise<Buffer> {
  const [regular, bold] = chartFontFiles() as [string, string];
  const periodText = describePeriod(report.period, locale);
  const scopeName =
    report.scope.kind === 'unit' ? t('report.scopeUnit', { unit: report.scope.name, agency: report.agency.name }) : report.agency.name;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 64, bottom: 72, left: 68, right: 60 },
    bufferPages: true,
    lang: locale === 'id' ? 'id-ID' : 'en',
    displayTitle: true,
    info: {
      Title: `${t('report.title')} – ${scopeName} – ${periodText}`,
      Author: report.agency.name,
      Subject: t('report.basisLine'),
      Producer: 'skm-bot (pdfkit)',
      Creator: 'skm-bot',
      CreationDate: report.generatedAt,
    },
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const num = (value: number, decimals: number) => formatDecimal(value, decimals, locale);
  const day = (d: string) => formatDay(d, locale);
  const zoneWord = (zona: Zona) => t(`staff.zones.${zona}`);
  const kinerja = (mutu: Mutu) => KINERJA_OF[mutu][locale];
  const f = report.figures;
  const s = f.ikm === null ? null : { ikm: f.ikm, mutu: f.mutu as Mutu, zona: f.zona as Zona, provisional: f.provisional };

  // --- Cover -------------------------------------------------------------------------------
  doc.moveDown(4);
  doc.font('bold').fontSize(18).fillColor(INK).text(t('report.title'), { align: 'center' });
  doc.moveDown(0.4).font('regular').fontSize(10.5).fillColor(MUTED).text(t('report.basisLine'), { align: 'center' });
  doc.moveDown(2.5).font('bold').fontSize(16).fillColor(INK).text(scopeName, { align: 'center' });
  doc
    .moveDown(0.5)
    .font('regular')
    .fontSize(12)
    .text(t('report.periodLine', { period: periodText, from: day(report.from), to: day(report.to) }), { align: 'center' });
  doc.moveDown(3);
  coverScore(doc, report, t, num, zoneWord, kinerja);
  doc
    .moveDown(8)
    .font('regular')
    .fontSize(9.5)
    .fillColor(MUTED)
    .text(t('report.madeOn', { date: day(report.generatedDay) }), { align: 'center' });

  // --- I Pendahuluan -----------------------------------------------------------------------
  doc.addPage();
  chapter(doc, t('report.ch1'));
  section(doc, t('report.basisTitle'));
  paragraph(doc, t('report.basis'));
  section(doc, t('report.purposeTitle'));
  paragraph(doc, t('report.purpose', { scope: scopeName, period: periodText }));

  // --- II Metodologi -----------------------------------------------------------------------
  chapter(doc, t('report.ch2'));
  const channels = report.channels.map((c) => channelName(c.channel)).join(', ') || 'Telegram, WhatsApp';
  const target = report.target;
  keyValues(doc, [
    [t('report.methodScope'), scopeName],
    [t('report.methodPeriod'), t('report.periodLine', { period: periodText, from: day(report.from), to: day(report.to) })],
    [t('report.methodRespondents'), String(f.responses)],
    [
      t('report.methodTarget'),
      target
        ? t('report.targetLine', {
            target: target.sample,
            users: target.serviceUsers,
            share: target.sample > 0 ? formatPercent(f.responses / target.sample, locale) : '–',
          })
        : t('report.targetUnknown'),
    ],
    [t('report.methodCollection'), t('report.collection', { channels })],
    [t('report.methodComputation'), t('report.computation')],
    [t('report.methodMinimum'), t('report.minimum', { min: report.minResponses })],
  ]);

  // --- III Hasil ---------------------------------------------------------------------------
  chapter(doc, t('report.ch3'));
  section(doc, t('report.profileTitle'));
  for (const dim of DEMOGRAPHIC_DIMENSIONS) {
    const rows = report.profile[dim];
    const total = rows.reduce((n, r) => n + r.count, 0);
    const label = (value: string | null) => {
      if (value === null) return t('report.notFilled');
      if (dim === 'gender' && value === 'L') return t('report.genders.L');
      if (dim === 'gender' && value === 'P') return t('report.genders.P');
      if (dim === 'ageBand') return t('report.ageBand', { band: value.replace('-', '–') });
      return value;
    };
    table(
      doc,
      [
        { header: t(`report.dimensions.${dim}`), width: 0.5 },
        { header: t('report.profileCount'), width: 0.25, align: 'right' },
        { header: t('report.profileShare'), width: 0.25, align: 'right' },
      ],
      rows.map((r) => [label(r.value), String(r.count), total > 0 ? `${num((r.count / total) * 100, 1)}%` : '–']),
    );
    doc.moveDown(0.6);
  }

  section(doc, t('report.elementsTitle'));
  const elementRows = DEFAULT_ELEMENTS.map((el, i) => {
    const nrr = f.unsur[i]?.nrr ?? null;
    return [String(i + 1), `${el.code}  ${el.name[locale]}`, nrr === null ? '–' : num(nrr, 3), nrr === null ? '–' : num(weightedNrr(nrr), 3)];
  });
  const weightedSum = s ? f.unsur.reduce((n, u) => n + weightedNrr(u.nrr ?? 0), 0) : undefined;
  table(
    doc,
    [
      { header: t('report.colNo'), width: 0.08, align: 'center' },
      { header: t('report.colElement'), width: 0.52 },
      { header: t('report.colNrr'), width: 0.18, align: 'right' },
      { header: t('report.colWeighted'), width: 0.22, align: 'right' },
    ],
    [
      ...elementRows,
      ['', t('report.weightedTotal'), '', weightedSum === undefined ? '–' : num(weightedSum, 3)],
      ['', t('report.ikmRow'), '', s ? num(s.ikm, 2) : '–'],
    ],
    { boldRows: 2 },
  );

  section(doc, t('report.ikmTitle'));
  if (s) {
    keyValues(doc, [
      [t('report.ikmValue'), num(s.ikm, 2)],
      [t('report.mutu'), s.mutu],
      [t('report.kinerja'), kinerja(s.mutu)],
      [t('report.zone'), t(`report.zones.${s.zona}`)],
      [t('report.respondents'), String(f.responses)],
      ...(report.agencyFigures?.ikm != null
        ? [
            [
              t('report.agencyIkm', { agency: report.agency.name }),
              t('report.agencyIkmValue', {
                ikm: num(report.agencyFigures.ikm, 2),
                mutu: report.agencyFigures.mutu ?? '–',
                kinerja: kinerja(report.agencyFigures.mutu as Mutu),
                n: report.agencyFigures.responses,
              }),
            ] as [string, string],
          ]
        : []),
    ]);
    if (s.provisional) paragraph(doc, t('report.provisional', { min: report.minResponses }));
  } else {
    paragraph(doc, t('report.noResponses'));
  }
  doc.moveDown(0.3).font('bold').fontSize(10).fillColor(INK).text(t('report.conversionTitle'), doc.page.margins.left);
  doc.moveDown(0.3);
  table(
    doc,
    [
      { header: t('report.colInterval'), width: 0.4 },
      { header: t('report.colMutu'), width: 0.2, align: 'center' },
      { header: t('report.colKinerja'), width: 0.4 },
    ],
    CONVERSION.map((c) => [locale === 'id' ? c.interval : c.interval.replaceAll(',', '.'), c.mutu, kinerja(c.mutu)]),
  );

  let n = 4;
  if (report.scope.kind === 'agency') {
    section(doc, t('report.unitsTitle'));
    table(
      doc,
      [
        { header: t('report.colNo'), width: 0.07, align: 'center' },
        { header: t('report.colUnit'), width: 0.37 },
        { header: t('report.colRespondents'), width: 0.17, align: 'right' },
        { header: t('report.colTarget'), width: 0.15, align: 'right' },
        { header: t('report.colIkm'), width: 0.12, align: 'right' },
        { header: t('report.colMutu'), width: 0.12, align: 'center' },
      ],
      report.units.map((u, i) => [
        String(i + 1),
        `${u.unitName} (${u.unit})${u.ikm !== null && u.provisional ? ' *' : ''}`,
        String(u.responses),
        u.target === null ? '–' : String(u.target.sample),
        u.ikm === null ? '–' : num(u.ikm, 2),
        u.mutu ?? '–',
      ]),
    );
    if (report.units.some((u) => u.ikm !== null && u.provisional)) note(doc, `* ${t('report.provisional', { min: report.minResponses })}`);
    n = 5;
  }

  section(doc, t('report.weakestTitle', { n: `3.${n}` }));
  if (report.weakest.length === 0) paragraph(doc, t('report.weakestNone'));
  for (const w of report.weakest) bullet(doc, `${w.code} ${elementName(w.code, locale)}: NRR ${num(w.nrr!, 3)}`);

  section(doc, t('report.maladminTitle', { n: `3.${n + 1}` }));
  paragraph(doc, t('report.maladminSummary', { n: report.maladminRespondents }));
  table(
    doc,
    [
      { header: t('report.colMaladmin'), width: 0.75 },
      { header: t('report.colYes'), width: 0.25, align: 'right' },
    ],
    report.maladmin.map((m) => [maladminLabel(t, m.code), String(m.yes)]),
  );

  section(doc, t('report.suggestionsTitle', { n: `3.${n + 2}` }));
  if (report.suggestions.length === 0) paragraph(doc, t('report.suggestionsNone'));
  else {
    note(doc, t('report.suggestionsNote'));
    for (const text of report.suggestions) bullet(doc, `“${text}”`);
  }

  // --- IV Kesimpulan dan rencana tindak lanjut ------------------------------------------------
  chapter(doc, t('report.ch4'));
  section(doc, t('report.conclusionTitle'));
  if (s) {
    paragraph(
      doc,
      t('report.conclusion', {
        scope: scopeName,
        period: periodText,
        ikm: num(s.ikm, 2),
        n: f.responses,
        mutu: s.mutu,
        kinerja: kinerja(s.mutu),
        zone: zoneWord(s.zona),
      }),
    );
    if (s.provisional) paragraph(doc, t('report.provisional', { min: report.minResponses }));
    if (report.weakest.length > 0) {
      const list = report.weakest.map((w) => `${elementName(w.code, locale)} (${num(w.nrr!, 3)})`).join('; ');
      paragraph(doc, t('report.conclusionWeakest', { list }));
    }
  } else {
    paragraph(doc, t('report.conclusionNone'));
  }
  section(doc, t('report.followUpsTitle'));
  if (report.followUps.length === 0) paragraph(doc, t('report.followUpsNone'));
  else
    table(
      doc,
      [
        { header: t('report.colNo'), width: 0.07, align: 'center' },
        { header: t('report.colUnit'), width: 0.22 },
        { header: t('report.colPlan'), width: 0.31 },
        { header: t('report.colDue'), width: 0.19 },
        { header: t('report.colStatus'), width: 0.21 },
      ],
      report.followUps.map((f, i) => [
        String(i + 1),
        `${f.unitName} (${f.unitCode})`,
        f.plan,
        day(f.dueDay),
        f.doneDay ? t('report.followUpDone', { date: day(f.doneDay) }) : t('report.followUpOpen'),
      ]),
    );

  signature(doc, report, t, day);

  // --- Lampiran: the questionnaire -------------------------------------------------------------
  doc.addPage();
  chapter(doc, t('report.appendixTitle'));
  note(doc, t('report.appendixNote'));
  table(
    doc,
    [
      { header: t('report.colNo'), width: 0.07, align: 'center' },
      { header: t('report.colElement'), width: 0.55 },
      { header: t('report.colAnswers'), width: 0.38 },
    ],
    DEFAULT_ELEMENTS.map((el, i) => [
      String(i + 1),
      `${el.name[locale]}\n${el.question[locale]}`,
      el.labels.map((l, a) => `${a + 1} ${l[locale]}`).join('\n'),
    ]),
  );

  footers(doc, t('report.footer', { scope: scopeName, period: periodText }), (page, pages) => t('report.page', { page, pages }));
  doc.end();
  return await finished;
}

// --- Pieces -------------------------------------------------------------------------------------

const textWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page when less than `height` points are left on this one. */
function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function chapter(doc: Doc, title: string): void {
  ensureRoom(doc, 120);
  if (doc.y > doc.page.margins.top + 1) doc.moveDown(1.2);
  doc.font('bold').fontSize(13).fillColor(INK).text(title, doc.page.margins.left, doc.y);
  doc.moveDown(0.6);
}

function section(doc: Doc, title: string): void {
  ensureRoom(doc, 90);
  doc.moveDown(0.5).font('bold').fontSize(11).fillColor(INK).text(title, doc.page.margins.left, doc.y);
  doc.moveDown(0.35);
}

function paragraph(doc: Doc, text: string): void {
  doc
    .font('regular')
    .fontSize(10)
    .fillColor(INK)
    .text(text, doc.page.margins.left, doc.y, { align: 'justify', width: textWidth(doc), lineGap: 2 });
  doc.moveDown(0.5);
}

function note(doc: Doc, text: string): void {
  doc
    .font('regular')
    .fontSize(8.5)
    .fillColor(MUTED)
    .text(text, doc.page.margins.left, doc.y, { width: textWidth(doc) });
  doc.moveDown(0.4);
}

function bullet(doc: Doc, text: string): void {
  const x = doc.page.margins.left;
  doc.font('regular').fontSize(10).fillColor(INK);
  ensureRoom(doc, doc.heightOfString(text, { width: textWidth(doc) - 14 }) + 4);
  const y = doc.y;
  doc.text('•', x, y);
  doc.text(text, x + 14, y, { width: textWidth(doc) - 14, lineGap: 1.5 });
  doc.moveDown(0.25);
}

/** A two-column list of label and value, without rules. */
function keyValues(doc: Doc, rows: [string, string][]): void {
  const x = doc.page.margins.left;
  const labelWidth = textWidth(doc) * 0.32;
  const valueWidth = textWidth(doc) - labelWidth - 10;
  for (const [label, value] of rows) {
    doc.fontSize(10);
    const height = Math.max(
      doc.font('bold').heightOfString(label, { width: labelWidth }),
      doc.font('regular').heightOfString(value, { width: valueWidth }),
    );
    ensureRoom(doc, height + 6);
    const y = doc.y;
    doc.font('bold').fillColor(INK).text(label, x, y, { width: labelWidth });
    doc.font('regular').text(value, x + labelWidth + 10, y, { width: valueWidth, lineGap: 1.5 });
    doc.y = y + height + 6;
  }
  doc.x = x;
  doc.moveDown(0.3);
}

/** A ruled table; the header row repeats on each page; `boldRows` last rows are set in bold. */
function table(doc: Doc, columns: Column[], rows: string[][], options: { boldRows?: number } = {}): void {
  const x0 = doc.page.margins.left;
  const total = textWidth(doc);
  const widths = columns.map((c) => c.width * total);
  const pad = 4;
  const size = 9.5;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(size);
    return Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, fill?: string) => {
    const height = rowHeight(cells, font);
    const y = doc.y;
    let x = x0;
    cells.forEach((cell, i) => {
      const w = widths[i]!;
      if (fill) doc.rect(x, y, w, height).fill(fill);
      doc.lineWidth(0.5).strokeColor(RULE).rect(x, y, w, height).stroke();
      doc
        .font(font)
        .fontSize(size)
        .fillColor(INK)
        .text(cell, x + pad, y + pad, { width: w - 2 * pad, align: columns[i]!.align ?? 'left' });
      x += w;
    });
    doc.y = y + height;
  };
  const header = columns.map((c) => c.header);
  ensureRoom(doc, rowHeight(header, 'bold') + (rows[0] ? rowHeight(rows[0], 'regular') : 0));
  drawRow(header, 'bold', HEAD_FILL);
  rows.forEach((row, index) => {
    const font = index >= rows.length - (options.boldRows ?? 0) ? 'bold' : 'regular';
    if (doc.y + rowHeight(row, font) > bottom(doc)) {
      doc.addPage();
      drawRow(header, 'bold', HEAD_FILL);
    }
    drawRow(row, font);
  });
  doc.x = x0;
  doc.moveDown(0.6);
}

function coverScore(
  doc: Doc,
  report: OfficialReport,
  t: Say,
  num: (value: number, decimals: number) => string,
  zoneWord: (zona: Zona) => string,
  kinerja: (mutu: Mutu) => string,
): void {
  const f = report.figures;
  const s = f.ikm === null ? null : { ikm: f.ikm, mutu: f.mutu as Mutu, zona: f.zona as Zona, provisional: f.provisional };
  const width = 300;
  const x = (doc.page.width - width) / 2;
  const y = doc.y;
  const height = 150;
  doc
    .lineWidth(1.2)
    .strokeColor(s ? ZONE_COLOURS[s.zona] : RULE)
    .roundedRect(x, y, width, height, 8)
    .stroke();
  doc
    .font('regular')
    .fontSize(11)
    .fillColor(MUTED)
    .text(t('report.coverScore'), x, y + 16, { width, align: 'center' });
  if (s) {
    doc
      .font('bold')
      .fontSize(40)
      .fillColor(INK)
      .text(num(s.ikm, 2), x, y + 36, { width, align: 'center' });
    doc
      .font('regular')
      .fontSize(11)
      .fillColor(INK)
      .text(t('report.coverMutu', { mutu: s.mutu, kinerja: kinerja(s.mutu), zone: zoneWord(s.zona) }), x, y + 90, { width, align: 'center' });
    doc
      .fontSize(10)
      .fillColor(MUTED)
      .text(t('report.coverRespondents', { n: f.responses }), x, y + 108, { width, align: 'center' });
    if (s.provisional)
      doc.fontSize(8.5).text(t('report.provisional', { min: report.minResponses }), x + 16, y + 124, { width: width - 32, align: 'center' });
  } else {
    doc
      .font('regular')
      .fontSize(11)
      .fillColor(INK)
      .text(t('report.noResponses'), x + 20, y + 60, { width: width - 40, align: 'center' });
  }
  doc.x = doc.page.margins.left;
  doc.y = y + height;
}

/** Place and date, position, room to sign, name and NIP: set with `skm agency set`, or dotted lines to fill in. */
function signature(doc: Doc, report: OfficialReport, t: Say, day: (d: string) => string): void {
  const { name, nip, title, place } = report.signatory;
  const width = 230;
  ensureRoom(doc, 150);
  doc.moveDown(2);
  const x = doc.page.width - doc.page.margins.right - width;
  const y = doc.y;
  doc.font('regular').fontSize(10).fillColor(INK);
  doc.text(t('report.signPlaceDate', { place: place ?? t('report.blank'), date: day(report.generatedDay) }), x, y, { width });
  doc.text(title ?? t('report.blank'), x, doc.y + 2, { width });
  doc.font('bold').text(name ?? t('report.blank'), x, doc.y + 56, { width, underline: name !== null });
  doc.font('regular').text(t('report.signNip', { nip: nip ?? t('report.blank') }), x, doc.y + 2, { width });
  doc.x = doc.page.margins.left;
}

/** "SKM report … · period" on the left and "Page n of m" on the right of every page but the cover. */
function footers(doc: Doc, left: string, right: (page: number, pages: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 44;
    const x = doc.page.margins.left;
    const width = textWidth(doc);
    doc
      .lineWidth(0.5)
      .strokeColor(RULE)
      .moveTo(x, y - 6)
      .lineTo(x + width, y - 6)
      .stroke();
    doc.font('regular').fontSize(8).fillColor(MUTED);
    doc.text(left, x, y, { width: width * 0.75, lineBreak: false, ellipsis: true });
    doc.text(right(i + 1, range.count), x + width * 0.75, y, { width: width * 0.25, align: 'right', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
}

function channelName(channel: string): string {
  return { telegram: 'Telegram', whatsapp: 'WhatsApp', terminal: 'terminal' }[channel] ?? channel;
}

const elementName = (code: ElementCode, locale: Locale) => defaultElementName(code)[locale];

/** The item's name; an item of a custom questionnaire, which the locale files do not name, by its code. */
function maladminLabel(t: Say, code: string): string {
  return KNOWN_MALADMIN.has(code) ? t(`staff.maladminItems.${code}`) : code;
}
