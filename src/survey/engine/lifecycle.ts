// A survey's beginning and end: choosing the unit (asking for consent first when needed),
// starting a draft on the current questionnaire, and finishing it into a saved response.
import { clip } from '../../text/index.js';
import { ELEMENT_COUNT, formatDateTimeId } from '../../scoring/index.js';
import type { SurveyDraft, UnitInfo } from '../types.js';
import { hasConsent, nextAllowedAt } from './consent.js';
import { ask, reask } from './render.js';
import { type Turn, inSurvey, unitCodeFrom } from './turn.js';

export function askUnit(turn: Turn): void {
  turn.state.step = { kind: 'await_unit' };
  ask(turn);
}

export function selectUnit(turn: Turn, typed: string): void {
  const { state, ctx } = turn;
  const code = unitCodeFrom(typed);
  const unit = ctx.eventUnit;
  if (!code || !unit || unit.code !== code) {
    turn.say(turn.t('unit.notFound', { code: clip(code ?? typed, 24) }));
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
  if (!hasConsent(turn, unit)) {
    state.step = { kind: 'consent', unitCode: unit.code, full: false };
    return ask(turn);
  }
  beginForUnit(turn, unit);
}

export function beginForUnit(turn: Turn, unit: UnitInfo): void {
  const { state, ctx } = turn;
  const next = nextAllowedAt(turn, unit);
  if (next) {
    state.step = { kind: 'idle' };
    turn.say(alreadyRated(turn, unit, next));
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

/** The one-response rule's answer: "today … from tomorrow" for the daily rule, the exact time otherwise. */
function alreadyRated(turn: Turn, unit: UnitInfo, next: Date): string {
  if (turn.ctx.config.responseWindow.kind === 'day') return turn.t('unit.alreadyRated', { unit: unit.name });
  return turn.t('unit.alreadyRatedUntil', { unit: unit.name, when: formatDateTimeId(next, unit.timeZone, turn.state.locale) });
}

export function finish(turn: Turn, suggestion: string | null): void {
  const { state } = turn;
  const draft = state.survey;
  if (!draft || draft.answers.length !== ELEMENT_COUNT) {
    state.step = { kind: 'idle' };
    state.survey = null;
    turn.say(turn.t('idle.hint'));
    return;
  }
  const next = nextAllowedAt(turn, draft.unit);
  state.survey = null;
  state.step = { kind: 'idle' };
  if (next) {
    turn.say(alreadyRated(turn, draft.unit, next));
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
