// /: the agencies that publish their results.
import { formatCount } from '../../scoring/numbers.js';
import type { AgencySummary } from '../data.js';
import { html } from '../html.js';
import { type PageContext, hrefOf, layout } from './common.js';

export function indexPage(c: PageContext, agencies: AgencySummary[]): string {
  const body = html`<h1>${c.t('web.index.title')}</h1>
    <p>${c.t('web.index.intro')}</p>
    ${
      agencies.length === 0
        ? html`<p>${c.t('web.index.none')}</p>`
        : html`<ul class="agencies">
            ${agencies.map(
              (a) =>
                html`<li>
                  <a href="${hrefOf(`/${a.code}`, { lang: c.lang })}">${a.name}</a>
                  <span class="meta"
                    >${c.t('web.index.units', {
                      count: a.units,
                      n: formatCount(a.units, c.lang),
                    })}</span
                  >
                </li>`,
            )}
          </ul>`
    }`;
  return layout(c, { title: c.t('web.siteName'), body });
}
