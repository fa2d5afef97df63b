// The warm-ups a bot runs before it takes its first update (SurveyService.warmUp and
// warmUpDatabase delegate here). A bot restarted after an outage gets every update queued meanwhile
// at once, on a process V8 has not compiled yet and on pool connections that have prepared
// nothing; docs/ARCHITECTURE.md ("a cold process") says what each part is worth.
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Sql, TxRunner } from '../db/sql.js';
import { pgJson } from '../text/index.js';
import type { Catalog } from './catalog.js';
import { initialState, inSurvey, step, unitCodeWanted } from './engine.js';
import type { Pseudonymizer } from './pseudonym.js';
import { parseState } from './state.js';
import type { ChoicesShownAs, ConvState, EngineConfig, EngineOutput, InboundEvent, Locale, OutMessage, Translate } from './types.js';

/** What a warm-up uses of the survey service. */
export interface WarmUpParts {
  sql: Sql;
  catalog: Catalog;
  pseudonymizer: Pseudonymizer;
  engine: EngineConfig;
  defaultLocale: Locale;
  t: Translate;
  clock: () => Date;
  /** Runs `work` in a transaction with the statement time-out of a citizen's update. */
  transaction: <T>(work: (tx: TxRunner) => Promise<T>) => Promise<T>;
  /** One citizen's update inside its transaction, exactly as the service runs a real one. */
  turn: (tx: TxRunner, envelope: WarmUpEnvelope, chatKey: string, unitChoices: { code: string; name: string }[]) => Promise<WarmUpTurn>;
}

/** The update a synthetic citizen sends (a real update's envelope, on Telegram, with buttons). */
export interface WarmUpEnvelope {
  channel: 'telegram';
  chatId: string;
  updateId: string;
  event: InboundEvent;
  localeHint: Locale;
  choicesAs: 'buttons';
}

/** What the service's turn resolves with, as far as a warm-up reads it. */
export type WarmUpTurn = { duplicate: true } | { duplicate: false; output: EngineOutput };

/** A unit that exists only in the in-memory warm-up; never stored. */
const WARM_UP_UNIT = {
  id: -1,
  code: 'WARMUP',
  name: 'Warm-up',
  agencyName: 'Warm-up',
  agencyCode: 'WARMUP',
  timeZone: 'Asia/Jakarta',
  questionnaireKey: 'default',
  serviceTypes: [{ id: -1, name: 'Warm-up' }],
};

/** A synthetic citizen's choice: agree, the first service, skip the profile, answers 3–4, "no" to each item, skip the suggestion. */
function warmUpPick(state: ConvState, citizen: number): number {
  const kind = state.step.kind;
  return kind === 'profile_offer' || kind === 'maladmin' ? 1 : kind === 'question' ? 2 + (citizen % 2) : 0;
}

/** Thrown to roll a warm-up transaction back. */
const ROLL_BACK = new Error('warm-up transaction rolled back');

/** The choice at `index` of the last question of `messages` (its first when there are fewer). */
function tapOn(messages: readonly OutMessage[], index: number): InboundEvent {
  const choices =
    [...messages]
      .reverse()
      .find((m) => m.choices)
      ?.choices?.flat() ?? [];
  return { kind: 'choice', token: (choices[index] ?? choices[0])?.token ?? '' };
}

/**
 * Opens the pool's connections, then runs the in-memory part of a citizen's update (the engine
 * with its texts, the state read and written as JSON, the reply kept) over `surveys` whole
 * synthetic surveys, each rendered by the channel's `render`. Reads the current questionnaire;
 * stores nothing, sends nothing. Resolves with the steps run, the surveys completed and the
 * milliseconds taken.
 */
export async function warmUpEngine(
  parts: WarmUpParts,
  options: { surveys: number; choicesAs: ChoicesShownAs; render?: ((messages: OutMessage[]) => void) | undefined },
): Promise<{ steps: number; completed: number; ms: number }> {
  const started = performance.now();
  await parts.sql.connectAll();
  const currentQuestionnaire = await parts.catalog.currentQuestionnaire();
  const controller = { code: WARM_UP_UNIT.agencyCode, name: WARM_UP_UNIT.agencyName, contactEmail: null, contactPhone: null, contactAddress: null };
  let steps = 0;
  let completed = 0;
  for (let i = 0; i < options.surveys; i++) {
    const locale: Locale = i % 4 === 3 ? 'en' : parts.defaultLocale;
    let state = initialState(locale);
    let event: InboundEvent = { kind: 'command', command: 'start', arg: `u_${WARM_UP_UNIT.code}` };
    // Deep link, consent, service type, profile skipped, nine answers, maladministration, suggestion skipped.
    for (let turn = 0; turn < 40 && (turn === 0 || inSurvey(state.step) || state.step.kind === 'consent'); turn++) {
      const stored = parseState(JSON.parse(pgJson(state)) as unknown) ?? state;
      const output = step(stored, event, {
        now: parts.clock(),
        choicesAs: options.choicesAs,
        config: parts.engine,
        t: parts.t,
        currentQuestionnaire,
        draftQuestionnaire: stored.survey ? currentQuestionnaire : null,
        eventUnit: unitCodeWanted(stored, event, []) === WARM_UP_UNIT.code ? WARM_UP_UNIT : null,
        controller,
        unitChoices: [],
        lastResponseAt: null,
        newSessionId: () => crypto.randomUUID(),
      });
      pgJson(output.messages);
      options.render?.(output.messages);
      steps++;
      if (output.effects.some((e) => e.kind === 'saveResponse')) completed++;
      state = output.state;
      event = tapOn(output.messages, warmUpPick(state, i));
    }
  }
  return { steps, completed, ms: performance.now() - started };
}

/**
 * The database part of an update: on `connections` pool connections at once, `rounds` times, a
 * synthetic citizen opens a real unit's deep link and answers up to the suggestion, each tap
 * through the same statements as a real update, all in one transaction that is then rolled back.
 * Each connection then has the update's statements prepared and the tables' catalog entries
 * loaded, and node-postgres and the service are compiled (the same wave of 500 /start: bot CPU
 * 0.8–0.9 of a core in its first seconds on a cold process, 0.5 on a warm one). Nothing is stored,
 * and no response is submitted (no day-stats row is locked). Does nothing while the database has
 * no unit. Resolves with the taps run and the milliseconds taken.
 */
export async function warmUpDatabase(parts: WarmUpParts, options: { connections: number; rounds: number }): Promise<{ taps: number; ms: number }> {
  const started = performance.now();
  const units = await parts.sql.query<{ code: string }>(`SELECT code FROM "ServiceUnit" WHERE active ORDER BY id LIMIT $1`, [options.connections]);
  const unitChoices = await parts.catalog.unitChoices(parts.engine.unitListMax);
  let taps = 0;
  for (let round = 0; round < options.rounds && units.length > 0; round++) {
    await Promise.all(
      Array.from({ length: options.connections }, async (_, i) => {
        const unit = units[i % units.length]!;
        const chatId = `warm-up:${crypto.randomUUID()}`;
        const chatKey = parts.pseudonymizer.chatKey('telegram', chatId);
        const localeHint: Locale = i % 4 === 3 ? 'en' : parts.defaultLocale;
        try {
          await parts.transaction(async (tx) => {
            let event: InboundEvent = { kind: 'command', command: 'start', arg: `u_${unit.code}` };
            for (let turn = 0; turn < 40; turn++) {
              const envelope: WarmUpEnvelope = {
                channel: 'telegram',
                chatId,
                updateId: `${chatId}:${turn}`,
                event,
                localeHint,
                choicesAs: 'buttons',
              };
              const result = await parts.turn(tx, envelope, chatKey, unitChoices);
              taps++;
              if (result.duplicate) break;
              const { state } = result.output;
              if (state.step.kind === 'suggestion' || !(inSurvey(state.step) || state.step.kind === 'consent')) break;
              event = tapOn(result.output.messages, warmUpPick(state, i));
            }
            throw ROLL_BACK;
          });
        } catch (error) {
          if (error !== ROLL_BACK) throw error;
        }
      }),
    );
  }
  return { taps, ms: performance.now() - started };
}
