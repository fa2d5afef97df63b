// /<AGENCY>/<UNIT>: one unit's IKM, mutu and zone for a period, its nine NRRs with the weakest
// marked, the trend and approved suggestions.
import { describePeriod, defaultElementName } from '../../scoring/index.js';
import { scoreConfigOf } from '../../reports/unit-report.js';
import type { UnitPage } from '../data.js';
import { html, raw } from '../html.js';
import { type PageContext, hrefOf, layout, nrrText, updatedLine } from './common.js';
import { headline, periodNav, respondentsText, suggestionsSection, trendSection } from './agency.js';

export function unitPage(c: PageContext, data: UnitPage): string {
  const { unit, period, report } = data;
  const body = html`<p class="crumb"><a href="${hrefOf(`/${report.agency}`, { period: period.label, lang: c.lang })}">${report.agencyName}</a></p>
    <h1>${unit.unitName}</h1>
    <p class="period-now">${c.t('web.periodOf', { period: describePeriod(period, c.lang) })}</p>
    ${periodNav(c, period)} ${headline(c, unit, respondentsText(c, unit))}
    <section class="elements">
      <h2>${c.t('web.elements.title')}</h2>
      <div class="table-wrap">
        <table>
          <caption>
            ${c.t('web.elements.caption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${c.t('web.elements.code')}</th>
              <th scope="col">${c.t('web.elements.name')}</th>
              <th scope="col">NRR</th>
            </tr>
          </thead>
          <tbody>
            ${unit.unsur.map((u) => {
              const weakest = u.code === data.weakest;
              return html`<tr${weakest ? raw(' class="weakest"') : ''} data-element="${u.code}"><td>${u.code}</td><th scope="row">${defaultElementName(u.code)[c.lang]}${
                weakest ? html` <strong class="weak-mark">${c.t('web.elements.weakest')}</strong>` : ''
              }</th><td class="num" data-col="nrr">${nrrText(u.nrr, c.lang)}</td></tr>`;
            })}
          </tbody>
        </table>
      </div>
    </section>
    ${trendSection(c, data.trend, scoreConfigOf(data.agency).zones)} ${suggestionsSection(c, data.suggestions, false)}
    ${updatedLine(c, report.timeZone)}`;
  return layout(c, { title: `${unit.unitName} · ${report.agencyName}`, body });
}
