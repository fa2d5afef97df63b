// The pages for an address that shows nothing: unknown or unpublished (404, the same page for
// both, so that whether an agency exists is not told), and a malformed query (400).
import { html } from '../html.js';
import { type PageContext, hrefOf, layout } from './common.js';

export function notFoundPage(c: PageContext): string {
  return layout(c, {
    title: c.t('web.notFound.title'),
    body: html`<h1>${c.t('web.notFound.title')}</h1>
      <p>${c.t('web.notFound.text')}</p>
      <p><a href="${hrefOf('/', { lang: c.lang })}">${c.t('web.notFound.home')}</a></p>`,
  });
}

export function badRequestPage(c: PageContext): string {
  return layout(c, {
    title: c.t('web.badRequest.title'),
    body: html`<h1>${c.t('web.badRequest.title')}</h1>
      <p>${c.t('web.badRequest.text')}</p>
      <p><a href="${hrefOf(c.path, { lang: c.lang })}">${c.t('web.badRequest.again')}</a></p>`,
  });
}
