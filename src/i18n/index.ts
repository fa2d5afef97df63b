// i18next over locales/id and locales/en (Indonesian is the default). Texts are plain: no HTML
// escaping, since channels send them without markup.
import fs from 'node:fs';
import i18next, { type i18n } from 'i18next';
import type { Locale, Translate } from '../survey/types.js';
import { LOCALES_DIR } from '../paths.js';

export { LOCALES_DIR };

function readLocale(locale: Locale): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(`${LOCALES_DIR}/${locale}/translation.json`, 'utf8')) as Record<string, unknown>;
}

let instance: i18n | undefined;

/** The shared i18next instance, initialised synchronously from the JSON files on first use. */
export function getI18n(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: 'id',
    fallbackLng: 'id',
    supportedLngs: ['id', 'en'],
    resources: { id: { translation: readLocale('id') }, en: { translation: readLocale('en') } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

export const translate: Translate = (locale, key, params) => {
  const i18n = getI18n();
  if (!i18n.exists(key, { lng: locale })) throw new Error(`Missing translation key ${key} (${locale})`);
  return i18n.t(key, { lng: locale, ...params });
};
