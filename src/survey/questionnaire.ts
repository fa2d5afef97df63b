// A questionnaire version is the wording of the survey: element names, questions and answer
// labels in Indonesian and English, and the maladministration items. The elements themselves (nine,
// U1..U9, 1–4) are fixed by the regulation and defined in src/scoring/elements.ts; a version only
// words them. Versions are stored in the database and never edited in place, so a response keeps
// the text it was answered with. This is their shape, a zod check for stored or imported
// definitions, and the default (the regulation's sample wording).
import crypto from 'node:crypto';
import { z } from 'zod';
import { type LocalText, DEFAULT_ELEMENTS, ELEMENT_CODES, ELEMENT_COUNT } from '../scoring/index.js';

export type { LocalText };

const text = z.object({ id: z.string().min(1), en: z.string().min(1) });

export const questionnaireSchema = z.object({
  elements: z
    .array(
      z.object({
        code: z.enum(ELEMENT_CODES),
        name: text,
        question: text,
        /** Labels for answers 1 (worst) to 4 (best). */
        labels: z.tuple([text, text, text, text]),
      }),
    )
    .length(ELEMENT_COUNT)
    .refine(
      (els) => els.every((el, i) => el.code === ELEMENT_CODES[i]),
      `elements must be ${ELEMENT_CODES[0]}..${ELEMENT_CODES[ELEMENT_COUNT - 1]} in order`,
    ),
  maladmin: z.array(z.object({ code: z.string().regex(/^[a-z_]{2,30}$/), question: text })).max(10),
});

export type QuestionnaireDefinition = z.infer<typeof questionnaireSchema>;

export interface Questionnaire {
  id: number;
  version: number;
  definition: QuestionnaireDefinition;
}

const t = (id: string, en: string): LocalText => ({ id, en });

export const DEFAULT_QUESTIONNAIRE: QuestionnaireDefinition = {
  elements: DEFAULT_ELEMENTS.map((el) => ({ ...el })),
  maladmin: [
    {
      code: 'imbalan',
      question: t(
        'Apakah Bapak/Ibu diminta membayar uang, barang, atau jasa di luar tarif resmi (pungutan liar/imbalan)?',
        'Were you asked to pay money, goods or services beyond the official tariff (illegal fee)?',
      ),
    },
    {
      code: 'calo',
      question: t('Apakah ada calo (perantara tidak resmi) dalam pelayanan ini?', 'Was there a broker (unofficial middleman) in this service?'),
    },
    {
      code: 'penundaan',
      question: t(
        'Apakah pelayanan Bapak/Ibu ditunda atau diperlambat tanpa alasan yang jelas?',
        'Was your service delayed or slowed down without a clear reason?',
      ),
    },
    {
      code: 'diskriminasi',
      question: t(
        'Apakah Bapak/Ibu diperlakukan tidak adil atau dibeda-bedakan (diskriminasi)?',
        'Were you treated unfairly or differently from others (discrimination)?',
      ),
    },
    {
      code: 'prosedur',
      question: t(
        'Apakah prosedur yang Bapak/Ibu alami berbeda dari standar pelayanan yang dipajang/diumumkan di unit ini?',
        'Did the procedure you experienced differ from the service standard displayed or announced at this unit?',
      ),
    },
  ],
};

/** Sorted keys all the way down: a stored definition (jsonb reorders keys) reads back the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, canonical(record[k])]),
    );
  }
  return value;
}

/** A hash of a definition's content, independent of key order. */
export function definitionFingerprint(definition: unknown): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(canonical(definition)))
    .digest('hex');
}

/**
 * Fingerprints of the built-in wordings this project shipped before the current DEFAULT_QUESTIONNAIRE.
 * A stored version that is exactly one of them was stored by the catalog, not written by an agency,
 * so on start-up the catalog adds the current wording as the next version (Catalog.adoptDefaultWording).
 * When DEFAULT_QUESTIONNAIRE changes, add the fingerprint of the wording it replaces here
 * (test/unit/questionnaire-default.test.ts pins the current one and says so).
 */
export const PAST_DEFAULT_FINGERPRINTS: ReadonlySet<string> = new Set([
  // Until December 2026: "Saudara", "Bagaimana pemahaman Saudara …" (U2), "standar pelayanan yang dipasang".
  '7ee533ee96aa18030cd4eabf6927112e2f045c50c00b0a538a2ebd68841bb52b',
]);
