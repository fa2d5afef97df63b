// Reading a stored conversation state back. The JSON in the database is an outside input too:
// a row written by an older version, or edited by hand, must not crash the bot.
import { z } from 'zod';
import { ELEMENT_COUNT } from '../scoring/index.js';

const stepBase = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('await_unit') }),
  // full: the whole notice was asked for and shown, so the question is asked without the summary.
  z.object({ kind: z.literal('consent'), unitCode: z.string(), full: z.boolean().default(false) }),
  z.object({ kind: z.literal('service_type') }),
  z.object({ kind: z.literal('profile_offer') }),
  z.object({ kind: z.literal('profile'), item: z.enum(['gender', 'age', 'education', 'occupation']) }),
  z.object({ kind: z.literal('question'), index: z.number().int().min(0).max(8) }),
  z.object({ kind: z.literal('maladmin'), index: z.number().int().min(0).max(9) }),
  z.object({ kind: z.literal('suggestion') }),
]);
const step = z.union([
  stepBase,
  z.object({ kind: z.literal('language'), resume: stepBase }),
  z.object({ kind: z.literal('confirm_erase'), resume: stepBase }),
]);

const unit = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  agencyName: z.string(),
  // Empty in a draft stored before agencies were named in the notice.
  agencyCode: z.string().default(''),
  timeZone: z.string(),
  questionnaireKey: z.string().default('default'),
  serviceTypes: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

const stateSchema = z.object({
  v: z.literal(1),
  locale: z.enum(['id', 'en']),
  // Increases with every question asked; buttons carry it, so old buttons are recognised.
  seq: z.number().int().min(0),
  step,
  // agency: the data controller the agreed notice named (a consent holds for that agency only).
  consent: z.object({ version: z.string(), at: z.string(), agency: z.string().nullable().default(null) }).nullable(),
  survey: z
    .object({
      sessionId: z.string(),
      unit,
      questionnaireId: z.number().int(),
      startedAt: z.string(),
      serviceTypeId: z.number().int().nullable(),
      profile: z.object({
        gender: z.enum(['L', 'P']).optional(),
        ageBand: z.string().optional(),
        education: z.string().optional(),
        occupation: z.string().optional(),
      }),
      // Answers 1–4 to U1..U9 in order, as far as given.
      answers: z.array(z.number().int().min(1).max(4)).max(ELEMENT_COUNT),
      maladmin: z.record(z.string(), z.boolean()),
    })
    .nullable(),
  lastActivityAt: z.string().nullable(),
});

// The conversation state's types are what its schema reads: one definition, so a field added to
// one cannot be missing from the other.
export type ConvState = z.output<typeof stateSchema>;
export type Step = ConvState['step'];
/** A step that is not an overlay: what the language and erase overlays return to. */
export type BaseStep = z.output<typeof stepBase>;
export type SurveyDraft = NonNullable<ConvState['survey']>;
export type UnitInfo = z.output<typeof unit>;
export type Profile = SurveyDraft['profile'];

/** The stored state, or null when it cannot be understood (the chat then starts afresh). */
export function parseState(value: unknown): ConvState | null {
  const parsed = stateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
