// The built-in wording changed (Bapak/Ibu instead of Saudara, among others). A database that stored
// the earlier wording gets the current one as a new version on start-up; past versions and the
// responses given on them stay as they were, and a version an agency wrote is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/survey/catalog.js';
import {
  DEFAULT_QUESTIONNAIRE,
  PAST_DEFAULT_FINGERPRINTS,
  type QuestionnaireDefinition,
  definitionFingerprint,
} from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/** The wording shipped until December 2026, rebuilt from the current one. */
function earlierWording(): QuestionnaireDefinition {
  const def = structuredClone(DEFAULT_QUESTIONNAIRE);
  for (const el of def.elements) el.question.id = el.question.id.replace('pendapat Bapak/Ibu', 'pendapat Saudara');
  def.elements[1]!.question.id = 'Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?';
  for (const item of def.maladmin) item.question.id = item.question.id.replace('Bapak/Ibu', 'Saudara');
  const prosedur = def.maladmin.find((m) => m.code === 'prosedur')!;
  prosedur.question.id = 'Apakah prosedur yang Saudara alami berbeda dari standar pelayanan yang dipasang?';
  prosedur.question.en = 'Did the procedure you experienced differ from the displayed service standard?';
  return def;
}

async function storeVersion(key: string, version: number, definition: unknown): Promise<number> {
  const row = await t.db.questionnaire.create({ data: { key, version, definition: definition as object } });
  return row.id;
}

describe('the built-in questionnaire wording on an existing database', () => {
  it('the rebuilt earlier wording is the one listed as shipped before', () => {
    expect(PAST_DEFAULT_FINGERPRINTS.has(definitionFingerprint(earlierWording()))).toBe(true);
    expect(PAST_DEFAULT_FINGERPRINTS.has(definitionFingerprint(DEFAULT_QUESTIONNAIRE))).toBe(false);
  });

  it('gets the current wording as a new version; the old version and its responses are untouched', async () => {
    const oldId = await storeVersion('default', 1, earlierWording());
    const agency = await t.db.agency.create({ data: { code: 'QW', name: 'Dinas QW' } });
    const unit = await t.db.serviceUnit.create({ data: { code: 'QW-1', name: 'Loket QW', agencyId: agency.id } });
    await t.db.response.create({
      data: {
        sessionId: 'qw-session-1',
        unitId: unit.id,
        questionnaireId: oldId,
        channel: 'telegram',
        startedAt: new Date(),
        maladmin: {},
        locale: 'id',
        u1: 4,
        u2: 3,
        u3: 3,
        u4: 2,
        u5: 4,
        u6: 4,
        u7: 4,
        u8: 3,
        u9: 3,
      },
    });
    const catalog = new Catalog(t.db, 0);

    const added = await catalog.adoptDefaultWording();
    expect(added).toEqual([{ key: 'default', version: 2 }]);
    const current = await catalog.currentQuestionnaire('default');
    expect(current.version).toBe(2);
    expect(current.definition.elements[1]!.question.id).toBe('Bagaimana pendapat Bapak/Ibu tentang kemudahan prosedur pelayanan di unit ini?');
    expect(JSON.stringify(current.definition)).not.toContain('Saudara');

    const old = await t.db.questionnaire.findUniqueOrThrow({ where: { id: oldId } });
    expect(definitionFingerprint(old.definition)).toBe(definitionFingerprint(earlierWording()));
    const response = await t.db.response.findUniqueOrThrow({ where: { sessionId: 'qw-session-1' } });
    expect(response.questionnaireId).toBe(oldId);

    // Start-up runs it every time: the second time there is nothing to add.
    expect(await catalog.adoptDefaultWording()).toEqual([]);
    expect(await t.db.questionnaire.count({ where: { key: 'default' } })).toBe(2);
  });

  it('two instances starting together add the new version once', async () => {
    await storeVersion('twice', 1, earlierWording());
    const [a, b] = await Promise.all([new Catalog(t.db, 0).adoptDefaultWording(), new Catalog(t.db, 0).adoptDefaultWording()]);
    expect([...a, ...b].filter((v) => v.key === 'twice')).toEqual([{ key: 'twice', version: 2 }]);
    expect(await t.db.questionnaire.count({ where: { key: 'twice' } })).toBe(2);
  });

  it('leaves a version an agency wrote alone, even if it still says Saudara', async () => {
    const custom = earlierWording();
    custom.elements[0]!.question.id = 'Bagaimana pendapat Saudara tentang persyaratan di loket kami?';
    await storeVersion('agency-own', 3, custom);
    await new Catalog(t.db, 0).adoptDefaultWording();
    const versions = await t.db.questionnaire.findMany({ where: { key: 'agency-own' } });
    expect(versions.map((v) => v.version)).toEqual([3]);
  });
});
