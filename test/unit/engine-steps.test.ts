// What each step shows (text, buttons and their rows) and what its answer stores: the suggestion,
// the profile, the one-response window, the end of a survey, a questionnaire that changes
// mid-survey, and stored states the engine did not write itself. Through the whole engine.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { ageBand, initialState, step } from '../../src/survey/engine.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import type { EngineContext, EngineOutput } from '../../src/survey/types.js';
import { CONFIG, CONTROLLERS, EngineDriver, QUESTIONNAIRE, UNITS } from '../support/engine-fixture.js';

const t = (key: string, params?: Record<string, string | number>) => translate('id', key, params);
const texts = (out: EngineOutput) => out.messages.map((m) => m.text);
const rows = (out: EngineOutput) => out.messages.at(-1)!.choices!.map((row) => row.map((c) => c.label));
const saved = (out: EngineOutput) => out.effects.flatMap((e) => (e.kind === 'saveResponse' ? [e.response] : []));

/** At the unit's first question (consent given, first service type, profile skipped). */
function atQuestion(unit = 'DUKCAPIL'): EngineDriver {
  const d = new EngineDriver();
  d.command('start', `u_${unit}`);
  d.tap(0);
  if (d.state.step.kind === 'service_type') d.tap(0);
  d.tap('Lewati');
  expect(d.state.step).toEqual({ kind: 'question', index: 0 });
  return d;
}

function atSuggestion(): EngineDriver {
  const d = atQuestion();
  for (let i = 0; i < 9; i++) d.tap(3);
  for (let i = 0; i < 5; i++) d.tap('Tidak');
  expect(d.state.step).toEqual({ kind: 'suggestion' });
  return d;
}

describe('what each step shows', () => {
  it('the unit question without a list asks for the code, with no buttons', () => {
    const d = new EngineDriver();
    d.listUnits = false;
    const out = d.command('start');
    expect(out.messages.at(-1)).toEqual({ text: t('unit.ask') });
  });

  it('with a list: the list text and one unit per row', () => {
    const d = new EngineDriver();
    const out = d.command('start');
    expect(out.messages.at(-1)!.text).toBe(t('unit.askWithList'));
    expect(rows(out)).toEqual([['Disdukcapil (DUKCAPIL)'], ['Samsat (SAMSAT)']]);
  });

  it('consent buttons stand one per row; the profile offer and yes/no questions two in a row', () => {
    const d = new EngineDriver();
    expect(rows(d.command('start', 'u_SAMSAT'))).toEqual([['Saya setuju'], ['Saya tidak setuju'], ['Selengkapnya']]);
    expect(rows(d.tap('Saya setuju'))).toEqual([['Isi profil', 'Lewati']]);
    d.tap('Lewati');
    for (let i = 0; i < 8; i++) d.tap(3);
    expect(rows(d.tap(3))).toEqual([['Ya', 'Tidak']]);
  });

  it('the service question names the unit and ends with "Layanan lainnya", which stores no service type', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    const out = d.tap('Saya setuju');
    expect(out.messages.at(-1)!.text).toBe(t('survey.serviceType', { unit: 'Disdukcapil' }));
    expect(rows(out)).toEqual([['KTP-el'], ['Kartu Keluarga'], ['Layanan lainnya']]);
    d.tap('Layanan lainnya');
    expect(d.state.survey?.serviceTypeId).toBeNull();
    expect(d.state.step).toEqual({ kind: 'profile_offer' });
  });

  it('the first maladministration question opens with the intro, the next ones do not', () => {
    const d = atQuestion();
    for (let i = 0; i < 8; i++) d.tap(3);
    const items = DEFAULT_QUESTIONNAIRE.maladmin;
    const first = d.tap(3).messages.at(-1)!.text;
    expect(first).toBe(`${t('maladmin.intro')}\n\n${t('maladmin.question', { n: 1, total: items.length, question: items[0]!.question.id })}`);
    const second = d.tap('Tidak').messages.at(-1)!.text;
    expect(second).toBe(t('maladmin.question', { n: 2, total: items.length, question: items[1]!.question.id }));
  });

  it('the suggestion prompt states the configured maximum length', () => {
    const d = atQuestion();
    d.config = { ...d.config, suggestionMaxLength: 500 };
    for (let i = 0; i < 9; i++) d.tap(3);
    for (let i = 0; i < 4; i++) d.tap('Tidak');
    const out = d.tap('Tidak');
    expect(out.messages.at(-1)!.text).toBe(t('survey.suggestion', { max: 500 }));
    expect(rows(out)).toEqual([['Lewati']]);
  });
});

describe('the suggestion', () => {
  it('"Lewati" or its number saves the response without a suggestion', () => {
    for (const typed of ['Lewati', '1', ' lewati ']) {
      const d = atSuggestion();
      expect(
        saved(d.text(typed)).map((r) => r.suggestion),
        typed,
      ).toEqual([null]);
    }
  });

  it('any other text is the suggestion itself, even one that begins like "Lewati"', () => {
    const d = atSuggestion();
    expect(saved(d.text('lewat')).map((r) => r.suggestion)).toEqual(['lewat']);
  });

  it('spaces around it and control characters inside it are dropped before it is stored', () => {
    const d = atSuggestion();
    expect(saved(d.text('  Antrean\u0007 lama\u001b  ')).map((r) => r.suggestion)).toEqual(['Antrean lama']);
  });

  it('an empty suggestion (only spaces or control characters) is refused and asked for again', () => {
    for (const typed of ['   ', '\u0007\u0008']) {
      const d = atSuggestion();
      const out = d.text(typed);
      expect(out.effects).toEqual([]);
      expect(texts(out)).toEqual([t('input.empty'), t('survey.suggestion', { max: 1000 })]);
      expect(d.state.step).toEqual({ kind: 'suggestion' });
    }
  });

  it('a suggestion of exactly the maximum length is taken whole', () => {
    const d = atSuggestion();
    expect(saved(d.text('a'.repeat(1000))).map((r) => r.suggestion?.length)).toEqual([1000]);
  });
});

describe('the respondent profile', () => {
  it('a skipped item stays unset: only the answered items are stored', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap('Saya setuju');
    d.tap('Isi profil');
    d.tap('Perempuan');
    for (let i = 0; i < 3; i++) d.tap('Lewati');
    expect(d.state.survey?.profile).toEqual({ gender: 'P' });
  });

  it('an age band from the age in years, at the edges of the bands', () => {
    expect([9, 10, 19, 20, 29, 59, 60, 120, 121].map(ageBand)).toEqual([null, '<20', '<20', '20-29', '20-29', '50-59', '60+', '60+', null]);
    expect(ageBand(35.5)).toBeNull();
  });

  function atAge(): EngineDriver {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap('Saya setuju');
    d.tap('Isi profil');
    d.tap('Lewati');
    expect(d.state.step).toEqual({ kind: 'profile', item: 'age' });
    return d;
  }

  it('an age typed in years, with "tahun" or "years", lands in its band: "20 tahun" is 20–29, not "< 20 tahun"', () => {
    for (const [typed, band] of [
      ['20 tahun', '20-29'],
      ['20', '20-29'],
      ['19 thn', '<20'],
      ['35 year', '30-39'],
      ['35 years', '30-39'],
      ['35 yr', '30-39'],
      ['35 yrs.', '30-39'],
      ['60 tahun', '60+'],
    ] as const) {
      const d = atAge();
      d.text(typed);
      expect(d.state.survey?.profile.ageBand, typed).toBe(band);
      expect(d.state.step).toEqual({ kind: 'profile', item: 'education' });
    }
  });

  it('the list numbers still pick a band at the age question', () => {
    const d = atAge();
    d.text('2');
    expect(d.state.survey?.profile.ageBand).toBe('20-29');
  });

  it('a number that is no age in years is not stored as one', () => {
    for (const typed of ['2045', '35 atau 36', 'umur 35']) {
      const d = atAge();
      const out = d.text(typed);
      expect(out.messages[0]!.text, typed).toBe(t('input.chooseOne', { max: 7 }));
      expect(d.state.survey?.profile).toEqual({});
    }
  });

  it('an age typed at another question is not an answer there', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap('Saya setuju');
    d.tap('Isi profil');
    expect(d.text('35').messages[0]!.text).toBe(t('input.chooseOne', { max: 3 }));
    expect(d.state.survey?.profile).toEqual({});
    d.tap('Lewati');
    for (let i = 0; i < 3; i++) d.tap('Lewati');
    expect(d.text('35').messages[0]!.text).toBe(t('input.chooseOne', { max: 4 }));
    expect(d.state.survey?.answers).toEqual([]);
  });
});

describe('the end of a survey', () => {
  it('the thanks name the unit; without a yes to maladministration there is no note about it', () => {
    const d = new EngineDriver();
    const out = d.completeSurvey('DUKCAPIL');
    expect(texts(out)).toEqual([t('survey.thanks', { unit: 'Disdukcapil' })]);
  });

  it('a rating saved meanwhile (from another device) stops this one at the end: nothing saved, the next time told', () => {
    const d = atSuggestion();
    d.lastResponseAt = new Date(d.now.getTime() - 60_000);
    const out = d.tap('Lewati');
    expect(out.effects).toEqual([]);
    expect(texts(out)).toEqual([t('unit.alreadyRated', { unit: 'Disdukcapil' })]);
    expect(d.state.step).toEqual({ kind: 'idle' });
    expect(d.state.survey).toBeNull();
  });

  it('a questionnaire without maladministration questions goes from U9 to the suggestion', () => {
    const d = new EngineDriver();
    d.questionnaire = { id: 8, version: 2, definition: { ...DEFAULT_QUESTIONNAIRE, maladmin: [] } };
    d.command('start', 'u_SAMSAT');
    d.tap('Saya setuju');
    d.tap('Lewati');
    for (let i = 0; i < 9; i++) d.tap(3);
    expect(d.state.step).toEqual({ kind: 'suggestion' });
    const response = saved(d.tap('Lewati'))[0]!;
    expect(response.questionnaireId).toBe(8);
    expect(response.maladmin).toEqual({});
  });

  it('a survey keeps the questionnaire it started on when a new one is published meanwhile', () => {
    const d = atQuestion('SAMSAT');
    d.questionnaires = [QUESTIONNAIRE];
    d.questionnaire = { id: 8, version: 2, definition: { ...DEFAULT_QUESTIONNAIRE, maladmin: [] } };
    for (let i = 0; i < 9; i++) d.tap(3);
    expect(d.state.step).toEqual({ kind: 'maladmin', index: 0 });
    for (let i = 0; i < 5; i++) d.tap('Tidak');
    expect(saved(d.tap('Lewati'))[0]!.questionnaireId).toBe(7);
  });
});

describe('one response per chat and unit: the window', () => {
  function attempt(d: EngineDriver): EngineOutput {
    d.command('start', 'u_SAMSAT');
    return d.tap('Saya setuju');
  }

  it('under an hour window, a second attempt is told the hour it may rate again, on the unit’s clock', () => {
    const d = new EngineDriver();
    d.config = { ...d.config, responseWindow: { kind: 'hours', hours: 2 } };
    d.lastResponseAt = new Date(d.now.getTime() - 60 * 60_000); // 01:00 UTC: 12.00 WIT is two hours later
    const out = attempt(d);
    expect(out.messages.at(-1)!.text).toMatch(/mulai \w+, 23 November 2026 pukul 12\.00 WIT\.$/);
    expect(d.state.step).toEqual({ kind: 'idle' });
    expect(d.state.survey).toBeNull();
  });

  it('when the hours have passed, to the minute, or the chat never rated, the survey begins', () => {
    for (const last of [2 * 60, 3 * 60, null]) {
      const d = new EngineDriver();
      d.config = { ...d.config, responseWindow: { kind: 'hours', hours: 2 } };
      d.lastResponseAt = last === null ? null : new Date(d.now.getTime() - last * 60_000);
      attempt(d);
      expect(d.state.step, String(last)).toEqual({ kind: 'profile_offer' });
    }
  });
});

describe('consent when the unit is not the one named', () => {
  it('a unit deactivated while consent was asked: the consent is recorded, then the code is asked for', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.units = [UNITS[0]!];
    const out = d.tap('Saya setuju');
    expect(out.effects).toEqual([{ kind: 'recordConsent', textVersion: 'c1', agencyCode: null, locale: 'id' }]);
    expect(texts(out)).toEqual([t('consent.thanks'), t('unit.notFound', { code: 'SAMSAT' }), t('unit.askWithList')]);
    expect(d.state.step).toEqual({ kind: 'await_unit' });
    expect(d.state.survey).toBeNull();
  });

  /** One engine call with the given unit as the one the caller resolved. */
  function call(state: ReturnType<typeof initialState>, event: Parameters<typeof step>[1], eventUnit: (typeof UNITS)[number]): EngineOutput {
    const ctx: EngineContext = {
      now: new Date('2026-11-23T02:00:00Z'),
      choicesAs: 'buttons',
      config: CONFIG,
      t: translate,
      currentQuestionnaire: QUESTIONNAIRE,
      draftQuestionnaire: null,
      eventUnit,
      controller: CONTROLLERS[0]!,
      unitChoices: [],
      lastResponseAt: null,
      newSessionId: () => 'session-1',
    };
    return step(state, event, ctx);
  }

  it('no survey begins for a unit other than the one the citizen named, whatever unit the caller loaded', () => {
    const [dukcapil, samsat] = [UNITS[0]!, UNITS[1]!];
    const started = call(initialState('id'), { kind: 'command', command: 'start', arg: 'u_DUKCAPIL' }, samsat);
    expect(started.messages[0]!.text).toBe(t('unit.notFound', { code: 'DUKCAPIL' }));
    expect(started.state.step).toEqual({ kind: 'await_unit' });

    const atConsent = { ...initialState('id'), seq: 1, step: { kind: 'consent' as const, unitCode: 'SAMSAT', full: false } };
    const agreed = call(atConsent, { kind: 'choice', token: '1:y' }, dukcapil);
    expect(agreed.messages.map((m) => m.text).slice(0, 2)).toEqual([t('consent.thanks'), t('unit.notFound', { code: 'SAMSAT' })]);
    expect(agreed.state.survey).toBeNull();
  });
});

describe('a stored state the engine did not write itself (an older version, a hand edit)', () => {
  it('a survey step whose draft is gone returns to rest with the hint on how to begin', () => {
    const d = new EngineDriver();
    d.state = { ...initialState('id'), seq: 4, step: { kind: 'profile_offer' } };
    const out = d.send({ kind: 'choice', token: '4:y' });
    expect(texts(out)).toEqual([t('idle.hint')]);
    expect(d.state.step).toEqual({ kind: 'idle' });
  });

  it('a typed answer at a survey step without its draft, or past the questionnaire’s last question, gets the hint, not silence', () => {
    const d = new EngineDriver();
    d.state = { ...initialState('id'), seq: 4, step: { kind: 'service_type' } };
    expect(texts(d.text('KTP-el'))).toEqual([t('idle.hint')]);
    expect(d.state.step).toEqual({ kind: 'idle' });
    const e = atQuestion();
    e.state = { ...e.state, step: { kind: 'maladmin', index: 7 } };
    expect(texts(e.text('tidak'))).toEqual([t('idle.hint')]);
    expect(e.state.step).toEqual({ kind: 'idle' });
    expect(e.state.survey).toBeNull();
  });

  it('/start at a survey step without its draft: nothing to resume, the unit is asked for or begun', () => {
    const orphan = () => {
      const d = new EngineDriver();
      d.state = { ...initialState('id'), seq: 4, step: { kind: 'profile_offer' } };
      return d;
    };
    expect(texts(orphan().command('start'))).toEqual([t('welcome.noUnit'), t('unit.askWithList')]);
    const ghost = orphan();
    expect(ghost.command('start', 'u_GHOST').messages[0]!.text).toBe(t('unit.notFound', { code: 'GHOST' }));
    expect(ghost.state.step).toEqual({ kind: 'await_unit' });
    const samsat = orphan();
    samsat.command('start', 'u_SAMSAT');
    expect(samsat.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('a survey step without its draft, left for an hour, is reported as an unfinished survey', () => {
    const d = new EngineDriver();
    d.state = { ...initialState('id'), seq: 4, step: { kind: 'profile_offer' }, lastActivityAt: d.now.toISOString() };
    d.now = new Date(d.now.getTime() + 60 * 60_000);
    expect(d.command('bantuan').messages[0]!.text).toBe(t('survey.expired', { minutes: 30 }));
  });

  it('a suggestion step with fewer than nine answers saves nothing and returns to rest', () => {
    const d = atQuestion();
    d.tap(3);
    d.state = { ...d.state, step: { kind: 'suggestion' } };
    const out = d.text('Antrean lama');
    expect(out.effects).toEqual([]);
    expect(texts(out)).toEqual([t('idle.hint')]);
    expect(d.state.step).toEqual({ kind: 'idle' });
    expect(d.state.survey).toBeNull();
  });
});

describe('buttons', () => {
  it('a token with anything before its number is not a button of ours', () => {
    const d = atQuestion();
    const token = d.token(3);
    const out = d.send({ kind: 'choice', token: `x${token}` });
    expect(out.notice).toBe(t('input.staleButton'));
    expect(d.state.survey?.answers).toEqual([]);
  });
});

describe('the privacy notice’s contact line', () => {
  it('leaves out blank contact fields, and says so when all are blank', () => {
    const d = new EngineDriver();
    d.controllers = [{ ...CONTROLLERS[0]!, contactPhone: '  ', contactAddress: '' }];
    expect(d.command('privasi').messages[0]!.text).toContain('Kontak: ppid@demo.go.id.');
    d.controllers = [{ ...CONTROLLERS[0]!, contactEmail: ' ', contactPhone: null, contactAddress: '' }];
    expect(d.command('privasi').messages[0]!.text).toContain(`Kontak: ${t('privacy.noContact')}`);
  });
});
