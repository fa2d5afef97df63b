// The chart font: where the DejaVu TTF files are, and how wide a text set in them is.
// resvg is given the files explicitly (no system fonts: the server may have none, and text then
// silently vanishes). They are resolved through Node's module resolution from this module's own
// URL, so it holds from src/ (tsx, tests) and from the esbuild bundle in dist/ (packages stay
// external in node_modules). Headless vega has no canvas to measure text and guesses 0.8 em a
// character, which truncates legend labels and titles far too early; the advance widths read from
// the same TTF files give it the real widths (vl-convert hooks vega the same way).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as vega from 'vega';

/** The family name vega specs must use so that resvg picks the files below. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

const REGULAR = 'DejaVuSans.ttf';
const BOLD = 'DejaVuSans-Bold.ttf';

let fontDir: string | undefined;

function fontFile(name: string): string {
  fontDir ??= path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const file = path.join(fontDir, name);
  if (!fs.existsSync(file)) throw new Error(`skm-bot: font file missing: ${file} (is dejavu-fonts-ttf installed?)`);
  return file;
}

/** DejaVu Sans regular and bold, as absolute paths for resvg's `font.fontFiles`. */
export function chartFontFiles(): string[] {
  return [fontFile(REGULAR), fontFile(BOLD)];
}

// --- Advance widths from the TTF tables (head, hhea, hmtx, cmap) ------------------------------

interface FontMetrics {
  unitsPerEm: number;
  /** Advance width in font units by code point; characters the font lacks get `missing`. */
  advance: Map<number, number>;
  missing: number;
}

function tables(buf: Buffer): Map<string, number> {
  const out = new Map<string, number>();
  const count = buf.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const rec = 12 + 16 * i;
    out.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  return out;
}

function table(t: Map<string, number>, tag: string): number {
  const offset = t.get(tag);
  if (offset === undefined) throw new Error(`skm-bot: chart font has no ${tag} table`);
  return offset;
}

/** Code point → glyph id from the Windows Unicode cmap (format 12 preferred, else format 4). */
function glyphMap(buf: Buffer, cmap: number): Map<number, number> {
  const map = new Map<number, number>();
  const subtables: { platform: number; encoding: number; offset: number }[] = [];
  const count = buf.readUInt16BE(cmap + 2);
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    subtables.push({ platform: buf.readUInt16BE(rec), encoding: buf.readUInt16BE(rec + 2), offset: cmap + buf.readUInt32BE(rec + 4) });
  }
  const full = subtables.find((s) => s.platform === 3 && s.encoding === 10 && buf.readUInt16BE(s.offset) === 12);
  if (full) {
    const groups = buf.readUInt32BE(full.offset + 12);
    for (let g = 0; g < groups; g++) {
      const rec = full.offset + 16 + 12 * g;
      const start = buf.readUInt32BE(rec);
      const end = buf.readUInt32BE(rec + 4);
      const glyph = buf.readUInt32BE(rec + 8);
      for (let c = start; c <= end; c++) map.set(c, glyph + c - start);
    }
    return map;
  }
  const bmp = subtables.find((s) => s.platform === 3 && s.encoding === 1 && buf.readUInt16BE(s.offset) === 4);
  if (!bmp) throw new Error('skm-bot: chart font has no Unicode cmap');
  const o = bmp.offset;
  const segX2 = buf.readUInt16BE(o + 6);
  const ends = o + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  for (let s = 0; s < segX2; s += 2) {
    const end = buf.readUInt16BE(ends + s);
    const start = buf.readUInt16BE(starts + s);
    const delta = buf.readInt16BE(deltas + s);
    const rangeOffset = buf.readUInt16BE(ranges + s);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const raw = buf.readUInt16BE(ranges + s + rangeOffset + 2 * (c - start));
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) map.set(c, glyph);
    }
  }
  return map;
}

function readMetrics(file: string): FontMetrics {
  const buf = fs.readFileSync(file);
  const t = tables(buf);
  const unitsPerEm = buf.readUInt16BE(table(t, 'head') + 18);
  const numberOfHMetrics = buf.readUInt16BE(table(t, 'hhea') + 34);
  const hmtx = table(t, 'hmtx');
  // Glyphs past numberOfHMetrics share the last advance width.
  const glyphAdvance = (glyph: number) => buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const advance = new Map<number, number>();
  for (const [code, glyph] of glyphMap(buf, table(t, 'cmap'))) advance.set(code, glyphAdvance(glyph));
  return { unitsPerEm, advance, missing: glyphAdvance(0) };
}

const metrics = new Map<string, FontMetrics>();

function metricsOf(name: string): FontMetrics {
  let m = metrics.get(name);
  if (!m) {
    m = readMetrics(fontFile(name));
    metrics.set(name, m);
  }
  return m;
}

/** Width in pixels of `text` set in DejaVu Sans at `fontSize` px (no kerning: never too narrow). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const m = metricsOf(bold ? BOLD : REGULAR);
  let units = 0;
  for (const ch of text) units += m.advance.get(ch.codePointAt(0) ?? 0) ?? m.missing;
  return (units / m.unitsPerEm) * fontSize;
}

// --- vega hook ----------------------------------------------------------------------------------

interface TextItem {
  text?: unknown;
  fontSize?: unknown;
  fontWeight?: unknown;
  limit?: unknown;
}

/** vega's typings do not declare `textMetrics`; this is the one place that reaches for it. */
interface VegaTextMetrics {
  // vega hands over one line of the mark's text: a string, or a number for numeric labels.
  width: (item: TextItem, text: string | number | null | undefined) => number;
}

function isBold(weight: unknown): boolean {
  if (typeof weight === 'number') return weight >= 600;
  if (typeof weight === 'string') return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  return false;
}

let hooked = false;

/**
 * Makes vega measure text with the DejaVu metrics. Idempotent; affects every vega view in the
 * process, which is what we want since every chart here uses this one font.
 */
export function useChartFontMetrics(): void {
  if (hooked) return;
  const tm: unknown = Reflect.get(vega, 'textMetrics');
  if (typeof tm !== 'object' || tm === null || typeof Reflect.get(tm, 'width') !== 'function') {
    throw new Error('skm-bot: this vega version has no textMetrics hook');
  }
  (tm as VegaTextMetrics).width = (item, text) => {
    const size = item.fontSize == null ? 11 : Number(item.fontSize) || 0;
    const line = text == null ? '' : String(text).trim();
    if (size <= 0 || line === '') return 0;
    const width = textWidth(line, size, isBold(item.fontWeight));
    // vega truncates against `limit` by asking for widths; the drawn text is then at most `limit`.
    const limit = Number(item.limit) || 0;
    return limit > 0 ? Math.min(width, limit) : width;
  };
  hooked = true;
}
