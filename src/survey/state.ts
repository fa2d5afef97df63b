// Reading a stored conversation state back. The JSON in the database is an outside input too:
// a row written by an older version, or edited by hand, must not crash the bot.
import { z } from 'zod';
import { ELEMENT_COUNT } from '../scoring/index.js';
import type { ConvState } from './types.js';

const stepBase = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('await_unit') }),
  z.object({ kind: z.literal('consent'), unitCode: z.string() }),
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
  timeZone: z.string(),
  questionnaireKey: z.string().default('default'),
  serviceTypes: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

const stateSchema = z.object({
  v: z.literal(1),
  locale: z.enum(['id', 'en']),
  seq: z.number().int().min(0),
  step,
  consent: z.object({ version: z.string(), at: z.string() }).nullable(),
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
      answers: z.array(z.number().int().min(1).max(4)).max(ELEMENT_COUNT),
      maladmin: z.record(z.string(), z.boolean()),
    })
    .nullable(),
  lastActivityAt: z.string().nullable(),
});

/** The stored state, or null when it cannot be understood (the chat then starts afresh). */
export function parseState(value: unknown): ConvState | null {
  const parsed = stateSchema.safeParse(value);
  return parsed.success ? (parsed.data as ConvState) : null;
}
