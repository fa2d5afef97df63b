// The citizen's commands (/start, /batal, /ulang, /bantuan, /bahasa, /privasi, /hapusdata), in
// Indonesian and English.
import { clip } from '../../text/index.js';
import { type Locale, LOCALES } from '../types.js';
import { privacyText } from './consent.js';
import { askUnit, beginForUnit, selectUnit } from './lifecycle.js';
import { ask, reask } from './render.js';
import { type Turn, baseStep, inSurvey } from './turn.js';

export function handleCommand(turn: Turn, command: string, arg: string): void {
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
      if (!unit) {
        turn.say(turn.t('welcome.noUnit'));
        return askUnit(turn);
      }
      turn.say(turn.t('survey.restarted'));
      return beginForUnit(turn, unit);
    }
    case 'bantuan':
    case 'help':
      turn.say(turn.t('help.citizen', { how: turn.ctx.choicesAs === 'buttons' ? turn.t('help.how.buttons') : turn.t('help.how.list') }));
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
