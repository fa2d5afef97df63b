// What one engine call works with: the Turn (the state being changed, the context, the messages
// and effects gathered so far), the Prompt a step shows, and the small parsers of button tokens and
// unit codes that the rest of the engine and its callers share. Pure: no I/O.
import type { Questionnaire } from '../questionnaire.js';
import { matchAnswer } from './match.js';
import {
  type BaseStep,
  type ConvState,
  type Effect,
  type EngineContext,
  type EngineOutput,
  type Locale,
  type OutMessage,
  type Step,
  UNIT_CODE_PATTERN,
} from '../types.js';

/** The value of the "skip" choice (profile items, the suggestion). */
export const SKIP = 'skip';
/** The value of the consent step's "Selengkapnya" choice: show the whole privacy notice. */
export const CONSENT_MORE = 'more';

/** The step of the given kind, for handlers kept in a table keyed by step kind. */
export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export interface Prompt {
  text: string;
  choices: { label: string; value: string }[];
  columns: number;
  /** A yes/no question (its choices are 'y' and 'n'): "ya", "setuju", "nggak" answer it. */
  yesNo?: boolean;
  /** What a re-ask shows instead of `text` when the text is long (the consent's notice). */
  brief?: string;
}

export class Turn {
  readonly messages: OutMessage[] = [];
  readonly effects: Effect[] = [];
  notice: string | undefined;
  editSource: string | undefined;
  /** The questionnaire of the survey in progress; replaced when a new survey begins. */
  draftQuestionnaire: Questionnaire | null;

  constructor(
    public state: ConvState,
    readonly ctx: EngineContext,
  ) {
    this.draftQuestionnaire = ctx.draftQuestionnaire;
  }

  t(key: string, params?: Record<string, string | number>): string {
    return this.ctx.t(this.state.locale, key, params);
  }

  say(text: string): void {
    this.messages.push({ text });
  }

  get questionnaire(): Questionnaire {
    return this.draftQuestionnaire ?? this.ctx.currentQuestionnaire;
  }

  output(): EngineOutput {
    const out: EngineOutput = { state: this.state, messages: this.messages, effects: this.effects };
    if (this.notice !== undefined) out.notice = this.notice;
    if (this.editSource !== undefined) out.editSource = this.editSource;
    return out;
  }
}

export function initialState(locale: Locale): ConvState {
  return { v: 1, locale, seq: 0, step: { kind: 'idle' }, consent: null, survey: null, lastActivityAt: null };
}

/** A step in which a survey is being filled in (it expires and can be resumed). */
export function inSurvey(step: Step): boolean {
  switch (step.kind) {
    case 'service_type':
    case 'profile_offer':
    case 'profile':
    case 'question':
    case 'maladmin':
    case 'suggestion':
      return true;
    case 'language':
    case 'confirm_erase':
      return inSurvey(step.resume);
    default:
      return false;
  }
}

/** The step an overlay (language, erase confirmation) returns to. */
export function baseStep(step: Step): BaseStep {
  return step.kind === 'language' || step.kind === 'confirm_erase' ? step.resume : step;
}

/** The unit code carried by a `/start` payload (`u_DUKCAPIL`) or typed by hand, upper-cased. */
export function unitCodeFrom(text: string): string | null {
  let value = text.trim();
  if (/^u_/i.test(value)) value = value.slice(2);
  return UNIT_CODE_PATTERN.test(value) ? value.toUpperCase() : null;
}

/** Parses a button token `<seq>:<value>`. */
export function parseToken(token: string): { seq: number; value: string } | null {
  const match = /^(\d{1,9}):(.{1,50})$/s.exec(token);
  if (!match) return null;
  return { seq: Number(match[1]), value: match[2]! };
}

/** The label a listed unit is shown with (and read back by). */
export function unitLabel(unit: { code: string; name: string }): string {
  return `${unit.name} (${unit.code})`;
}

/**
 * While the unit list is shown, a number from it, or a text naming one unit of it ("samsat",
 * "bpjs"), picks that unit.
 */
export function listedUnit(choices: readonly { code: string; name: string }[], text: string): string | null {
  const matched = matchAnswer(
    choices.map((u) => ({ label: unitLabel(u), value: u.code })),
    text,
  );
  return matched.kind === 'match' ? choices[matched.index]!.code : null;
}
