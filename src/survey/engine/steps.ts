// The step table: what an answer (a tapped button or a recognised typed answer) does at each kind
// of step, one handler per kind. Survey steps need the draft and ask the next question after it.
import { ELEMENT_COUNT } from '../../scoring/index.js';
import type { Step, SurveyDraft } from '../types.js';
import { beginForUnit, askUnit, finish, selectUnit } from './lifecycle.js';
import { nextProfileItem, recordProfile } from './profile.js';
import { ask, reask } from './render.js';
import { privacyText } from './consent.js';
import { type StepOf, type Turn, CONSENT_MORE, initialState } from './turn.js';

type AnswerHandler<K extends Step['kind']> = (turn: Turn, step: StepOf<K>, value: string) => void;
type AnswerTable = { [K in Step['kind']]: AnswerHandler<K> };

/** A survey step's handler: it changes the draft and the step, then the next question is asked. */
function inDraft<K extends Step['kind']>(handle: (turn: Turn, step: StepOf<K>, value: string, draft: SurveyDraft) => void): AnswerHandler<K> {
  return (turn, step, value) => {
    const draft = turn.state.survey;
    if (!draft) {
      // A survey step without a draft cannot happen through the engine; recover politely.
      turn.state.step = { kind: 'idle' };
      turn.say(turn.t('idle.hint'));
      return;
    }
    handle(turn, step, value, draft);
    ask(turn);
  };
}

const ANSWERS: AnswerTable = {
  idle: (turn) => reask(turn),
  await_unit: (turn, _step, value) => selectUnit(turn, value),
  consent: (turn, step, value) => {
    const { state, ctx } = turn;
    if (value === CONSENT_MORE) {
      turn.say(privacyText(turn));
      state.step = { ...step, full: true };
      return ask(turn);
    }
    if (value !== 'y') {
      state.step = { kind: 'idle' };
      turn.say(turn.t('consent.declined'));
      return;
    }
    const unit = ctx.eventUnit;
    const agency = unit?.agencyCode || null;
    state.consent = { version: ctx.config.consentVersion, at: ctx.now.toISOString(), agency };
    turn.effects.push({ kind: 'recordConsent', textVersion: ctx.config.consentVersion, agencyCode: agency, locale: state.locale });
    turn.say(turn.t('consent.thanks'));
    if (!unit || unit.code !== step.unitCode) {
      // The unit could not be loaded again (deactivated meanwhile): ask for a code.
      turn.say(turn.t('unit.notFound', { code: step.unitCode }));
      return askUnit(turn);
    }
    return beginForUnit(turn, unit);
  },
  language: (turn, step, value) => {
    turn.state.locale = value === 'en' ? 'en' : 'id';
    turn.state.step = step.resume;
    turn.say(turn.t('language.changed'));
    reask(turn, true);
  },
  confirm_erase: (turn, step, value) => {
    const { state } = turn;
    if (value === 'y') {
      turn.effects.push({ kind: 'eraseData' });
      turn.state = { ...initialState(state.locale), seq: state.seq };
      turn.say(turn.t('erase.done'));
      return;
    }
    state.step = step.resume;
    turn.say(turn.t('erase.cancelled'));
    reask(turn, true);
  },
  // The suggestion's one choice is "Lewati" (a typed suggestion goes to `finish` directly).
  suggestion: (turn) => finish(turn, null),
  service_type: inDraft((turn, _step, value, draft) => {
    draft.serviceTypeId = value === 'other' ? null : Number(value);
    turn.state.step = { kind: 'profile_offer' };
  }),
  profile_offer: inDraft((turn, _step, value) => {
    turn.state.step = value === 'y' ? { kind: 'profile', item: 'gender' } : { kind: 'question', index: 0 };
  }),
  profile: inDraft((turn, step, value, draft) => {
    recordProfile(draft, step.item, value);
    const next = nextProfileItem(step.item);
    turn.state.step = next ? { kind: 'profile', item: next } : { kind: 'question', index: 0 };
  }),
  question: inDraft((turn, step, value, draft) => {
    draft.answers[step.index] = Number(value);
    draft.answers.length = step.index + 1;
    const items = turn.questionnaire.definition.maladmin.length;
    turn.state.step =
      step.index + 1 < ELEMENT_COUNT
        ? { kind: 'question', index: step.index + 1 }
        : items > 0
          ? { kind: 'maladmin', index: 0 }
          : { kind: 'suggestion' };
  }),
  maladmin: inDraft((turn, step, value, draft) => {
    const items = turn.questionnaire.definition.maladmin;
    const item = items[step.index];
    if (item) draft.maladmin[item.code] = value === 'y';
    turn.state.step = step.index + 1 < items.length ? { kind: 'maladmin', index: step.index + 1 } : { kind: 'suggestion' };
  }),
};

/** Applies an answer to the current step. */
export function answer(turn: Turn, value: string): void {
  const step = turn.state.step;
  // The table's type ties each kind to its own step; indexing by a union loses that link.
  const handle = ANSWERS[step.kind] as AnswerHandler<Step['kind']>;
  handle(turn, step, value);
}
