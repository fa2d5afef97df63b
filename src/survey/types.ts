// Channel-neutral vocabulary of the conversation: what a chat sends in (events), what the
// engine decides (messages, edits, effects), and the state stored per chat.
import type { Questionnaire } from './questionnaire.js';
import type { ConvState, Profile, UnitInfo } from './state.js';

// The conversation state's types come from the schema that reads it back (state.ts).
export type { BaseStep, ConvState, Profile, Step, SurveyDraft, UnitInfo } from './state.js';

export type Locale = 'id' | 'en';
export const LOCALES: readonly Locale[] = ['id', 'en'];

/** What arrived from a chat, after the channel translated it. */
export type InboundEvent =
  /** `/start u_DUKCAPIL` → command 'start', arg 'u_DUKCAPIL'. Lower-case name, no slash. */
  | { kind: 'command'; command: string; arg: string }
  | { kind: 'text'; text: string }
  /** A tapped button; `token` is the data the engine put on it. */
  | { kind: 'choice'; token: string }
  /** Stickers, photos, voice notes, locations...: nothing the survey can read. */
  | { kind: 'unsupported'; what: string };

export interface Choice {
  label: string;
  /** Opaque to channels: sent back as the token of a 'choice' event (at most 60 bytes). */
  token: string;
}

export interface OutMessage {
  text: string;
  /** Rows of choices; channels render them as buttons or as a numbered list. */
  choices?: Choice[][];
}

export type ProfileItem = 'gender' | 'age' | 'education' | 'occupation';

export interface CompletedResponse {
  sessionId: string;
  unitId: number;
  serviceTypeId: number | null;
  questionnaireId: number;
  startedAt: Date;
  answers: number[];
  maladmin: Record<string, boolean>;
  profile: Profile;
  suggestion: string | null;
  locale: Locale;
}

/** Things the engine wants done in the same transaction as the state change. */
export type Effect =
  | { kind: 'saveResponse'; response: CompletedResponse }
  /** `agencyCode`: the data controller the notice named. */
  | { kind: 'recordConsent'; textVersion: string; agencyCode: string | null; locale: Locale }
  | { kind: 'eraseData' };

export interface EngineOutput {
  state: ConvState;
  messages: OutMessage[];
  /** A short note shown for a tapped button (Telegram: answerCallbackQuery). */
  notice?: string;
  /** New text for the message whose button was tapped (its buttons are removed). */
  editSource?: string;
  effects: Effect[];
}

export type Translate = (locale: Locale, key: string, params?: Record<string, string | number>) => string;

export interface EngineConfig {
  expiryMinutes: number;
  responseWindow: { kind: 'day' } | { kind: 'none' } | { kind: 'hours'; hours: number };
  /** What a consent is recorded against: changes whenever the notice's text or retention changes. */
  consentVersion: string;
  /** The notice as people see its version ("versi 1, November 2026"): number and month (YYYY-MM). */
  noticeEdition: { number: number; month: string };
  retentionDays: number;
  unitListMax: number;
  suggestionMaxLength: number;
}

/** Everything the engine may know besides the state and the event, resolved beforehand. */
/**
 * How a channel shows the choices of a question, so that hints fit it: `buttons` (Telegram: tap,
 * or type the number) or `list` (WhatsApp, the terminal: a numbered list, answered by typing).
 */
export type ChoicesShownAs = 'buttons' | 'list';

export interface EngineContext {
  now: Date;
  /** How the chat's channel shows choices (hints say "tekan tombol" only where there are buttons). */
  choicesAs: ChoicesShownAs;
  config: EngineConfig;
  t: Translate;
  /** Questionnaire for new surveys. */
  currentQuestionnaire: Questionnaire;
  /** Questionnaire of the survey in progress (by the draft's questionnaireId). */
  draftQuestionnaire: Questionnaire | null;
  /** The unit the event names (deep link, typed code or list choice); null when not found. */
  eventUnit: UnitInfo | null;
  /**
   * The data controller the privacy notice names: the agency of the unit in question (the event's,
   * the survey's, or the one consented to), or the only agency there is. Null when unknown; resolved
   * only when a notice may be shown (a unit named, consent asked, /privasi).
   */
  controller: Controller | null;
  /** Units to offer as a list when the citizen has no code (empty when there are too many). */
  unitChoices: { code: string; name: string }[];
  /** When this chat last completed a response for the unit in question (event's or draft's). */
  lastResponseAt: Date | null;
  /** A fresh random id for a new survey session. */
  newSessionId: () => string;
}

/** An agency as the privacy notice names it: who controls the data and how to reach them. */
export interface Controller {
  code: string;
  name: string;
  contactEmail: string | null;
  contactPhone: string | null;
  contactAddress: string | null;
}

export const UNIT_CODE_PATTERN = /^[A-Za-z0-9-]{1,20}$/;
