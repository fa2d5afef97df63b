// Reference data the conversation needs on every update (units, service types, questionnaire
// versions), read through short-lived in-memory caches so that a busy counter does not cost a
// query per tap. Questionnaire versions never change, so they are cached for good. Read with plain
// SQL: the citizen's update runs on it (see src/db/sql.ts).
import { type Db, sqlOf } from '../db/client.js';
import type { SqlRunner } from '../db/sql.js';
import { type Questionnaire, DEFAULT_QUESTIONNAIRE, PAST_DEFAULT_FINGERPRINTS, definitionFingerprint, questionnaireSchema } from './questionnaire.js';
import type { Controller, UnitInfo } from './types.js';

/**
 * Where a cache miss reads from. Code inside a transaction passes its transaction: asking the pool
 * for a second connection while holding one deadlocks once every connection is held that way.
 */
export type Reader = SqlRunner;

interface Entry<T> {
  value: T;
  expires: number;
}

interface UnitRow {
  id: number;
  code: string;
  name: string;
  agencyName: string;
  agencyCode: string;
  timeZone: string;
  questionnaireKey: string;
}

interface QuestionnaireRow {
  id: number;
  version: number;
  definition: unknown;
}

export class Catalog {
  private readonly units = new Map<string, Entry<UnitInfo | null>>();
  private choices: Entry<{ code: string; name: string }[]> | undefined;
  private readonly questionnaires = new Map<number, Questionnaire>();
  private readonly current = new Map<string, Entry<Questionnaire>>();
  private readonly controllers = new Map<string, Entry<Controller | null>>();

  private readonly sql: SqlRunner;

  constructor(
    db: Db,
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.sql = sqlOf(db);
  }

  /** Forget cached units (after an import or an edit in the same process). */
  invalidate(): void {
    this.units.clear();
    this.choices = undefined;
    this.current.clear();
    this.controllers.clear();
  }

  async unitByCode(code: string, reader: Reader = this.sql): Promise<UnitInfo | null> {
    const key = code.toUpperCase();
    const hit = this.units.get(key);
    if (hit && hit.expires > this.clock()) return hit.value;
    const [unit] = await reader.query<UnitRow>(
      `SELECT u.id, u.code, u.name, a.name AS "agencyName", a.code AS "agencyCode", a."timeZone", a."questionnaireKey"
       FROM "ServiceUnit" u JOIN "Agency" a ON a.id = u."agencyId"
       WHERE u.code = $1 AND u.active LIMIT 1`,
      [key],
    );
    const serviceTypes = unit
      ? await reader.query<{ id: number; name: string }>(
          `SELECT id, name FROM "ServiceType" WHERE "unitId" = $1 AND active ORDER BY "sortOrder", name`,
          [unit.id],
        )
      : [];
    const value: UnitInfo | null = unit ? { ...unit, serviceTypes } : null;
    if (this.units.size > 10_000) this.units.clear();
    this.units.set(key, { value, expires: this.clock() + this.ttlMs });
    return value;
  }

  /** Active units to list for a citizen without a code; empty when there are more than `max`. */
  async unitChoices(max: number, reader: Reader = this.sql): Promise<{ code: string; name: string }[]> {
    if (max <= 0) return [];
    if (this.choices && this.choices.expires > this.clock()) return this.choices.value;
    const rows = await reader.query<{ code: string; name: string }>(`SELECT code, name FROM "ServiceUnit" WHERE active ORDER BY name LIMIT $1`, [
      max + 1,
    ]);
    const value = rows.length > max ? [] : rows;
    this.choices = { value, expires: this.clock() + this.ttlMs };
    return value;
  }

  /**
   * The agency a privacy notice names as data controller: by its code, or, without one, the only
   * agency that has active units (null when there are several: the notice then cannot name one).
   */
  async controller(agencyCode: string | null, reader: Reader = this.sql): Promise<Controller | null> {
    const key = agencyCode ?? '';
    const hit = this.controllers.get(key);
    if (hit && hit.expires > this.clock()) return hit.value;
    const columns = `a.code, a.name, a."contactEmail", a."contactPhone", a."contactAddress"`;
    const rows = agencyCode
      ? await reader.query<Controller>(`SELECT ${columns} FROM "Agency" a WHERE a.code = $1`, [agencyCode])
      : await reader.query<Controller>(
          `SELECT ${columns} FROM "Agency" a WHERE EXISTS (SELECT 1 FROM "ServiceUnit" u WHERE u."agencyId" = a.id AND u.active) LIMIT 2`,
        );
    const value = rows.length === 1 ? rows[0]! : null;
    if (this.controllers.size > 10_000) this.controllers.clear();
    this.controllers.set(key, { value, expires: this.clock() + this.ttlMs });
    return value;
  }

  async questionnaire(id: number, reader: Reader = this.sql): Promise<Questionnaire | null> {
    const hit = this.questionnaires.get(id);
    if (hit) return hit;
    const [row] = await reader.query<QuestionnaireRow>(`SELECT id, version, definition FROM "Questionnaire" WHERE id = $1`, [id]);
    if (!row) return null;
    const value: Questionnaire = { id: row.id, version: row.version, definition: questionnaireSchema.parse(row.definition) };
    this.questionnaires.set(id, value);
    return value;
  }

  /**
   * Brings the built-in wording up to date without touching the past: every questionnaire key whose
   * newest version is a wording this project shipped earlier (PAST_DEFAULT_FINGERPRINTS) gets the
   * current DEFAULT_QUESTIONNAIRE as its next version. Versions an agency wrote are left alone;
   * responses keep the version they were answered on, and a survey in progress finishes on its own.
   * Two instances starting together insert the same version once (the (key, version) key). Returns
   * the versions added.
   */
  async adoptDefaultWording(reader: Reader = this.sql): Promise<{ key: string; version: number }[]> {
    const newest = await reader.query<QuestionnaireRow & { key: string }>(
      `SELECT DISTINCT ON (key) id, key, version, definition FROM "Questionnaire" ORDER BY key, version DESC`,
    );
    const current = definitionFingerprint(DEFAULT_QUESTIONNAIRE);
    const added: { key: string; version: number }[] = [];
    for (const row of newest) {
      const fingerprint = definitionFingerprint(row.definition);
      if (fingerprint === current || !PAST_DEFAULT_FINGERPRINTS.has(fingerprint)) continue;
      const inserted = await reader.execute(
        `INSERT INTO "Questionnaire" (key, version, definition) VALUES ($1, $2, $3::jsonb) ON CONFLICT (key, version) DO NOTHING`,
        [row.key, row.version + 1, JSON.stringify(DEFAULT_QUESTIONNAIRE)],
      );
      if (inserted === 1) added.push({ key: row.key, version: row.version + 1 });
    }
    if (added.length > 0) this.current.clear();
    return added;
  }

  /** The newest version of a questionnaire; the built-in default is stored as version 1 if none exists. */
  async currentQuestionnaire(key = 'default', reader: Reader = this.sql): Promise<Questionnaire> {
    const hit = this.current.get(key);
    if (hit && hit.expires > this.clock()) return hit.value;
    const newest = `SELECT id, version, definition FROM "Questionnaire" WHERE key = $1 ORDER BY version DESC LIMIT 1`;
    let [row] = await reader.query<QuestionnaireRow>(newest, [key]);
    if (!row) {
      await reader.execute(`INSERT INTO "Questionnaire" (key, version, definition) VALUES ($1, 1, $2::jsonb) ON CONFLICT (key, version) DO NOTHING`, [
        key,
        JSON.stringify(DEFAULT_QUESTIONNAIRE),
      ]);
      [row] = await reader.query<QuestionnaireRow>(newest, [key]);
      if (!row) throw new Error(`questionnaire "${key}" could not be stored`);
    }
    const value: Questionnaire = { id: row.id, version: row.version, definition: questionnaireSchema.parse(row.definition) };
    this.questionnaires.set(value.id, value);
    this.current.set(key, { value, expires: this.clock() + this.ttlMs });
    return value;
  }
}
