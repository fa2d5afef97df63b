// What every public page shares: the frame (language switch, stylesheet as a file: the
// Content-Security-Policy allows no inline style or script), number and zone wording.
import { formatDateTimeId, type Zona } from '../../scoring/index.js';
import { formatDecimal } from '../../scoring/numbers.js';
import type { Locale } from '../../survey/types.js';
import { type Html, html } from '../html.js';

export type Say = (key: string, params?: Record<string, string | number>) => string;

export interface PageContext {
  lang: Locale;
  t: Say;
  /** The path asked for (no query), for links to the same page in the other language or period. */
  path: string;
  /** The query parameters that shape the page (period), kept by the language switch. */
  query: Record<string, string>;
  now: Date;
}

/** A link to `path` with `params` (lang=id is the default and left out). */
export function hrefOf(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && !(k === 'lang' && v === 'id')) search.set(k, v);
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

export function layout(c: PageContext, page: { title: string; body: Html; bodyClass?: string; head?: Html }): string {
  const other: Locale = c.lang === 'id' ? 'en' : 'id';
  const doc = html`<html lang="${c.lang}">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${page.title}</title>
      <link rel="stylesheet" href="/assets/site.css" />
      ${page.head}
    </head>
    <body class="${page.bodyClass ?? 'page'}">
      <header class="top">
        <a class="home" href="${hrefOf('/', { lang: c.lang })}">${c.t('web.siteName')}</a>
        <a class="lang" href="${hrefOf(c.path, { ...c.query, lang: other })}" hreflang="${other}" lang="${other}">${c.t('web.switchLanguage')}</a>
      </header>
      <main id="main">${page.body}</main>
      <footer class="foot"><p>${c.t('web.footer')}</p></footer>
    </body>
  </html> `;
  return `<!doctype html>${doc.text}`;
}

export const ikmText = (ikm: number | null, lang: Locale): string => (ikm === null ? '–' : formatDecimal(ikm, 2, lang));
export const nrrText = (nrr: number | null, lang: Locale): string => (nrr === null ? '–' : formatDecimal(nrr, 3, lang));

/** The zone as a word in a coloured badge (the word carries the meaning; colour only helps). */
export function zoneBadge(zona: Zona | null, t: Say): Html {
  if (zona === null) return html`<span class="zone zone-none">${t('web.zone.none')}</span>`;
  return html`<span class="zone zone-${zona}">${t(`web.zone.${zona}`)}</span>`;
}

export function provisionalMark(provisional: boolean, hasScore: boolean, t: Say): Html | '' {
  return provisional && hasScore ? html` <span class="provisional">${t('web.provisional')}</span>` : '';
}

export function updatedLine(c: PageContext, timeZone: string): Html {
  return html`<p class="updated">${c.t('web.updated', { time: formatDateTimeId(c.now, timeZone, c.lang) })}</p>`;
}
