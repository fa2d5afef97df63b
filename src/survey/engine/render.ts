// The question rendering: one prompt per step kind (its text and its choices), shared by buttons
// and typed answers, and `ask`, which sends the current step's prompt with buttons carrying a new
// sequence number so that a tap on an older message is recognised.
import type { Choice, Step } from '../types.js';
import { privacySummary } from './consent.js';
import { profilePrompt } from './profile.js';
import { type Prompt, type StepOf, type Turn, CONSENT_MORE, SKIP, unitLabel } from './turn.js';

type PromptTable = { [K in Step['kind']]: (turn: Turn, step: StepOf<K>) => Prompt | null };

const yesNo = (turn: Turn) => [
  { label: turn.t('common.yes'), value: 'y' },
  { label: turn.t('common.no'), value: 'n' },
];

const PROMPTS: PromptTable = {
  idle: () => null,
  await_unit: (turn) => {
    const list = turn.ctx.unitChoices;
    return {
      text: turn.t(list.length > 0 ? 'unit.askWithList' : 'unit.ask'),
      choices: list.map((u) => ({ label: unitLabel(u), value: u.code })),
      columns: 1,
    };
  },
  // Short on a phone: the summary, and the whole notice on request ("Selengkapnya"), after which
  // the question is asked on its own.
  consent: (turn, step) => ({
    text: step.full ? turn.t('consent.ask') : `${privacySummary(turn)}\n\n${turn.t('consent.ask')}`,
    // Asked again after an answer we could not read: the question alone, not the summary.
    brief: turn.t('consent.ask'),
    choices: [
      { label: turn.t('consent.agree'), value: 'y' },
      { label: turn.t('consent.decline'), value: 'n' },
      ...(step.full ? [] : [{ label: turn.t('consent.more'), value: CONSENT_MORE }]),
    ],
    columns: 1,
    yesNo: true,
  }),
  service_type: (turn) => {
    const unit = turn.state.survey?.unit;
    if (!unit) return null;
    return {
      text: turn.t('survey.serviceType', { unit: unit.name }),
      choices: [
        ...unit.serviceTypes.map((s) => ({ label: s.name, value: String(s.id) })),
        { label: turn.t('survey.serviceTypeOther'), value: 'other' },
      ],
      columns: 1,
    };
  },
  profile_offer: (turn) => ({
    text: turn.t('profile.offer'),
    choices: [
      { label: turn.t('profile.fill'), value: 'y' },
      { label: turn.t('profile.skipAll'), value: 'n' },
    ],
    columns: 2,
    yesNo: true,
  }),
  profile: (turn, step) => profilePrompt(turn, step.item),
  question: (turn, step) => {
    const locale = turn.state.locale;
    const elements = turn.questionnaire.definition.elements;
    const element = elements[step.index];
    if (!element) return null;
    return {
      text: turn.t('survey.question', {
        n: step.index + 1,
        total: elements.length,
        name: element.name[locale],
        question: element.question[locale],
      }),
      choices: element.labels.map((label, i) => ({ label: label[locale], value: String(i + 1) })),
      columns: 1,
    };
  },
  maladmin: (turn, step) => {
    const items = turn.questionnaire.definition.maladmin;
    const item = items[step.index];
    if (!item) return null;
    const intro = step.index === 0 ? turn.t('maladmin.intro') + '\n\n' : '';
    return {
      text: intro + turn.t('maladmin.question', { n: step.index + 1, total: items.length, question: item.question[turn.state.locale] }),
      choices: yesNo(turn),
      columns: 2,
      yesNo: true,
    };
  },
  suggestion: (turn) => ({
    text: turn.t('survey.suggestion', { max: turn.ctx.config.suggestionMaxLength }),
    choices: [{ label: turn.t('common.skip'), value: SKIP }],
    columns: 1,
  }),
  language: (turn) => ({
    text: turn.t('language.ask'),
    choices: [
      { label: 'Bahasa Indonesia', value: 'id' },
      { label: 'English', value: 'en' },
    ],
    columns: 2,
  }),
  confirm_erase: (turn) => ({
    text: turn.t('erase.confirm'),
    choices: [
      { label: turn.t('erase.yes'), value: 'y' },
      { label: turn.t('erase.no'), value: 'n' },
    ],
    columns: 1,
    yesNo: true,
  }),
};

/** The prompt of a step: what is asked and which answers it takes. */
export function prompt(turn: Turn, step: Step): Prompt | null {
  // The table's type ties each kind to its own step; indexing by a union loses that link.
  const render = PROMPTS[step.kind] as (turn: Turn, step: Step) => Prompt | null;
  return render(turn, step);
}

/**
 * Sends the prompt of the current step, with buttons carrying a new sequence number. `brief`: a
 * re-ask after an unreadable answer, which shows a long prompt's short form (the consent question
 * without the notice).
 */
export function ask(turn: Turn, options: { brief?: boolean } = {}): void {
  const p = prompt(turn, turn.state.step);
  if (!p) {
    // Only a stored state the engine did not write has a step without a prompt (a survey step
    // without its draft, a maladministration question past the questionnaire's): rather than
    // leave the citizen without an answer, start afresh.
    turn.state.survey = null;
    turn.state.step = { kind: 'idle' };
    turn.say(turn.t('idle.hint'));
    return;
  }
  turn.state.seq += 1;
  const seq = turn.state.seq;
  const text = options.brief ? (p.brief ?? p.text) : p.text;
  const buttons: Choice[] = p.choices.map((c) => ({ label: c.label, token: `${seq}:${c.value}` }));
  const rows: Choice[][] = [];
  for (let i = 0; i < buttons.length; i += p.columns) rows.push(buttons.slice(i, i + p.columns));
  turn.messages.push(rows.length > 0 ? { text, choices: rows } : { text });
}

/** How to answer a question in this chat's channel: "tekan tombol" only where there are buttons. */
export function chooseHint(turn: Turn, max: number): string {
  return turn.ctx.choicesAs === 'buttons' ? turn.t('input.chooseOne', { max }) : turn.t('input.chooseOneList', { max });
}

/** Repeats the current question (after a help text, a bad input...). */
export function reask(turn: Turn, quietWhenIdle = false): void {
  const { state } = turn;
  if (state.step.kind === 'idle') {
    if (!quietWhenIdle) turn.say(turn.t('idle.hint'));
    return;
  }
  ask(turn);
}
