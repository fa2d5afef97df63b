// Reference data the conversation needs on every update (units, service types, questionnaire
// versions), read through short-lived in-memory caches so that a busy counter does not cost a
// query per tap. Questionnaire versions never change, so they are cached for good.
import type { Db, Tx } from '../db/client.js';

/**
 * Where a cache miss reads from. Code inside a transaction passes its transaction: asking the pool
 * for a second connection while holding one deadlocks once every connection is held that way.
 */
export type Reader = Db | Tx;
import { type Questionnaire, questionnaireSchema, DEFAULT_QUESTIONNAIRE } from './questionnaire.js';
import type { UnitInfo } from './types.js';

interface Entry<T> {
  value: T;
  expires: number;
}

export class Catalog {
  private readonly units = new Map<string, Entry<UnitInfo | null>>();
  private choices: Entry<{ code: string; name: string }[]> | undefined;
  private readonly questionnaires = new Map<number, Questionnaire>();
  private readonly current = new Map<string, Entry<Questionnaire>>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Forget cached units (after an import or an edit in the same process). */
  invalidate(): void {
    this.units.clear();
    this.choices = undefined;
    this.current.clear();
  }

  async unitByCode(code: string, reader: Reader = this.db): Promise<UnitInfo | null> {
    const key = code.toUpperCase();
    const hit = this.units.get(key);
    if (hit && hit.expires > this.clock()) return hit.value;
    const unit = await reader.serviceUnit.findFirst({
      where: { code: key, active: true },
      include: {
        agency: true,
        serviceTypes: { where: { active: true }, orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }] },
      },
    });
    const value: UnitInfo | null = unit
      ? {
          id: unit.id,
          code: unit.code,
          name: unit.name,
          agencyName: unit.agency.name,
          timeZone: unit.agency.timeZone,
          questionnaireKey: unit.agency.questionnaireKey,
          serviceTypes: unit.serviceTypes.map((s) => ({ id: s.id, name: s.name })),
        }
      : null;
    if (this.units.size > 10_000) this.units.clear();
    this.units.set(key, { value, expires: this.clock() + this.ttlMs });
    return value;
  }

  /** Active units to list for a citizen without a code; empty when there are more than `max`. */
  async unitChoices(max: number, reader: Reader = this.db): Promise<{ code: string; name: string }[]> {
    if (max <= 0) return [];
    if (this.choices && this.choices.expires > this.clock()) return this.choices.value;
    const rows = await reader.serviceUnit.findMany({
      where: { active: true },
      orderBy: { name: 'asc' },
      select: { code: true, name: true },
      take: max + 1,
    });
    const value = rows.length > max ? [] : rows;
    this.choices = { value, expires: this.clock() + this.ttlMs };
    return value;
  }

  async questionnaire(id: number, reader: Reader = this.db): Promise<Questionnaire | null> {
    const hit = this.questionnaires.get(id);
    if (hit) return hit;
    const row = await reader.questionnaire.findUnique({ where: { id } });
    if (!row) return null;
    const value: Questionnaire = { id: row.id, version: row.version, definition: questionnaireSchema.parse(row.definition) };
    this.questionnaires.set(id, value);
    return value;
  }

  /** The newest version of a questionnaire; the built-in default is stored as version 1 if none exists. */
  async currentQuestionnaire(key = 'default', reader: Reader = this.db): Promise<Questionnaire> {
    const hit = this.current.get(key);
    if (hit && hit.expires > this.clock()) return hit.value;
    let row = await reader.questionnaire.findFirst({ where: { key }, orderBy: { version: 'desc' } });
    if (!row) {
      await reader.questionnaire.createMany({
        data: [{ key, version: 1, definition: DEFAULT_QUESTIONNAIRE }],
        skipDuplicates: true,
      });
      row = await reader.questionnaire.findFirstOrThrow({ where: { key }, orderBy: { version: 'desc' } });
    }
    const value: Questionnaire = { id: row.id, version: row.version, definition: questionnaireSchema.parse(row.definition) };
    this.questionnaires.set(value.id, value);
    this.current.set(key, { value, expires: this.clock() + this.ttlMs });
    return value;
  }
}
