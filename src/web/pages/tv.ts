// /<AGENCY>/tv: the lobby screen. The page is complete without script (the headline, the ranking
// and approved comments, all server-rendered); src/web/static/tv.js then rotates the slides and
// refreshes them from /<AGENCY>/tv.json, replacing their content in place (no reload, no flicker).
import { type Period, describePeriod, formatDateTimeId } from '../../scoring/index.js';
import { formatCount } from '../../scoring/numbers.js';
import type { Zona } from '../../scoring/index.js';
import type { Locale } from '../../survey/types.js';
import type { AgencyPage } from '../data.js';
import { html } from '../html.js';
import { type PageContext, type Say, hrefOf, ikmText } from './common.js';

/** What the screen shows, with every text already in the reader's language: the script only places it. */
export interface TvFeed {
  agency: string;
  title: string;
  period: string;
  updated: string;
  headline: { label: string; ikm: string; mutuLine: string; zona: Zona | null; zone: string; respondents: string; provisional: string | null };
  ranking: { title: string; units: { rank: number; name: string; ikm: string; zona: Zona | null; zone: string; provisional: boolean }[] };
  comments: { title: string; items: { text: string; unit: string }[] };
  labels: { offline: string; provisional: string };
}

export function tvFeed(t: Say, lang: Locale, data: AgencyPage, period: Period, now: Date): TvFeed {
  const r = data.report;
  const zoneWord = (z: Zona | null) => t(z === null ? 'web.zone.none' : `web.zone.${z}`);
  const ranked = [...r.units].sort((a, b) => (b.ikm ?? -1) - (a.ikm ?? -1) || a.unitName.localeCompare(b.unitName));
  return {
    agency: r.agency,
    title: r.agencyName,
    period: describePeriod(period, lang),
    updated: t('web.updated', { time: formatDateTimeId(now, r.timeZone, lang) }),
    headline: {
      label: t('web.tv.headline'),
      ikm: ikmText(r.ikm, lang),
      mutuLine: r.mutu ? `${t('web.mutu')} ${r.mutu} · ${t(`web.kinerja.${r.mutu}`)}` : t('web.noResponses'),
      zona: r.zona,
      zone: zoneWord(r.zona),
      respondents: t('web.respondents', { n: formatCount(r.responses, lang) }),
      provisional: r.provisional && r.ikm !== null ? t('web.provisionalNote', { min: r.minResponses }) : null,
    },
    ranking: {
      title: t('web.tv.ranking'),
      units: ranked.map((u, i) => ({
        rank: i + 1,
        name: u.unitName,
        ikm: ikmText(u.ikm, lang),
        zona: u.zona,
        zone: zoneWord(u.zona),
        provisional: u.provisional && u.ikm !== null,
      })),
    },
    comments: { title: t('web.tv.comments'), items: data.suggestions.map((s) => ({ text: s.text, unit: s.unitName })) },
    labels: { offline: t('web.tv.offline'), provisional: t('web.provisional') },
  };
}

/** Units per ranking slide: large type from 5 m leaves room for about eight rows. */
export const TV_ROWS = 8;

export function tvPage(c: PageContext, feed: TvFeed, refreshMs: number): string {
  const pages: TvFeed['ranking']['units'][] = [];
  for (let i = 0; i < feed.ranking.units.length; i += TV_ROWS) pages.push(feed.ranking.units.slice(i, i + TV_ROWS));
  const h = feed.headline;
  const doc = html`<html lang="${c.lang}">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${feed.title} · ${c.t('web.tv.title')}</title>
      <link rel="stylesheet" href="/assets/tv.css" />
      <script src="/assets/tv.js" defer></script>
    </head>
    <body
      class="tv"
      data-feed="${hrefOf(`/${feed.agency}/tv.json`, { lang: c.lang })}"
      data-refresh-ms="${refreshMs}"
      data-offline="${feed.labels.offline}"
    >
      <header class="tv-top">
        <h1 id="tv-title">${feed.title}</h1>
        <p id="tv-period">${feed.period}</p>
        <p id="tv-status" class="status" role="status"></p>
      </header>
      <main id="tv-slides">
        <section class="slide active" data-slide="headline">
          <h2>${h.label}</h2>
          <p class="big"><span class="ikm" data-testid="tv-ikm">${h.ikm}</span></p>
          <p class="line"><span>${h.mutuLine}</span> <span class="zone zone-${h.zona ?? 'none'}">${h.zone}</span></p>
          <p class="line" data-testid="tv-respondents">${h.respondents}</p>
          ${h.provisional ? html`<p class="line small">${h.provisional}</p>` : ''}
        </section>
        ${pages.map(
          (units) =>
            html`<section class="slide" data-slide="ranking">
              <h2>${feed.ranking.title}</h2>
              <ol class="ranking">
                ${units.map(
                  (u) =>
                    html`<li>
                      <span class="rank">${u.rank}</span><span class="name">${u.name}</span
                      ><span class="ikm">${u.ikm}${u.provisional ? html`<small>*</small>` : ''}</span
                      ><span class="zone zone-${u.zona ?? 'none'}">${u.zone}</span>
                    </li>`,
                )}
              </ol>
            </section>`,
        )}
        ${
          feed.comments.items.length > 0
            ? html`<section class="slide" data-slide="comments">
                <h2>${feed.comments.title}</h2>
                <ul class="comments">
                  ${feed.comments.items.slice(0, 3).map(
                    (s) =>
                      html`<li>
                        <blockquote>${s.text}</blockquote>
                        <p>${s.unit}</p>
                      </li>`,
                  )}
                </ul>
              </section>`
            : ''
        }
      </main>
      <footer class="tv-foot"><p id="tv-updated">${feed.updated}</p></footer>
    </body>
  </html> `;
  return `<!doctype html>${doc.text}`;
}
