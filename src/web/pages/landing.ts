// /u/<UNIT>: where a poster's QR code leads. The unit's name and one big button per configured
// chat channel, each opening the survey for this unit (the same deep links the posters print).
import { html } from '../html.js';
import { type PageContext, layout } from './common.js';

export interface LandingLinks {
  whatsapp?: string | undefined;
  telegram?: string | undefined;
}

export function landingPage(c: PageContext, unit: { name: string; agencyName: string }, links: LandingLinks): string {
  const buttons = [
    links.whatsapp ? html`<a class="button button-wa" href="${links.whatsapp}" data-channel="whatsapp">${c.t('web.landing.whatsapp')}</a>` : '',
    links.telegram ? html`<a class="button button-tg" href="${links.telegram}" data-channel="telegram">${c.t('web.landing.telegram')}</a>` : '',
  ];
  const body = html`<div class="landing">
    <p class="agency">${unit.agencyName}</p>
    <h1>${unit.name}</h1>
    <p>${c.t('web.landing.intro')}</p>
    ${links.whatsapp || links.telegram ? html`<div class="buttons">${buttons}</div>` : html`<p class="note">${c.t('web.landing.none')}</p>`}
    <p class="note">${c.t('web.landing.privacy')}</p>
  </div>`;
  return layout(c, { title: c.t('web.landing.title', { unit: unit.name }), body, bodyClass: 'page landing-page' });
}
