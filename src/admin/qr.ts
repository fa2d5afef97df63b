// QR posters for service units: the Telegram deep link and the WhatsApp (wa.me) link that open the
// survey for one unit, the QR code as a PNG (for chats and slides), and a printable A4 poster per
// unit as one PDF: one QR code per channel, side by side when there are two, each labelled with
// the app it opens, so that a citizen scans the one for the app they have.
// The poster uses the PDF standard fonts (Helvetica), which need no font file but can only show
// WinAnsi characters, so every text is first made WinAnsi-safe (é stays, ğ becomes g, emoji go).
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, PageSizes, StandardFonts, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import { telegramDeepLink, whatsappLink } from '../text/links.js';

// The poster code and the CLI import the link builders from here too.
export { telegramDeepLink, whatsappLink };

/** As the unit import stores codes (upper case); the engine reads `u_<CODE>` back from /start. */
const UNIT_CODE = /^[A-Z0-9-]{1,20}$/;

const QR_ERROR_CORRECTION = 'M';
/** The quiet zone the QR standard asks for, in modules. */
const QR_MARGIN = 4;

/**
 * The QR code of `text` as a PNG, error correction M, 4-module quiet zone. Every module is a whole
 * number of pixels (sharp when printed), so the image is the largest such size not above `sizePx`
 * (default 1024).
 */
export async function qrPng(text: string, sizePx = 1024): Promise<Buffer> {
  if (!Number.isInteger(sizePx) || sizePx < 64 || sizePx > 8192) {
    throw new RangeError(`QR size must be a whole number of pixels between 64 and 8192, got ${sizePx}`);
  }
  if (text === '') throw new RangeError('QR text is empty');
  const modules = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION }).modules.size;
  const scale = Math.max(1, Math.floor(sizePx / (modules + 2 * QR_MARGIN)));
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN, scale });
}

/** Where a poster's QR leads: one chat app, or the unit's landing page that offers each configured app. */
export type PosterChannel = 'telegram' | 'whatsapp' | 'page';
export const POSTER_CHANNELS: readonly PosterChannel[] = ['telegram', 'whatsapp'];

export interface PosterUnit {
  code: string;
  name: string;
  agencyName: string;
  /** At least one of the two; with both, the poster shows two QR codes side by side. */
  telegramLink?: string;
  whatsappLink?: string;
  /** The unit's landing page (`skm units qr --landing`): then its one QR, in place of the app links. */
  landingLink?: string;
}

/** The unit's links in poster order (WhatsApp first: most citizens have it). */
export function posterLinks(unit: PosterUnit): { channel: PosterChannel; url: string }[] {
  if (unit.landingLink) return [{ channel: 'page', url: unit.landingLink }];
  const links: { channel: PosterChannel; url: string }[] = [];
  if (unit.whatsappLink) links.push({ channel: 'whatsapp', url: unit.whatsappLink });
  if (unit.telegramLink) links.push({ channel: 'telegram', url: unit.telegramLink });
  return links;
}

// --- WinAnsi-safe text ---------------------------------------------------------------------

/** Common characters outside WinAnsi with a readable stand-in (diacritics are handled by NFKD). */
const STAND_INS: Record<string, string> = {
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '→': '->',
  '←': '<-',
  '−': '-',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '―': '—',
  '′': "'",
  '″': '"',
  ı: 'i',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  ŋ: 'n',
};

// \p{M} covers the variation selectors (U+FE00-FE0F) too.
const DROPPED = /^[\p{Extended_Pictographic}\p{M}\u200B-\u200D\u2060]$/u;

/**
 * Makes `text` drawable with `font`: characters it can encode stay, others become their letter
 * without diacritics or a stand-in, emoji and joiners are dropped, anything else becomes '?'.
 * Line breaks and tabs become spaces; runs of spaces collapse.
 */
export function winAnsiSafe(text: string, font: PDFFont): string {
  const charset = charsetOf(font);
  const can = (s: string) => [...s].every((c) => charset.has(c.codePointAt(0) ?? -1));
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (/\s/u.test(ch)) out += ' ';
    else if (can(ch)) out += ch;
    else {
      const standIn = STAND_INS[ch];
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      if (standIn !== undefined && can(standIn)) out += standIn;
      else if (base !== '' && base !== ch && can(base)) out += base;
      else if (!DROPPED.test(ch)) out += '?';
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

const charsets = new WeakMap<PDFFont, Set<number>>();

function charsetOf(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsets.set(font, set);
  }
  return set;
}

// --- Text layout -----------------------------------------------------------------------------

/** Greedy word wrap; a word wider than the line is cut between characters. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (rest.length > 1 && !fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Shortens the last kept line with an ellipsis when the text needs more than `maxLines`. */
function capLines(lines: string[], maxLines: number, font: PDFFont, size: number, maxWidth: number): string[] {
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = `${kept[maxLines - 1] ?? ''} ${lines[maxLines] ?? ''}`;
  while (last.length > 1 && font.widthOfTextAtSize(`${last}…`, size) > maxWidth) last = last.slice(0, -1);
  kept[maxLines - 1] = `${last.trimEnd()}…`;
  return kept;
}

interface Block {
  lines: string[];
  font: PDFFont;
  size: number;
  leading: number;
  color: RGB;
}

function blockHeight(b: Block): number {
  return b.lines.length === 0 ? 0 : b.size + (b.lines.length - 1) * b.leading;
}

/** Draws a centred block whose first line's top is at `top`; returns the y under its last line. */
function drawBlock(page: PDFPage, b: Block, top: number): number {
  const width = page.getWidth();
  b.lines.forEach((line, i) => {
    const w = b.font.widthOfTextAtSize(line, b.size);
    // The baseline sits about 0.8 of the size under the top of the line (Helvetica's ascent ≈ 0.72).
    page.drawText(line, { x: (width - w) / 2, y: top - 0.8 * b.size - i * b.leading, size: b.size, font: b.font, color: b.color });
  });
  return top - blockHeight(b);
}

// --- Poster ----------------------------------------------------------------------------------

const CM = 72 / 2.54;
const MARGIN = 2 * CM;
/** QR side including its quiet zone; the dark part is then about 11–12 cm. */
const QR_TARGET = 14 * CM;
const QR_MIN = 8 * CM;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.35, 0.35, 0.35);
const ACCENT = rgb(0.12, 0.31, 0.61);

const TEXT = {
  heading: 'Bagaimana pelayanan kami hari ini?',
  body:
    'Pindai kode QR dengan kamera ponsel Bapak/Ibu untuk memberikan penilaian. ' +
    'Hanya sekitar 1 menit, tanpa perlu menyebutkan nama atau nomor telepon. Terima kasih atas masukan Bapak/Ibu.',
  link: 'Atau buka:',
  code: 'Kode unit:',
  app: { telegram: 'Telegram', whatsapp: 'WhatsApp', page: 'WhatsApp atau Telegram' },
  opens: {
    telegram: 'membuka aplikasi Telegram',
    whatsapp: 'membuka aplikasi WhatsApp',
    page: 'membuka halaman unit: pilih aplikasi yang Bapak/Ibu punya',
  },
  footer: 'Survei Kepuasan Masyarakat (PermenPANRB No. 14 Tahun 2017)',
} as const;

/** "Atau kirim NILAI DUKCAPIL ke WhatsApp +62 812-3456-7890": the typed way, from the wa.me link. */
function whatsappTyped(url: string): string {
  const match = /^https:\/\/wa\.me\/(\d+)\?text=(.*)$/.exec(url);
  if (!match) return '';
  const number = match[1]!;
  const local = number.startsWith('62') ? `+62 ${number.slice(2, 5)}-${number.slice(5, 9)}-${number.slice(9)}` : `+${number}`;
  return `Atau kirim ${decodeURIComponent(match[2]!)} ke WhatsApp ${local.replace(/-$/, '')}`;
}

function checkUnits(units: PosterUnit[]): void {
  if (units.length === 0) throw new RangeError('no units to make posters for');
  const seen = new Set<string>();
  for (const u of units) {
    if (!UNIT_CODE.test(u.code)) throw new RangeError(`unit code ${JSON.stringify(u.code)} is not valid: 1–20 characters A–Z, 0–9 or '-'`);
    if (seen.has(u.code)) throw new RangeError(`unit code ${u.code} appears twice`);
    seen.add(u.code);
    if (posterLinks(u).length === 0) throw new RangeError(`unit ${u.code} has no Telegram or WhatsApp link`);
  }
}

/** The QR code as filled squares (rows of dark modules merged): sharp at any print size. */
function drawQr(page: PDFPage, text: string, x: number, y: number, side: number): void {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION }).modules;
  const unit = side / (size + 2 * QR_MARGIN);
  const left = x + QR_MARGIN * unit;
  const top = y + side - QR_MARGIN * unit;
  page.drawRectangle({ x, y, width: side, height: side, color: rgb(1, 1, 1) });
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!data[r * size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && data[r * size + c]) c++;
      // A hair of overlap so that no white seams show between touching modules in viewers.
      page.drawRectangle({
        x: left + start * unit,
        y: top - (r + 1) * unit - 0.05,
        width: (c - start) * unit + 0.05,
        height: unit + 0.05,
        color: rgb(0, 0, 0),
      });
    }
  }
}

function drawPoster(doc: PDFDocument, unit: PosterUnit, regular: PDFFont, bold: PDFFont): void {
  const page = doc.addPage(PageSizes.A4);
  const { width, height } = page.getSize();
  const textWidth = width - 2 * MARGIN;
  const safe = (s: string, f: PDFFont) => winAnsiSafe(s, f);
  const block = (text: string, font: PDFFont, size: number, color: RGB, maxLines = 3): Block => ({
    lines: capLines(wrap(safe(text, font), font, size, textWidth), maxLines, font, size, textWidth),
    font,
    size,
    leading: size * 1.2,
    color,
  });

  // Unit name: the largest size that fits in three lines, else 18 pt cut at four.
  let name = block(unit.name, bold, 18, INK, 4);
  for (let size = 32; size >= 18; size -= 2) {
    const lines = wrap(safe(unit.name, bold), bold, size, textWidth);
    if (lines.length <= 3) {
      name = { lines, font: bold, size, leading: size * 1.15, color: INK };
      break;
    }
  }

  const agency = block(unit.agencyName, regular, 13, GREY, 2);
  const links = posterLinks(unit);
  const below: Block[] = [block(`${TEXT.code} ${unit.code}`, bold, 20, INK, 1)];
  for (const link of links) {
    const typed = link.channel === 'whatsapp' ? whatsappTyped(link.url) : `${TEXT.link} ${link.url}`;
    if (typed !== '') below.push(block(typed, regular, 11, GREY, 3));
  }
  const footer = block(TEXT.footer, regular, 9, GREY, 2);

  let y = height - MARGIN;
  y = drawBlock(page, agency, y) - 10;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: width - MARGIN, y }, thickness: 1.5, color: ACCENT });
  y -= 18;
  y = drawBlock(page, name, y) - 20;
  y = drawBlock(page, block(TEXT.heading, bold, 22, ACCENT, 2), y) - 8;
  y = drawBlock(page, block(TEXT.body, regular, 14, INK, 4), y) - 14;

  // Each QR under its app's name and what it opens; with two, side by side. The QRs take what is
  // left between the call to action and the lines under them, up to 14 cm each; their quiet zone
  // doubles as the white space around them.
  const gap = 6;
  const columnGap = 1 * CM;
  const columnWidth = (textWidth - (links.length - 1) * columnGap) / links.length;
  const labelSize = 20;
  const noteSize = 11;
  const labelHeight = labelSize + 4 + noteSize + 4;
  const belowHeight = below.reduce((h, b) => h + blockHeight(b) + gap, 0);
  const footerTop = MARGIN + blockHeight(footer);
  const side = Math.min(columnWidth, Math.max(QR_MIN, Math.min(QR_TARGET, y - labelHeight - belowHeight - footerTop - 12)));
  links.forEach((link, i) => {
    const centre = MARGIN + i * (columnWidth + columnGap) + columnWidth / 2;
    const centred = (text: string, font: PDFFont, size: number, top: number, color: RGB) => {
      const line = safe(text, font);
      page.drawText(line, { x: centre - font.widthOfTextAtSize(line, size) / 2, y: top - 0.8 * size, size, font, color });
    };
    centred(TEXT.app[link.channel], bold, labelSize, y, ACCENT);
    centred(TEXT.opens[link.channel], regular, noteSize, y - labelSize - 4, GREY);
    drawQr(page, link.url, centre - side / 2, y - labelHeight - side, side);
  });
  y -= labelHeight + side;
  for (const b of below) y = drawBlock(page, b, y) - gap;

  drawBlock(page, footer, footerTop);
}

/** One A4 portrait poster per unit, in the order given, as one PDF. */
export async function postersPdf(units: PosterUnit[]): Promise<Uint8Array> {
  checkUnits(units);
  const doc = await PDFDocument.create();
  doc.setTitle('Poster Survei Kepuasan Masyarakat');
  doc.setSubject('Kode QR survei kepuasan masyarakat per unit layanan');
  doc.setLanguage('id-ID');
  doc.setCreator('skm-bot');
  doc.setProducer('skm-bot (pdf-lib)');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (const unit of units) drawPoster(doc, unit, regular, bold);
  return doc.save();
}

/**
 * Writes `<outDir>/poster-skm.pdf` (every unit) and a PNG of each QR code, creating `outDir`:
 * `qr-<CODE>.png` when the units have one link, `qr-<CODE>-whatsapp.png` and
 * `qr-<CODE>-telegram.png` when they have two. Returns the absolute paths written.
 */
export async function writePosters(units: PosterUnit[], outDir: string): Promise<{ pdf: string; pngs: string[] }> {
  checkUnits(units);
  const dir = path.resolve(outDir);
  await fs.mkdir(dir, { recursive: true });
  const pdf = path.join(dir, 'poster-skm.pdf');
  await fs.writeFile(pdf, await postersPdf(units));
  const pngs: string[] = [];
  for (const unit of units) {
    const links = posterLinks(unit);
    for (const link of links) {
      const file = path.join(dir, links.length === 1 ? `qr-${unit.code}.png` : `qr-${unit.code}-${link.channel}.png`);
      await fs.writeFile(file, await qrPng(link.url));
      pngs.push(file);
    }
  }
  return { pdf, pngs };
}
