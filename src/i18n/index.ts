// i18next over locales/id and locales/en (Indonesian is the default). Texts are plain: no HTML
// escaping, since channels send them without markup.
// `translate` throws on a key missing from the locale files, so that a typo fails loudly in tests
// (test/unit/translation-keys.test.ts checks every key the code uses). Code that builds keys from
// stored data, like the scheduled jobs, wraps it with `tolerantTranslate`: an unknown code in an
// old response must not stop a summary or an alert from going out.
import fs from 'node:fs';
import i18next, { type i18n } from 'i18next';
import type { Logger } from '../log.js';
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

export class MissingTranslationError extends Error {
  constructor(
    readonly key: string,
    readonly locale: Locale,
  ) {
    super(`Missing translation key ${key} (${locale})`);
    this.name = 'MissingTranslationError';
  }
}

export const translate: Translate = (locale, key, params) => {
  const i18n = getI18n();
  if (!i18n.exists(key, { lng: locale })) throw new MissingTranslationError(key, locale);
  return i18n.t(key, { lng: locale, ...params });
};

/** What a reader sees for a missing key: its last part, which for a key built from data is the code itself. */
export function fallbackText(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1) || key;
}

/** Keys already warned about in this process: a job that runs every minute must not repeat the warning. */
const warnedMissing = new Set<string>();

/**
 * `t` that never throws for a missing key: it gives `fallbackText(key)` and logs one warning per
 * key and language for the life of the process. Other errors still throw.
 */
export function tolerantTranslate(t: Translate, log: Logger): Translate {
  return (locale, key, params) => {
    try {
      return t(locale, key, params);
    } catch (error) {
      if (!(error instanceof MissingTranslationError)) throw error;
      const seen = `${locale}:${key}`;
      if (!warnedMissing.has(seen)) {
        warnedMissing.add(seen);
        log.warn({ key, locale }, 'translation key missing: its last part is shown instead');
      }
      return fallbackText(key);
    }
  };
}
