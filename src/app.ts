// Wires the capabilities together for a running process: database, reference data, the survey
// service. Channels and the CLI start from here.
import crypto from 'node:crypto';
import type { Config } from './config/index.js';
import { type Database, type Db, openDatabase } from './db/index.js';
import type { EmbeddedLaunch } from './db/embedded.js';
import { getI18n, translate } from './i18n/index.js';
import type { Logger } from './log.js';
import { Catalog } from './survey/catalog.js';
import { type Pseudonymizer, createPseudonymizer, resolvePseudonymKey } from './survey/pseudonym.js';
import { SurveyService } from './survey/service.js';
import type { EngineConfig } from './survey/types.js';

export const SUGGESTION_MAX_LENGTH = 1000;

export interface App {
  database: Database;
  catalog: Catalog;
  service: SurveyService;
  /** Keyed hashes of chat identities (channels that keep identities, like WhatsApp aliases, use it). */
  pseudonymizer: Pseudonymizer;
  close(): Promise<void>;
}

/**
 * The privacy notice's version as people see it ("versi 1, November 2026"). It belongs to the text
 * whose fingerprint (noticeFingerprint) test/unit/privacy-notice.test.ts pins: a change of the
 * notice's text fails that test until this edition is raised and the new text pinned.
 */
export const PRIVACY_NOTICE_EDITION = { number: 1, month: '2026-12' } as const;

/** A hash of the notice's texts (summary, full text, version label, consent question) in every language. */
export function noticeFingerprint(): string {
  const i18n = getI18n();
  const texts = ['id', 'en'].map((lng) =>
    JSON.stringify([i18n.getResource(lng, 'translation', 'privacy'), i18n.getResource(lng, 'translation', 'consent.ask')]),
  );
  return crypto.createHash('sha256').update(texts.join('\n')).digest('hex');
}

/**
 * The version a consent is recorded against: the notice's texts, its edition and the retention
 * period it states, so that a change of any of them asks every citizen for consent again.
 */
export function consentTextVersion(retentionDays: number): string {
  return crypto.createHash('sha256').update(`${retentionDays}\n${PRIVACY_NOTICE_EDITION.number}\n${noticeFingerprint()}`).digest('hex').slice(0, 10);
}

export function engineConfig(config: Config): EngineConfig {
  return {
    expiryMinutes: config.surveyExpiryMinutes,
    responseWindow: config.responseWindow,
    consentVersion: consentTextVersion(config.retentionDays),
    noticeEdition: PRIVACY_NOTICE_EDITION,
    retentionDays: config.retentionDays,
    unitListMax: config.unitListMax,
    suggestionMaxLength: SUGGESTION_MAX_LENGTH,
  };
}

export async function createApp(
  config: Config,
  log: Logger,
  options: {
    clock?: () => Date;
    embedded?: EmbeddedLaunch | undefined;
    /** Runs beside the service's own set-up once the database is migrated (the demo seed). */
    prepare?: ((db: Db) => Promise<unknown>) | undefined;
  } = {},
): Promise<App> {
  const { clock } = options;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    log,
    embedded: options.embedded,
  });
  try {
    const { db } = database;
    const catalog = new Catalog(db);
    const wording = async () => {
      for (const added of await catalog.adoptDefaultWording()) log.info(added, 'questionnaire: the current built-in wording added as a new version');
      await catalog.currentQuestionnaire();
    };
    const [key] = await Promise.all([resolvePseudonymKey(db, config.pseudonymKey), wording(), options.prepare?.(db)]);
    const pseudonymizer = createPseudonymizer(key);
    const service = new SurveyService({
      db,
      catalog,
      pseudonymizer,
      engine: engineConfig(config),
      defaultLocale: config.defaultLocale,
      t: translate,
      log,
      ...(clock ? { clock } : {}),
    });
    return { database, catalog, service, pseudonymizer, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
