// Reading answers: a tapped button (its token must belong to the question shown last) and typed
// text (a number from the list, a label or part of one, a yes/no word, a unit code, an age, a
// suggestion: match.ts reads it). Both end up in the step table's `answer`.
import { clip } from '../../text/index.js';
import { finish, selectUnit } from './lifecycle.js';
import { ageBand } from './profile.js';
import { type Match, matchAnswer } from './match.js';
import { ask, chooseHint, prompt, reask } from './render.js';
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

export function handleText(turn: Turn, raw: string): void {
  const { state, ctx } = turn;
  const text = raw.trim();
  const step = state.step;
  if (step.kind === 'idle' || step.kind === 'await_unit') {
    const listed = step.kind === 'await_unit' ? listedUnit(ctx.unitChoices, text) : null;
    if (listed) return selectUnit(turn, listed);
    if (unitCodeFrom(text)) return selectUnit(turn, text);
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
    // Only the whole "Lewati" (or its number), the prompt's one choice, skips: any other text is
    // the suggestion itself.
    if (p && matchAnswer(p.choices, value, { strict: true }).kind === 'match') return answer(turn, SKIP);
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
  if (step.kind === 'profile' && step.item === 'age') {
    // An age in years ("35", "20 tahun") is put in its band. Read before the labels: "20 tahun"
    // is also the label "< 20 tahun" without its sign. The list's numbers (1–7) are no age.
    const age = /^(\d{1,3})\s*(?:tahun|thn|th|years?|yrs?)?\.?$/i.exec(text);
    const band = age ? ageBand(Number(age[1])) : null;
    if (band) return answer(turn, band);
  }
  const matched = matchAnswer(p.choices, text, { yesNo: p.yesNo === true });
  if (matched.kind === 'match') return answer(turn, p.choices[matched.index]!.value);
  if (matched.kind === 'ambiguous') {
    // One short line naming the candidates; the question (and its buttons) above still stands.
    turn.say(turn.t('input.ambiguous', { choices: candidates(turn, p, matched) }));
    return;
  }
  turn.say(chooseHint(turn, p.choices.length));
  ask(turn, { brief: true });
}

/**
 * `"Sangat mahal" (1) atau "Cukup mahal" (2)`: the candidates with the numbers that pick them
 * (an ambiguous match has two or three).
 */
function candidates(turn: Turn, p: Prompt, matched: Extract<Match, { kind: 'ambiguous' }>): string {
  const named = matched.indexes.map((i) => turn.t('input.candidate', { label: p.choices[i]!.label, n: i + 1 }));
  const last = named.pop()!;
  return `${named.join(', ')} ${turn.t('input.or')} ${last}`;
}
