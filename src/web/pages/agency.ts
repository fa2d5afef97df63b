// /<AGENCY>: the agency's IKM, mutu and zone for a period, every unit's figures, the trend, and
// approved suggestions. /<AGENCY>/<UNIT>: one unit with its nine NRRs (unit.ts).
import { type Period, describePeriod, formatDateId } from '../../scoring/index.js';
import type { Locale } from '../../survey/types.js';
import { formatCount, formatDecimal } from '../../scoring/numbers.js';
import { type UnitReport, scoreConfigOf } from '../../reports/unit-report.js';
import { trendSvg } from '../chart.js';
import type { AgencyPage, ApprovedSuggestion, PublicPeriodKind, TrendPoint } from '../data.js';
import { PUBLIC_PERIOD_KINDS } from '../data.js';
import { type Html, html, raw } from '../html.js';
import { type PageContext, hrefOf, ikmText, layout, provisionalMark, updatedLine, zoneBadge } from './common.js';

/** The period links: this month, this semester, this year (the current one is marked). */
export function periodNav(c: PageContext, period: Period): Html {
  return html`<nav class="periods" aria-label="${c.t('web.period.label')}">
    <ul>
      ${PUBLIC_PERIOD_KINDS.map((kind) => {
        const current = period.kind === kind;
        return html`<li>
          <a href="${hrefOf(c.path, { period: kind, lang: c.lang })}" ${current ? raw(' aria-current="page"') : ''}>${c.t(`web.period.${kind}`)}</a>
        </li>`;
      })}
    </ul>
  </nav>`;
}

export function respondentsText(c: PageContext, r: { responses: number; target: { sample: number } | null }): string {
  const n = formatCount(r.responses, c.lang);
  return r.target ? c.t('web.respondentsOfTarget', { n, target: formatCount(r.target.sample, c.lang) }) : c.t('web.respondents', { n });
}

/** The big figures of a report (agency or unit). */
export function headline(
  c: PageContext,
  r: { ikm: number | null; mutu: string | null; zona: UnitReport['zona']; provisional: boolean; responses: number; minResponses: number },
  respondents: string,
): Html {
  if (r.ikm === null) return html`<section class="headline" aria-label="IKM"><p class="empty">${c.t('web.noResponses')}</p></section>`;
  return html`<section class="headline" aria-label="IKM">
    <div class="figure"><span class="label">IKM</span><span class="value" data-testid="ikm">${ikmText(r.ikm, c.lang)}</span></div>
    <div class="figure">
      <span class="label">${c.t('web.mutu')}</span><span class="value" data-testid="mutu">${r.mutu}</span
      ><span class="sub">${c.t(`web.kinerja.${r.mutu}`)}</span>
    </div>
    <div class="figure"><span class="label">${c.t('web.zoneLabel')}</span><span class="value">${zoneBadge(r.zona, c.t)}</span></div>
    <div class="figure">
      <span class="label">${c.t('web.respondentsLabel')}</span><span class="value small" data-testid="respondents">${respondents}</span>
    </div>
    ${r.provisional ? html`<p class="note provisional-note">${c.t('web.provisionalNote', { min: r.minResponses })}</p>` : ''}
  </section>`;
}

export function trendSection(c: PageContext, trend: TrendPoint[], zones: { hijauMin: number; kuningMin: number }): Html {
  const kind = trend[trend.length - 1]?.period.kind ?? 'month';
  const first = trend[0];
  const last = trend[trend.length - 1];
  const short = (p: Period) => (p.kind === 'month' ? `${String(p.index).padStart(2, '0')}/${String(p.year).slice(2)}` : p.label);
  const svg = trendSvg(
    trend.map((p) => ({ label: short(p.period), value: p.ikm, text: p.ikm === null ? '' : formatDecimal(p.ikm, 2, c.lang) })),
    {
      title: c.t('web.trend.title'),
      description:
        first && last
          ? c.t(`web.trend.description.${kind as PublicPeriodKind}`, {
              from: describePeriod(first.period, c.lang),
              to: describePeriod(last.period, c.lang),
            })
          : '',
      zones,
      bandNames: { hijau: c.t('web.zone.hijau'), kuning: c.t('web.zone.kuning'), merah: c.t('web.zone.merah') },
    },
  );
  return html`<section class="trend">
    <h2>${c.t('web.trend.title')}</h2>
    ${raw(svg)}
    <details>
      <summary>${c.t('web.trend.table')}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">${c.t('web.period.label')}</th>
            <th scope="col">IKM</th>
            <th scope="col">${c.t('web.respondentsLabel')}</th>
          </tr>
        </thead>
        <tbody>
          ${trend.map(
            (p) =>
              html`<tr>
                <td>${describePeriod(p.period, c.lang)}</td>
                <td>${ikmText(p.ikm, c.lang)}</td>
                <td>${formatCount(p.responses, c.lang)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </section>`;
}

export function suggestionsSection(c: PageContext, suggestions: ApprovedSuggestion[], withUnit: boolean): Html {
  return html`<section class="suggestions">
    <h2>${c.t('web.suggestions.title')}</h2>
    <p class="note">${c.t('web.suggestions.note')}</p>
    ${
      suggestions.length === 0
        ? html`<p>${c.t('web.suggestions.none')}</p>`
        : html`<ul class="quotes">
            ${suggestions.map(
              (s) =>
                html`<li>
                  <blockquote><p>${s.text}</p></blockquote>
                  <p class="meta">${withUnit ? `${s.unitName} · ` : ''}${dayText(s.day, c.lang)}</p>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

function unitRows(c: PageContext, agencyCode: string, units: UnitReport[], period: Period): Html {
  return html`${units.map(
    (u) =>
      html`<tr data-unit="${u.unit}">
        <th scope="row"><a href="${hrefOf(`/${agencyCode}/${u.unit}`, { period: period.label, lang: c.lang })}">${u.unitName}</a></th>
        <td class="num" data-col="ikm">${ikmText(u.ikm, c.lang)}${provisionalMark(u.provisional, u.ikm !== null, c.t)}</td>
        <td data-col="mutu">${u.mutu ?? '–'}</td>
        <td>${zoneBadge(u.zona, c.t)}</td>
        <td class="num" data-col="respondents">${respondentsText(c, u)}</td>
      </tr>`,
  )}`;
}

export function agencyPage(c: PageContext, data: AgencyPage): string {
  const { report, period } = data;
  const zones = scoreConfigOf(data.agency).zones;
  const body = html`<h1>${report.agencyName}</h1>
    <p class="period-now">${c.t('web.periodOf', { period: describePeriod(period, c.lang) })}</p>
    ${periodNav(c, period)} ${headline(c, report, respondentsText(c, agencyRespondents(report)))}
    <section class="units">
      <h2>${c.t('web.units.title')}</h2>
      <div class="table-wrap">
        <table>
          <caption>
            ${c.t('web.units.caption', { period: describePeriod(period, c.lang) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">${c.t('web.units.unit')}</th>
              <th scope="col">IKM</th>
              <th scope="col">${c.t('web.mutu')}</th>
              <th scope="col">${c.t('web.zoneLabel')}</th>
              <th scope="col">${c.t('web.respondentsLabel')}</th>
            </tr>
          </thead>
          <tbody>
            ${unitRows(c, report.agency, report.units, period)}
          </tbody>
        </table>
      </div>
      <p class="note">${c.t('web.provisionalExplained', { min: report.minResponses })}</p>
    </section>
    ${trendSection(c, data.trend, zones)} ${suggestionsSection(c, data.suggestions, true)} ${updatedLine(c, report.timeZone)}`;
  return layout(c, { title: `${report.agencyName} · ${c.t('web.siteName')}`, body });
}

/**
 * The agency's respondents, against the summed target when every responding unit has one (the
 * target covers only the units with a service-user figure; otherwise the count stands alone).
 */
function agencyRespondents(report: AgencyPage['report']): { responses: number; target: { sample: number } | null } {
  const complete = report.target !== null && report.target.responses === report.responses;
  return { responses: report.responses, target: complete ? report.target : null };
}

/** A local date (YYYY-MM-DD) as people write it: "Sabtu, 7 November 2026". */
function dayText(day: string, lang: Locale): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return formatDateId(new Date(Date.UTC(y, m - 1, d, 12)), 'UTC', lang);
}
