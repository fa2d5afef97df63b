// The citizen's commands in both languages, what a chat at rest is told, the overlays (/bahasa,
// /hapusdata) over a survey, resuming a survey and its expiry: through the whole engine.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { EngineDriver } from '../support/engine-fixture.js';

const t = (key: string, params?: Record<string, string | number>) => translate('id', key, params);
const texts = (out: { messages: { text: string }[] }) => out.messages.map((m) => m.text);

/** At Disdukcapil's first question (consent given, KTP-el, profile skipped). */
function atQuestion(): EngineDriver {
  const d = new EngineDriver();
  d.command('start', 'u_DUKCAPIL');
  d.tap('Saya setuju');
  d.tap('KTP-el');
  d.tap('Lewati');
  expect(d.state.step).toEqual({ kind: 'question', index: 0 });
  return d;
}

describe('citizen commands: the English names do what the Indonesian ones do', () => {
  it('/nilai with a code starts that unit like /start', () => {
    const d = new EngineDriver();
    d.command('nilai', 'u_SAMSAT');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('/cancel discards the survey and leaves the chat at rest', () => {
    const d = atQuestion();
    d.tap(3);
    const out = d.command('cancel');
    expect(texts(out)).toEqual([t('survey.cancelled')]);
    expect(d.state.survey).toBeNull();
    expect(d.state.step).toEqual({ kind: 'idle' });
  });

  it('/batal leaves the chat at rest too', () => {
    const d = atQuestion();
    d.command('batal');
    expect(d.state.step).toEqual({ kind: 'idle' });
  });

  it('/restart begins the same unit again with a new session', () => {
    const d = atQuestion();
    d.tap(3);
    const out = d.command('restart');
    expect(out.messages[0]!.text).toBe(t('survey.restarted'));
    expect(d.state.step).toEqual({ kind: 'service_type' });
    expect(d.state.survey?.answers).toEqual([]);
    expect(d.state.survey?.sessionId).toBe('session-2');
  });

  it('/help, /language, /privacy and /erase', () => {
    const d = atQuestion();
    expect(d.command('help').messages[0]!.text).toContain('/hapusdata');
    expect(d.command('privacy').messages[0]!.text).toContain('Dasar hukum');
    d.command('language', 'en');
    expect(d.state.locale).toBe('en');
    d.command('erase');
    expect(d.state.step).toEqual({ kind: 'confirm_erase', resume: { kind: 'question', index: 0 } });
  });
});

describe('a chat at rest (no survey)', () => {
  it('/bantuan, /privasi, /bahasa en and an unknown command answer alone, without the "how to begin" hint', () => {
    for (const [command, arg] of [
      ['bantuan', ''],
      ['privasi', ''],
      ['bahasa', 'en'],
      ['halo', ''],
    ] as const) {
      const d = new EngineDriver();
      const out = d.command(command, arg);
      expect(out.messages, `/${command}`).toHaveLength(1);
      expect(d.state.step).toEqual({ kind: 'idle' });
    }
  });

  it('/ulang with no survey in progress greets and asks for the unit', () => {
    const d = new EngineDriver();
    const out = d.command('ulang');
    expect(texts(out)).toEqual([t('welcome.noUnit'), t('unit.askWithList')]);
    expect(d.state.step).toEqual({ kind: 'await_unit' });
  });

  it('/start without a code, or with only spaces behind it, greets and asks for the unit', () => {
    for (const arg of ['', '   ']) {
      const d = new EngineDriver();
      const out = d.command('start', arg);
      expect(texts(out)).toEqual([t('welcome.noUnit'), t('unit.askWithList')]);
    }
  });

  it('/start with spaces around the deep-link payload starts that unit', () => {
    const d = new EngineDriver();
    d.command('start', ' u_SAMSAT ');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('/start with a payload that is no unit code names it back, without the spaces around it', () => {
    const d = new EngineDriver();
    const out = d.command('start', '  bukan kode  ');
    expect(out.messages[0]!.text).toBe(t('unit.notFound', { code: 'bukan kode' }));
    expect(d.state.step).toEqual({ kind: 'await_unit' });
  });

  it('/bahasa takes the language with spaces or capitals around it', () => {
    const d = new EngineDriver();
    const out = d.command('bahasa', ' EN ');
    expect(d.state.locale).toBe('en');
    expect(texts(out)).toEqual([translate('en', 'language.changed')]);
  });

  it('a sticker: the text-only note, then how to begin', () => {
    const d = new EngineDriver();
    const out = d.send({ kind: 'unsupported', what: 'sticker' });
    expect(texts(out)).toEqual([t('input.unsupported'), t('idle.hint')]);
  });

  it('a text that is no unit code: how to begin', () => {
    const d = new EngineDriver();
    const out = d.text('selamat pagi');
    expect(texts(out)).toEqual([t('idle.hint')]);
    expect(d.state.step).toEqual({ kind: 'idle' });
  });

  it('a unit code typed without /start starts that unit', () => {
    const d = new EngineDriver();
    const out = d.text(' samsat ');
    expect(out.messages[0]!.text).toContain('Samsat');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('a unit name is read as a code, not as a pick from a list that is not shown', () => {
    const d = new EngineDriver();
    const out = d.text('disduk');
    expect(texts(out)[0]).toBe(t('unit.notFound', { code: 'DISDUK' }));
  });
});

describe('while the unit is asked for', () => {
  it('a unit of another agency, not on the list, can still be typed by its code', () => {
    const d = new EngineDriver();
    d.command('start');
    d.text('rsud');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'RSUD', full: false });
  });

  it('a text that is neither a unit on the list nor a code is named back, and the list is shown again', () => {
    const d = new EngineDriver();
    d.command('start');
    const out = d.text('apa ini?');
    expect(texts(out)).toEqual([t('unit.notFound', { code: 'apa ini?' }), t('unit.askWithList')]);
    expect(d.state.step).toEqual({ kind: 'await_unit' });
  });

  it('without a list, a typed code picks the unit', () => {
    const d = new EngineDriver();
    d.listUnits = false;
    d.command('start');
    d.text('SAMSAT');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('a garbled button token gets the note, and the list stays', () => {
    const d = new EngineDriver();
    d.command('start');
    const out = d.send({ kind: 'choice', token: 'garbage' });
    expect(out.notice).toBe(t('input.staleButton'));
    expect(d.state.step).toEqual({ kind: 'await_unit' });
  });
});

describe('while consent is asked, the notice keeps naming the agency', () => {
  it('/bantuan repeats the consent question with the agency named', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    const out = d.command('bantuan');
    expect(out.messages[1]!.text).toContain('Mal Pelayanan Publik Kota Demo');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'DUKCAPIL', full: false });
  });

  it('/bahasa en shows the notice in English, naming the agency', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    const out = d.command('bahasa', 'en');
    expect(out.messages[1]!.text).toContain('Mal Pelayanan Publik Kota Demo processes your answers');
  });
});

describe('the language and erase overlays return to the survey step below them', () => {
  it('/bahasa during the erase question, then English: back at the question, in English', () => {
    const d = atQuestion();
    d.command('hapusdata');
    d.command('bahasa');
    expect(d.state.step).toEqual({ kind: 'language', resume: { kind: 'question', index: 0 } });
    const out = d.tap('English');
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
    expect(out.messages.at(-1)!.text).toContain('Question 1/9');
  });

  it('/hapusdata during the language question, then "Tidak jadi": back at the question', () => {
    const d = atQuestion();
    d.command('bahasa');
    d.command('hapusdata');
    expect(d.state.step).toEqual({ kind: 'confirm_erase', resume: { kind: 'question', index: 0 } });
    d.tap('Tidak jadi');
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
  });

  it('the language question offers both languages in one row, and "Bahasa Indonesia" switches back from English', () => {
    const d = new EngineDriver();
    d.command('bahasa', 'en');
    const out = d.command('bahasa');
    expect(out.messages.at(-1)!.choices!.map((row) => row.map((c) => c.label))).toEqual([['Bahasa Indonesia', 'English']]);
    const back = d.tap('Bahasa Indonesia');
    expect(d.state.locale).toBe('id');
    expect(texts(back)).toEqual([t('language.changed')]);
  });

  it('at rest, choosing a language or keeping the data says only that', () => {
    const d = new EngineDriver();
    d.command('bahasa');
    expect(texts(d.tap('English'))).toEqual([translate('en', 'language.changed')]);
    const e = new EngineDriver();
    e.command('hapusdata');
    expect(texts(e.tap('Tidak jadi'))).toEqual([t('erase.cancelled')]);
    expect(e.state.step).toEqual({ kind: 'idle' });
  });

  it('the erase question takes typed yes and no words: "no" keeps the data, "iya" erases it', () => {
    const d = atQuestion();
    d.command('hapusdata');
    expect(d.text('no').effects).toEqual([]);
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
    d.command('hapusdata');
    expect(d.text('iya').effects).toEqual([{ kind: 'eraseData' }]);
  });
});

describe('resuming a survey', () => {
  it('/start without a code resumes at every survey step, naming the unit, and asks that step again', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    d.tap('Saya setuju');
    const resume = t('survey.resume', { unit: 'Disdukcapil' });
    const advance = [
      () => d.tap('KTP-el'),
      () => d.tap('Isi profil'),
      () => {
        for (let i = 0; i < 4; i++) d.tap('Lewati');
        for (let i = 0; i < 9; i++) d.tap(3);
      },
      () => {
        for (let i = 0; i < 5; i++) d.tap('Tidak');
      },
    ];
    const kinds: string[] = [];
    for (let i = 0; i <= advance.length; i++) {
      const before = d.state.step;
      kinds.push(before.kind);
      const out = d.command('start');
      expect(out.messages[0]!.text, before.kind).toBe(resume);
      expect(d.state.step).toEqual(before);
      expect(out.messages).toHaveLength(2);
      advance[i]?.();
    }
    expect(kinds).toEqual(['service_type', 'profile_offer', 'profile', 'maladmin', 'suggestion']);
  });

  it('/start without a code at a question, and under the language or erase overlay, resumes too', () => {
    const d = atQuestion();
    expect(d.command('start').messages[0]!.text).toBe(t('survey.resume', { unit: 'Disdukcapil' }));
    d.command('bahasa');
    expect(d.command('start').messages[0]!.text).toBe(t('survey.resume', { unit: 'Disdukcapil' }));
    d.command('hapusdata');
    expect(d.command('start').messages[0]!.text).toBe(t('survey.resume', { unit: 'Disdukcapil' }));
  });

  it('the QR code of the same unit mid-survey resumes, naming it', () => {
    const d = atQuestion();
    const out = d.command('start', 'u_DUKCAPIL');
    expect(out.messages[0]!.text).toBe(t('survey.resume', { unit: 'Disdukcapil' }));
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
  });

  it('an unknown unit code mid-survey keeps the survey and asks the current question again', () => {
    const d = atQuestion();
    d.tap(3);
    const out = d.command('start', 'u_GHOST');
    expect(out.messages[0]!.text).toBe(t('unit.notFound', { code: 'GHOST' }));
    expect(out.messages[1]!.text).toContain('Pertanyaan 2/9');
    expect(d.state.step).toEqual({ kind: 'question', index: 1 });
    expect(d.state.survey?.answers).toEqual([4]);
  });
});

describe('expiry', () => {
  it('exactly 30 minutes of silence is not yet expiry', () => {
    const d = atQuestion();
    d.now = new Date(d.now.getTime() + 30 * 60_000);
    const out = d.tap(3);
    expect(d.state.survey?.answers).toEqual([4]);
    expect(texts(out).join('\n')).not.toContain('30 menit');
  });

  it('a unit list left open expires quietly: a code typed an hour later starts that unit without an expiry note', () => {
    const d = new EngineDriver();
    d.command('start');
    d.now = new Date(d.now.getTime() + 60 * 60_000);
    const out = d.text('samsat');
    expect(out.messages[0]!.text).toBe(t('welcome.unit', { unit: 'Samsat', agency: 'MPP Demo' }));
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('a stored state without a last activity time does not expire', () => {
    const d = atQuestion();
    d.state = { ...d.state, lastActivityAt: null };
    d.now = new Date(d.now.getTime() + 120 * 60_000);
    d.tap(3);
    expect(d.state.survey?.answers).toEqual([4]);
  });
});
