// The conversation engine: a pure function from (stored state, event, context) to the next
// state, the messages to send and the effects to apply. No I/O here: the caller loads the
// context beforehand and applies the effects in the same transaction as the new state.
import { clip } from '../text/index.js';
import { formatDateTimeId, localDateString, zonedMidnightUtc } from '../scoring/index.js';
import type { Questionnaire } from './questionnaire.js';
import {
  type Choice,
  type ConvState,
  type Effect,
  type EngineContext,
  type EngineOutput,
  type InboundEvent,
  type Locale,
  type OutMessage,
  type ProfileItem,
  type Step,
  type SurveyDraft,
  type UnitInfo,
  LOCALES,
  UNIT_CODE_PATTERN,
} from './types.js';

export const GENDERS = ['L', 'P'] as const;
export const AGE_BANDS = ['<20', '20-29', '30-39', '40-49', '50-59', '60+'] as const;
export const EDUCATIONS = ['SD', 'SMP', 'SMA', 'D1-D3', 'D4/S1', 'S2', 'S3'] as const;
export const OCCUPATIONS = ['PNS', 'TNI', 'POLRI', 'Swasta', 'Wirausaha', 'Lainnya'] as const;
const PROFILE_ORDER: readonly ProfileItem[] = ['gender', 'age', 'education', 'occupation'];

const SKIP = 'skip';

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

/** The unit code carried by a `/start` payload (`u_DUKCAPIL`) or typed by hand, upper-cased. */
export function unitCodeFrom(text: string): string | null {
  let value = text.trim();
  if (/^u_/i.test(value)) value = value.slice(2);
  return UNIT_CODE_PATTERN.test(value) ? value.toUpperCase() : null;
}

/** Parses a button token `<seq>:<value>`. */
function parseToken(token: string): { seq: number; value: string } | null {
  const match = /^(\d{1,9}):(.{1,50})$/s.exec(token);
  if (!match) return null;
  return { seq: Number(match[1]), value: match[2]! };
}

interface Prompt {
  text: string;
  choices: { label: string; value: string }[];
  columns: number;
}

class Turn {
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

export function step(previous: ConvState, event: InboundEvent, ctx: EngineContext): EngineOutput {
  const turn = new Turn(structuredClone(previous), ctx);
  expireIfStale(turn);
  handle(turn, event);
  turn.state.lastActivityAt = ctx.now.toISOString();
  return turn.output();
}

function expireIfStale(turn: Turn): void {
  const { state, ctx } = turn;
  if (!state.lastActivityAt) return;
  const idleMs = ctx.now.getTime() - Date.parse(state.lastActivityAt);
  if (idleMs <= ctx.config.expiryMinutes * 60_000) return;
  if (state.survey || inSurvey(state.step)) {
    turn.say(turn.t('survey.expired', { minutes: ctx.config.expiryMinutes }));
  }
  if (state.survey || state.step.kind !== 'idle') {
    state.survey = null;
    state.step = { kind: 'idle' };
  }
}

function handle(turn: Turn, event: InboundEvent): void {
  switch (event.kind) {
    case 'command':
      return handleCommand(turn, event.command, event.arg);
    case 'choice':
      return handleChoice(turn, event.token);
    case 'text':
      return handleText(turn, event.text);
    case 'unsupported':
      turn.say(turn.t('input.unsupported'));
      return reask(turn);
  }
}

// ---------------------------------------------------------------------------------------
// Commands

function handleCommand(turn: Turn, command: string, arg: string): void {
  const { state } = turn;
  switch (command) {
    case 'start':
    case 'nilai': {
      const payload = arg.trim();
      if (payload) return selectUnit(turn, payload);
      if (state.survey && inSurvey(state.step)) {
        turn.say(turn.t('survey.resume', { unit: state.survey.unit.name }));
        return reask(turn);
      }
      turn.say(turn.t('welcome.noUnit'));
      return askUnit(turn);
    }
    case 'batal':
    case 'cancel': {
      const hadSurvey = state.survey !== null;
      state.survey = null;
      state.step = { kind: 'idle' };
      turn.say(turn.t(hadSurvey ? 'survey.cancelled' : 'survey.nothingToCancel'));
      return;
    }
    case 'ulang':
    case 'restart': {
      const unit = state.survey?.unit;
      state.survey = null;
      state.step = { kind: 'idle' };
      if (!unit) {
        turn.say(turn.t('welcome.noUnit'));
        return askUnit(turn);
      }
      turn.say(turn.t('survey.restarted'));
      return beginForUnit(turn, unit);
    }
    case 'bantuan':
    case 'help':
      turn.say(turn.t('help.citizen'));
      return reask(turn, true);
    case 'bahasa':
    case 'language': {
      const wanted = arg.trim().toLowerCase();
      if ((LOCALES as readonly string[]).includes(wanted)) {
        state.locale = wanted as Locale;
        turn.say(turn.t('language.changed'));
        return reask(turn, true);
      }
      state.step = { kind: 'language', resume: baseStep(state.step) };
      return ask(turn);
    }
    case 'privasi':
    case 'privacy':
      turn.say(privacyText(turn));
      return reask(turn, true);
    case 'hapusdata':
    case 'erase':
      state.step = { kind: 'confirm_erase', resume: baseStep(state.step) };
      return ask(turn);
    default:
      turn.say(turn.t('input.unknownCommand', { command: clip(`/${command}`, 40) }));
      return reask(turn, true);
  }
}

function baseStep(step: Step): Step {
  return step.kind === 'language' || step.kind === 'confirm_erase' ? step.resume : step;
}

// ---------------------------------------------------------------------------------------
// Choosing the unit, consent, starting

function selectUnit(turn: Turn, typed: string): void {
  const { state, ctx } = turn;
  const code = unitCodeFrom(typed);
  const unit = ctx.eventUnit;
  if (!code || !unit || unit.code !== code) {
    turn.say(turn.t('unit.notFound', { code: clip(code ?? typed.trim(), 24) }));
    if (state.survey && inSurvey(state.step)) return reask(turn);
    return askUnit(turn);
  }
  if (state.survey && inSurvey(state.step)) {
    if (state.survey.unit.id === unit.id) {
      turn.say(turn.t('survey.resume', { unit: unit.name }));
      return reask(turn);
    }
    turn.say(turn.t('survey.switchedUnit', { from: state.survey.unit.name, to: unit.name }));
    state.survey = null;
  }
  turn.say(turn.t('welcome.unit', { unit: unit.name, agency: unit.agencyName }));
  if (!hasConsent(turn)) {
    state.step = { kind: 'consent', unitCode: unit.code };
    return ask(turn);
  }
  beginForUnit(turn, unit);
}

function hasConsent(turn: Turn): boolean {
  return turn.state.consent?.version === turn.ctx.config.consentVersion;
}

/** When this chat may rate the unit again, or null when it may now. */
function nextAllowedAt(turn: Turn, unit: UnitInfo): Date | null {
  const { ctx } = turn;
  const last = ctx.lastResponseAt;
  if (!last) return null;
  const window = ctx.config.responseWindow;
  let next: Date;
  if (window.kind === 'none') return null;
  if (window.kind === 'hours') {
    next = new Date(last.getTime() + window.hours * 3_600_000);
  } else {
    const [y, m, d] = localDateString(last, unit.timeZone).split('-').map(Number) as [number, number, number];
    next = zonedMidnightUtc(y, m, d + 1, unit.timeZone);
  }
  return next.getTime() > ctx.now.getTime() ? next : null;
}

function beginForUnit(turn: Turn, unit: UnitInfo): void {
  const { state, ctx } = turn;
  const next = nextAllowedAt(turn, unit);
  if (next) {
    state.step = { kind: 'idle' };
    turn.say(
      turn.t('unit.alreadyRated', {
        unit: unit.name,
        when: formatDateTimeId(next, unit.timeZone, state.locale),
      }),
    );
    return;
  }
  const draft: SurveyDraft = {
    sessionId: ctx.newSessionId(),
    unit,
    questionnaireId: ctx.currentQuestionnaire.id,
    startedAt: ctx.now.toISOString(),
    serviceTypeId: null,
    profile: {},
    answers: [],
    maladmin: {},
  };
  state.survey = draft;
  turn.draftQuestionnaire = ctx.currentQuestionnaire;
  state.step = unit.serviceTypes.length > 0 ? { kind: 'service_type' } : { kind: 'profile_offer' };
  ask(turn);
}

function askUnit(turn: Turn): void {
  turn.state.step = { kind: 'await_unit' };
  ask(turn);
}

// ---------------------------------------------------------------------------------------
// Asking: one prompt per step, shared by buttons and typed answers

function prompt(turn: Turn, step: Step): Prompt | null {
  const { state, ctx } = turn;
  const locale = state.locale;
  const skip = { label: turn.t('common.skip'), value: SKIP };
  const yesNo = [
    { label: turn.t('common.yes'), value: 'y' },
    { label: turn.t('common.no'), value: 'n' },
  ];
  switch (step.kind) {
    case 'idle':
      return null;
    case 'await_unit': {
      const list = ctx.unitChoices;
      return {
        text: turn.t(list.length > 0 ? 'unit.askWithList' : 'unit.ask'),
        choices: list.map((u) => ({ label: `${u.name} (${u.code})`, value: u.code })),
        columns: 1,
      };
    }
    case 'consent':
      return {
        text: privacyText(turn) + '\n\n' + turn.t('consent.ask'),
        choices: [
          { label: turn.t('consent.agree'), value: 'y' },
          { label: turn.t('consent.decline'), value: 'n' },
        ],
        columns: 1,
      };
    case 'service_type': {
      const unit = state.survey?.unit;
      if (!unit) return null;
      return {
        text: turn.t('survey.serviceType', { unit: unit.name }),
        choices: [
          ...unit.serviceTypes.map((s) => ({ label: s.name, value: String(s.id) })),
          { label: turn.t('survey.serviceTypeOther'), value: 'other' },
        ],
        columns: 1,
      };
    }
    case 'profile_offer':
      return {
        text: turn.t('profile.offer'),
        choices: [
          { label: turn.t('profile.fill'), value: 'y' },
          { label: turn.t('profile.skipAll'), value: 'n' },
        ],
        columns: 2,
      };
    case 'profile':
      switch (step.item) {
        case 'gender':
          return {
            text: turn.t('profile.gender'),
            choices: [...GENDERS.map((g) => ({ label: turn.t(`profile.genders.${g}`), value: g })), skip],
            columns: 3,
          };
        case 'age':
          return {
            text: turn.t('profile.age'),
            choices: [...AGE_BANDS.map((a) => ({ label: turn.t(`profile.ages.${a}`), value: a })), skip],
            columns: 3,
          };
        case 'education':
          return {
            text: turn.t('profile.education'),
            choices: [...EDUCATIONS.map((e) => ({ label: e, value: e })), skip],
            columns: 4,
          };
        case 'occupation':
          return {
            text: turn.t('profile.occupation'),
            choices: [...OCCUPATIONS.map((o) => ({ label: turn.t(`profile.occupations.${o}`), value: o })), skip],
            columns: 3,
          };
      }
      return null;
    case 'question': {
      const element = turn.questionnaire.definition.elements[step.index];
      if (!element) return null;
      return {
        text: turn.t('survey.question', {
          n: step.index + 1,
          total: 9,
          name: element.name[locale],
          question: element.question[locale],
        }),
        choices: element.labels.map((label, i) => ({ label: label[locale], value: String(i + 1) })),
        columns: 1,
      };
    }
    case 'maladmin': {
      const item = turn.questionnaire.definition.maladmin[step.index];
      if (!item) return null;
      const intro = step.index === 0 ? turn.t('maladmin.intro') + '\n\n' : '';
      return {
        text:
          intro +
          turn.t('maladmin.question', {
            n: step.index + 1,
            total: turn.questionnaire.definition.maladmin.length,
            question: item.question[locale],
          }),
        choices: yesNo,
        columns: 2,
      };
    }
    case 'suggestion':
      return {
        text: turn.t('survey.suggestion', { max: ctx.config.suggestionMaxLength }),
        choices: [skip],
        columns: 1,
      };
    case 'language':
      return {
        text: turn.t('language.ask'),
        choices: [
          { label: 'Bahasa Indonesia', value: 'id' },
          { label: 'English', value: 'en' },
        ],
        columns: 2,
      };
    case 'confirm_erase':
      return {
        text: turn.t('erase.confirm'),
        choices: [
          { label: turn.t('erase.yes'), value: 'y' },
          { label: turn.t('erase.no'), value: 'n' },
        ],
        columns: 1,
      };
  }
}

/** Sends the prompt of the current step, with buttons carrying a new sequence number. */
function ask(turn: Turn): void {
  const p = prompt(turn, turn.state.step);
  if (!p) return;
  turn.state.seq += 1;
  const seq = turn.state.seq;
  const buttons: Choice[] = p.choices.map((c) => ({ label: c.label, token: `${seq}:${c.value}` }));
  const rows: Choice[][] = [];
  for (let i = 0; i < buttons.length; i += p.columns) rows.push(buttons.slice(i, i + p.columns));
  turn.messages.push(rows.length > 0 ? { text: p.text, choices: rows } : { text: p.text });
}

/** Repeats the current question (after a help text, a bad input...). */
function reask(turn: Turn, quietWhenIdle = false): void {
  const { state } = turn;
  if (state.step.kind === 'idle') {
    if (!quietWhenIdle) turn.say(turn.t('idle.hint'));
    return;
  }
  ask(turn);
}

// ---------------------------------------------------------------------------------------
// Answers: buttons and typed text end up in `answer`

function handleChoice(turn: Turn, token: string): void {
  const parsed = parseToken(token);
  const { state } = turn;
  if (!parsed || parsed.seq !== state.seq) {
    turn.notice = turn.t('input.staleButton');
    return;
  }
  const p = prompt(turn, state.step);
  const choice = p?.choices.find((c) => c.value === parsed.value);
  if (!p || !choice) {
    turn.notice = turn.t('input.staleButton');
    return;
  }
  turn.editSource = `${p.text}\n\n✅ ${choice.label}`;
  answer(turn, choice.value);
}

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '');
}

function handleText(turn: Turn, raw: string): void {
  const { state, ctx } = turn;
  const text = raw.trim();
  const step = state.step;
  if (step.kind === 'idle' || step.kind === 'await_unit') {
    const listed = step.kind === 'await_unit' ? listedUnit(ctx.unitChoices, text) : null;
    if (listed) return selectUnit(turn, listed);
    if (text.length <= 40 && unitCodeFrom(text)) return selectUnit(turn, text);
    if (step.kind === 'idle') {
      turn.say(turn.t('idle.hint'));
      return;
    }
    turn.say(turn.t('unit.notFound', { code: clip(text, 24) }));
    return ask(turn);
  }
  if (step.kind === 'suggestion') {
    // eslint-disable-next-line no-control-regex -- control characters (not tab or newline) are what this strips.
    const value = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    const p = prompt(turn, step);
    if (p && matchChoice(p, value)?.value === SKIP) return answer(turn, SKIP);
    if (value.length === 0) {
      turn.say(turn.t('input.empty'));
      return ask(turn);
    }
    if (value.length > ctx.config.suggestionMaxLength) {
      turn.say(turn.t('survey.suggestionTooLong', { max: ctx.config.suggestionMaxLength, length: value.length }));
      return ask(turn);
    }
    return finish(turn, value);
  }
  const p = prompt(turn, step);
  if (!p) return reask(turn);
  const matched = matchChoice(p, text);
  if (matched) return answer(turn, matched.value);
  if (step.kind === 'profile' && step.item === 'age' && /^\d{1,3}$/.test(text)) {
    const band = ageBand(Number(text));
    if (band) return answer(turn, band);
  }
  turn.say(turn.t('input.chooseOne', { max: p.choices.length }));
  ask(turn);
}

function matchChoice(p: Prompt, text: string): { value: string } | undefined {
  if (text.length > 200) return undefined;
  const n = /^\d{1,2}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= p.choices.length) return p.choices[n - 1];
  const wanted = normalise(text);
  return p.choices.find((c) => normalise(c.label) === wanted || normalise(c.value) === wanted);
}

/** A number typed while the unit list is shown picks from that list. */
function listedUnit(choices: readonly { code: string }[], text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{1,2}$/.test(trimmed)) return null;
  return choices[Number(trimmed) - 1]?.code ?? null;
}

export function ageBand(age: number): string | null {
  if (!Number.isInteger(age) || age < 10 || age > 120) return null;
  if (age < 20) return '<20';
  if (age >= 60) return '60+';
  const lower = Math.floor(age / 10) * 10;
  return `${lower}-${lower + 9}`;
}

function answer(turn: Turn, value: string): void {
  const { state } = turn;
  const step = state.step;
  const draft = state.survey;
  switch (step.kind) {
    case 'await_unit':
      return selectUnit(turn, value);
    case 'consent': {
      if (value !== 'y') {
        state.step = { kind: 'idle' };
        turn.say(turn.t('consent.declined'));
        return;
      }
      state.consent = { version: turn.ctx.config.consentVersion, at: turn.ctx.now.toISOString() };
      turn.effects.push({ kind: 'recordConsent', textVersion: turn.ctx.config.consentVersion, locale: state.locale });
      turn.say(turn.t('consent.thanks'));
      const unit = turn.ctx.eventUnit;
      if (!unit || unit.code !== step.unitCode) {
        // The unit could not be loaded again (deactivated meanwhile): ask for a code.
        turn.say(turn.t('unit.notFound', { code: step.unitCode }));
        return askUnit(turn);
      }
      return beginForUnit(turn, unit);
    }
    case 'language': {
      state.locale = value === 'en' ? 'en' : 'id';
      state.step = step.resume;
      turn.say(turn.t('language.changed'));
      return reask(turn, true);
    }
    case 'confirm_erase': {
      if (value === 'y') {
        turn.effects.push({ kind: 'eraseData' });
        const locale = state.locale;
        turn.state = { ...initialState(locale), seq: state.seq };
        turn.say(turn.t('erase.done'));
        return;
      }
      state.step = step.resume;
      turn.say(turn.t('erase.cancelled'));
      return reask(turn, true);
    }
    case 'idle':
    case 'suggestion':
      if (step.kind === 'suggestion' && value === SKIP) return finish(turn, null);
      return reask(turn);
  }
  if (!draft) {
    // A survey step without a draft cannot happen through the engine; recover politely.
    state.step = { kind: 'idle' };
    turn.say(turn.t('idle.hint'));
    return;
  }
  switch (step.kind) {
    case 'service_type':
      draft.serviceTypeId = value === 'other' ? null : Number(value);
      state.step = { kind: 'profile_offer' };
      break;
    case 'profile_offer':
      state.step = value === 'y' ? { kind: 'profile', item: 'gender' } : { kind: 'question', index: 0 };
      break;
    case 'profile': {
      if (value !== SKIP) {
        if (step.item === 'gender') draft.profile.gender = value as 'L' | 'P';
        if (step.item === 'age') draft.profile.ageBand = value;
        if (step.item === 'education') draft.profile.education = value;
        if (step.item === 'occupation') draft.profile.occupation = value;
      }
      const next = PROFILE_ORDER[PROFILE_ORDER.indexOf(step.item) + 1];
      state.step = next ? { kind: 'profile', item: next } : { kind: 'question', index: 0 };
      break;
    }
    case 'question': {
      draft.answers[step.index] = Number(value);
      draft.answers.length = step.index + 1;
      const items = turn.questionnaire.definition.maladmin.length;
      state.step = step.index < 8 ? { kind: 'question', index: step.index + 1 } : items > 0 ? { kind: 'maladmin', index: 0 } : { kind: 'suggestion' };
      break;
    }
    case 'maladmin': {
      const item = turn.questionnaire.definition.maladmin[step.index];
      if (item) draft.maladmin[item.code] = value === 'y';
      const items = turn.questionnaire.definition.maladmin.length;
      state.step = step.index + 1 < items ? { kind: 'maladmin', index: step.index + 1 } : { kind: 'suggestion' };
      break;
    }
  }
  ask(turn);
}

function finish(turn: Turn, suggestion: string | null): void {
  const { state } = turn;
  const draft = state.survey;
  if (!draft || draft.answers.length !== 9) {
    state.step = { kind: 'idle' };
    state.survey = null;
    turn.say(turn.t('idle.hint'));
    return;
  }
  const next = nextAllowedAt(turn, draft.unit);
  state.survey = null;
  state.step = { kind: 'idle' };
  if (next) {
    turn.say(turn.t('unit.alreadyRated', { unit: draft.unit.name, when: formatDateTimeId(next, draft.unit.timeZone, state.locale) }));
    return;
  }
  turn.effects.push({
    kind: 'saveResponse',
    response: {
      sessionId: draft.sessionId,
      unitId: draft.unit.id,
      serviceTypeId: draft.serviceTypeId,
      questionnaireId: draft.questionnaireId,
      startedAt: new Date(draft.startedAt),
      answers: [...draft.answers],
      maladmin: { ...draft.maladmin },
      profile: { ...draft.profile },
      suggestion,
      locale: state.locale,
    },
  });
  turn.say(turn.t('survey.thanks', { unit: draft.unit.name }));
  if (Object.values(draft.maladmin).some(Boolean)) turn.say(turn.t('maladmin.thanks'));
}

function privacyText(turn: Turn): string {
  return turn.t('privacy.notice', { days: turn.ctx.config.retentionDays, version: turn.ctx.config.consentVersion });
}

/**
 * The unit code this event refers to, for the caller to resolve before calling `step`: a
 * deep-link payload, a typed code, a unit picked from the list, or the unit waiting for consent.
 */
export function unitCodeWanted(state: ConvState, event: InboundEvent, unitChoices: readonly { code: string }[]): string | null {
  const step = state.step;
  if (event.kind === 'text' && step.kind === 'await_unit') {
    const listed = listedUnit(unitChoices, event.text);
    if (listed) return listed;
  }
  if (event.kind === 'command' && (event.command === 'start' || event.command === 'nilai') && event.arg.trim()) {
    return unitCodeFrom(event.arg);
  }
  if (event.kind === 'text' && (step.kind === 'idle' || step.kind === 'await_unit') && event.text.trim().length <= 40) {
    return unitCodeFrom(event.text);
  }
  if (event.kind === 'choice' && step.kind === 'await_unit') {
    const parsed = parseToken(event.token);
    return parsed && parsed.seq === state.seq ? unitCodeFrom(parsed.value) : null;
  }
  if (step.kind === 'consent') return step.unitCode;
  return null;
}
