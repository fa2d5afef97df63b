// Reading answers: a tapped button (its token must belong to the question shown last) and typed
// text (a number from the list, a label, a unit code, an age, a suggestion). Both end up in the
// step table's `answer`.
import { clip } from '../../text/index.js';
import { finish, selectUnit } from './lifecycle.js';
import { ageBand } from './profile.js';
import { ask, prompt, reask } from './render.js';
import { answer } from './steps.js';
import { type Prompt, type Turn, SKIP, listedUnit, parseToken, unitCodeFrom } from './turn.js';

export function handleChoice(turn: Turn, token: string): void {
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

export function handleText(turn: Turn, raw: string): void {
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
