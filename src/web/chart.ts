// The trend chart as an SVG written here from the numbers: no script, no styles (presentation
// attributes only, so the page's Content-Security-Policy needs no 'unsafe-inline'), readable with
// JavaScript off. Zone bands behind the line show where hijau, kuning and merah begin.
import { escapeHtml } from './html.js';

export interface ChartPoint {
  label: string;
  /** Null: no responses in that period (a gap in the line). */
  value: number | null;
  /** The value as the reader's language writes it ("82,41"). */
  text: string;
}

export interface ChartOptions {
  title: string;
  description: string;
  zones: { hijauMin: number; kuningMin: number };
  /** Words for the bands, in the reader's language. */
  bandNames: { hijau: string; kuning: string; merah: string };
}

const W = 760;
const H = 280;
const PAD = { left: 44, right: 40, top: 20, bottom: 44 };
const MIN = 25;
const MAX = 100;

const y = (v: number) => PAD.top + ((MAX - v) / (MAX - MIN)) * (H - PAD.top - PAD.bottom);

export function trendSvg(points: readonly ChartPoint[], options: ChartOptions): string {
  const plotW = W - PAD.left - PAD.right;
  const step = points.length > 1 ? plotW / (points.length - 1) : 0;
  const x = (i: number) => (points.length > 1 ? PAD.left + i * step : PAD.left + plotW / 2);
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [];
  const band = (from: number, to: number, fill: string, name: string) =>
    parts.push(
      `<rect x="${PAD.left}" y="${f(y(to))}" width="${plotW}" height="${f(y(from) - y(to))}" fill="${fill}"/>`,
      `<text x="${PAD.left + 6}" y="${f(y(to) + 14)}" font-size="12" fill="#333">${escapeHtml(name)}</text>`,
    );
  band(options.zones.hijauMin, MAX, '#dcedc8', options.bandNames.hijau);
  band(options.zones.kuningMin, options.zones.hijauMin, '#fff3c4', options.bandNames.kuning);
  band(MIN, options.zones.kuningMin, '#ffd7d2', options.bandNames.merah);
  for (const v of [25, 50, 75, 100]) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#999" stroke-width="0.5"/>`,
      `<text x="${PAD.left - 6}" y="${f(y(v) + 4)}" text-anchor="end" font-size="12" fill="#333">${v}</text>`,
    );
  }
  // The line is broken where a period has no responses.
  let run: string[] = [];
  const flush = () => {
    if (run.length > 1) parts.push(`<polyline points="${run.join(' ')}" fill="none" stroke="#0d47a1" stroke-width="3"/>`);
    run = [];
  };
  points.forEach((p, i) => {
    if (p.value === null) return flush();
    run.push(`${f(x(i))},${f(y(p.value))}`);
  });
  flush();
  points.forEach((p, i) => {
    parts.push(`<text x="${f(x(i))}" y="${H - PAD.bottom + 18}" text-anchor="middle" font-size="12" fill="#222">${escapeHtml(p.label)}</text>`);
    if (p.value === null) return;
    parts.push(
      `<circle cx="${f(x(i))}" cy="${f(y(p.value))}" r="4.5" fill="#0d47a1"/>`,
      `<text x="${f(x(i))}" y="${f(y(p.value) - 9)}" text-anchor="middle" font-size="12" font-weight="bold" fill="#0d2a5c">${escapeHtml(p.text)}</text>`,
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="trend-title trend-desc" class="chart">` +
    `<title id="trend-title">${escapeHtml(options.title)}</title><desc id="trend-desc">${escapeHtml(options.description)}</desc>` +
    parts.join('') +
    '</svg>'
  );
}
