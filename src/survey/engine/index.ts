// The conversation engine: a pure function from (stored state, event, context) to the next
// state, the messages to send and the effects to apply. No I/O here: the caller loads the
// context beforehand and applies the effects in the same transaction as the new state.
//
// Its parts: turn.ts (what one call works with), render.ts (one prompt per step kind),
// steps.ts (the step table: what an answer does at each step kind), answers.ts (reading taps and
// typed text), commands.ts, lifecycle.ts (beginning and finishing a survey), profile.ts and
// consent.ts.
import type { ConvState, EngineContext, EngineOutput, InboundEvent } from '../types.js';
import { handleChoice, handleText } from './answers.js';
import { handleCommand } from './commands.js';
import { reask } from './render.js';
import { Turn, inSurvey, listedUnit, parseToken, unitCodeFrom } from './turn.js';

export { initialState, inSurvey, unitCodeFrom } from './turn.js';
export { AGE_BANDS, EDUCATIONS, GENDERS, OCCUPATIONS, ageBand } from './profile.js';

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
  state.survey = null;
  state.step = { kind: 'idle' };
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
      turn.say(turn.ctx.choicesAs === 'buttons' ? turn.t('input.unsupported') : turn.t('input.unsupportedList'));
      return reask(turn);
  }
}

/**
 * The unit code this event refers to, for the caller to resolve before calling `step`: a
 * deep-link payload, a typed code, a unit picked from the list, or the unit waiting for consent.
 */
export function unitCodeWanted(state: ConvState, event: InboundEvent, unitChoices: readonly { code: string; name: string }[]): string | null {
  const step = state.step;
  if (event.kind === 'text' && step.kind === 'await_unit') {
    const listed = listedUnit(unitChoices, event.text);
    if (listed) return listed;
  }
  if (event.kind === 'command' && (event.command === 'start' || event.command === 'nilai') && event.arg.trim()) {
    return unitCodeFrom(event.arg);
  }
  if (event.kind === 'text' && (step.kind === 'idle' || step.kind === 'await_unit')) {
    return unitCodeFrom(event.text);
  }
  if (event.kind === 'choice' && step.kind === 'await_unit') {
    const parsed = parseToken(event.token);
    return parsed && parsed.seq === state.seq ? unitCodeFrom(parsed.value) : null;
  }
  if (step.kind === 'consent') return step.unitCode;
  return null;
}
