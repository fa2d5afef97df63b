// The official report's page furniture on a pdfkit document: chapter and section headings,
// paragraphs, notes, bullets, label–value lists, ruled tables whose header repeats on each page,
// the cover's score box, the signature block and the footers; each starts a new page when the rest
// of the page would not hold it. The report's content and order are pdf.ts.
import type { Mutu, Zona } from '../../scoring/index.js';
import type { OfficialReport } from './model.js';

export type Doc = PDFKit.PDFDocument;

/** A text in the report's language (a key of locales/, translated). */
export type Say = (key: string, params?: Record<string, string | number>) => string;

export const INK = '#1a1a1a';
export const MUTED = '#555555';
export const RULE = '#9a9a9a';
const HEAD_FILL = '#e8edf3';
const ZONE_COLOURS: Record<Zona, string> = { hijau: '#2e7d32', kuning: '#b58900', merah: '#c62828' };

export interface Column {
  header: string;
  /** Share of the text width. */
  width: number;
  align?: 'left' | 'right' | 'center';
}

export const textWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
export const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page when less than `height` points are left on this one. */
export function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

export function chapter(doc: Doc, title: string): void {
  ensureRoom(doc, 120);
  if (doc.y > doc.page.margins.top + 1) doc.moveDown(1.2);
  doc.font('bold').fontSize(13).fillColor(INK).text(title, doc.page.margins.left, doc.y);
  doc.moveDown(0.6);
}

export function section(doc: Doc, title: string): void {
  ensureRoom(doc, 90);
  doc.moveDown(0.5).font('bold').fontSize(11).fillColor(INK).text(title, doc.page.margins.left, doc.y);
  doc.moveDown(0.35);
}

export function paragraph(doc: Doc, text: string): void {
  doc
    .font('regular')
    .fontSize(10)
    .fillColor(INK)
    .text(text, doc.page.margins.left, doc.y, { align: 'justify', width: textWidth(doc), lineGap: 2 });
  doc.moveDown(0.5);
}

export function note(doc: Doc, text: string): void {
  doc
    .font('regular')
    .fontSize(8.5)
    .fillColor(MUTED)
    .text(text, doc.page.margins.left, doc.y, { width: textWidth(doc) });
  doc.moveDown(0.4);
}

export function bullet(doc: Doc, text: string): void {
  const x = doc.page.margins.left;
  doc.font('regular').fontSize(10).fillColor(INK);
  ensureRoom(doc, doc.heightOfString(text, { width: textWidth(doc) - 14 }) + 4);
  const y = doc.y;
  doc.text('•', x, y);
  doc.text(text, x + 14, y, { width: textWidth(doc) - 14, lineGap: 1.5 });
  doc.moveDown(0.25);
}

/** A two-column list of label and value, without rules. */
export function keyValues(doc: Doc, rows: [string, string][]): void {
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
export function table(doc: Doc, columns: Column[], rows: string[][], options: { boldRows?: number } = {}): void {
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

/** "SKM report … · period" on the left and "Page n of m" on the right of every page but the cover. */
export function footers(doc: Doc, left: string, right: (page: number, pages: number) => string): void {
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

export function coverScore(
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
export function signature(doc: Doc, report: OfficialReport, t: Say, day: (d: string) => string): void {
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
