// Typed answers as people type them, and hints that fit the channel, through the whole engine.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import type { ChoicesShownAs } from '../../src/survey/types.js';
import { EngineDriver, UNITS } from '../support/engine-fixture.js';

function atConsent(choicesAs: ChoicesShownAs = 'buttons'): EngineDriver {
  const d = new EngineDriver();
  d.choicesAs = choicesAs;
  d.command('start', 'u_DUKCAPIL');
  expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'DUKCAPIL', full: false });
  return d;
}

function atQuestion(index: number, choicesAs: ChoicesShownAs = 'buttons'): EngineDriver {
  const d = atConsent(choicesAs);
  d.text('setuju');
  d.text('ktp');
  d.text('lewati');
  for (let i = 0; i < index; i++) d.text('3');
  expect(d.state.step).toEqual({ kind: 'question', index });
  return d;
}

describe('typed answers, leniently', () => {
  it('"setuju" gives consent, "KTP elektronik" picks the KTP-el service, "tidak" on U1 is "Tidak sesuai"', () => {
    const d = atConsent();
    const out = d.text('setuju');
    expect(out.effects).toEqual([{ kind: 'recordConsent', textVersion: 'c1', agencyCode: 'MPP-DEMO', locale: 'id' }]);
    expect(d.state.step).toEqual({ kind: 'service_type' });
    d.text('Kartu Keluarga');
    expect(d.state.survey?.serviceTypeId).toBe(12);
    d.command('ulang');
    d.text('ktp el');
    expect(d.state.survey?.serviceTypeId).toBe(11);
    d.text('gak');
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
    d.text('tidak');
    d.text('kurang');
    d.text('Sangat');
    expect(d.state.survey?.answers).toEqual([1, 2, 4]);
  });

  it('a whole survey answered in words only, with yes/no words on the maladministration questions', () => {
    const d = atConsent('list');
    d.text('iya');
    d.text('ktp');
    d.text('ya'); // fill in the profile
    d.text('perempuan');
    d.text('35 tahun');
    d.text('s1');
    d.text('swasta');
    expect(d.state.survey?.profile).toEqual({ gender: 'P', ageBand: '30-39', education: 'D4/S1', occupation: 'Swasta' });
    for (const word of ['sangat', 'mudah', 'cepat', 'gratis', 'sesuai', 'kompeten', 'ramah dan sopan', 'baik', 'dikelola']) d.text(word);
    expect(d.state.survey?.answers).toEqual([4, 3, 3, 4, 3, 3, 3, 3, 4]);
    d.text('nggak');
    d.text('ya');
    d.text('tidak pernah');
    d.text('no');
    d.text('tdk');
    expect(d.state.survey?.maladmin).toEqual({ imbalan: false, calo: true, penundaan: false, diskriminasi: false, prosedur: false });
    const out = d.text('Lewati');
    expect(out.effects.map((e) => e.kind)).toEqual(['saveResponse']);
  });

  it('"tidak setuju" declines consent', () => {
    const d = atConsent();
    d.text('tidak setuju');
    expect(d.state.step).toEqual({ kind: 'idle' });
    expect(d.lastText()).toContain('tidak ada data penilaian yang kami simpan');
  });

  it('a wrong consent answer is asked again briefly: the question and its choices, not the whole notice', () => {
    const d = atConsent();
    const seq = d.state.seq;
    const out = d.text('mungkin nanti');
    expect(d.state.step.kind).toBe('consent');
    expect(out.messages).toHaveLength(2);
    expect(out.messages[0]!.text).toBe(translate('id', 'input.chooseOne', { max: 3 }));
    expect(out.messages[1]!.text).toBe(translate('id', 'consent.ask'));
    expect(out.messages[1]!.choices?.flat().map((c) => c.label)).toEqual(['Saya setuju', 'Saya tidak setuju', translate('id', 'consent.more')]);
    expect(d.lastText()).not.toContain('UU No. 27');
    // The re-asked buttons are the live ones now.
    expect(d.state.seq).toBe(seq + 1);
    d.tap('Saya setuju');
    expect(d.state.step).toEqual({ kind: 'service_type' });
  });

  it('an ambiguous text gets one short line naming the candidates, and the question stays as it was', () => {
    const d = atQuestion(3, 'list'); // U4: Sangat mahal, Cukup mahal, Murah, Gratis
    const seq = d.state.seq;
    const out = d.text('mahal');
    expect(out.messages).toEqual([{ text: 'Maksud Bapak/Ibu "Sangat mahal" (1) atau "Cukup mahal" (2)? Silakan balas dengan angkanya.' }]);
    expect(d.state.step).toEqual({ kind: 'question', index: 3 });
    expect(d.state.seq).toBe(seq);
    d.text('2');
    expect(d.state.survey?.answers[3]).toBe(2);
  });

  it('three candidates are named with commas and "atau" / "or"', () => {
    const d = new EngineDriver();
    d.units = [
      ...UNITS,
      {
        ...UNITS[1]!,
        id: 3,
        code: 'BAPENDA',
        name: 'Bapenda',
        serviceTypes: ['Pajak kendaraan tahunan', 'Pajak lima tahunan', 'Pajak air tanah', 'Balik nama'].map((name, i) => ({ id: 30 + i, name })),
      },
    ];
    d.command('start', 'u_BAPENDA');
    d.text('setuju');
    expect(d.text('pajak').messages).toEqual([
      { text: 'Maksud Bapak/Ibu "Pajak kendaraan tahunan" (1), "Pajak lima tahunan" (2) atau "Pajak air tanah" (3)? Silakan balas dengan angkanya.' },
    ]);
    d.command('bahasa', 'en');
    expect(d.text('pajak').messages[0]!.text).toBe(
      'Did you mean "Pajak kendaraan tahunan" (1), "Pajak lima tahunan" (2) or "Pajak air tanah" (3)? Please reply with its number.',
    );
    d.text('tahunan lima');
    expect(d.state.survey?.serviceTypeId).toBe(31);
  });

  it('a word in more than three labels is not worth a list: the usual hint and the question again', () => {
    const d = atConsent();
    d.text('setuju');
    d.text('ktp');
    d.text('ya'); // fill in the profile
    d.text('perempuan');
    expect(d.state.step).toEqual({ kind: 'profile', item: 'age' });
    const out = d.text('tahun'); // in six of the seven age labels
    expect(out.messages[0]!.text).toBe(translate('id', 'input.chooseOne', { max: 7 }));
    expect(out.messages[1]!.choices?.flat()).toHaveLength(7);
  });

  it('a unit on the list may be named instead of numbered', () => {
    const d = new EngineDriver();
    d.command('start');
    expect(d.state.step).toEqual({ kind: 'await_unit' });
    d.text('samsat');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
    const e = new EngineDriver();
    e.command('start');
    e.text('disduk');
    expect(e.state.step).toEqual({ kind: 'consent', unitCode: 'DUKCAPIL', full: false });
  });
});

describe('hints fit the channel', () => {
  const cases: [ChoicesShownAs, 'id' | 'en', string, string][] = [
    ['buttons', 'id', 'tekan tombol, atau ketik angka 1–4', 'menekan tombol'],
    ['list', 'id', 'Silakan balas dengan angka 1–4.', 'balas setiap pertanyaan dengan angka'],
    ['buttons', 'en', 'tap a button, or type a number 1–4', 'with the buttons'],
    ['list', 'en', 'Please reply with a number 1–4.', 'reply to each question with the number'],
  ];

  it.each(cases)('%s, %s: an unreadable answer and /bantuan', (choicesAs, locale, hint, help) => {
    const d = atQuestion(0, choicesAs);
    if (locale === 'en') d.command('bahasa', 'en');
    const out = d.text('asdf');
    expect(out.messages[0]!.text).toContain(hint);
    expect(d.command('bantuan').messages[0]!.text).toContain(help);
    if (choicesAs === 'list') {
      for (const text of [out.messages[0]!.text, d.lastText()]) {
        expect(text).not.toMatch(/tombol|button/i);
      }
    }
  });

  it('an unsupported message (a sticker) names buttons only where there are buttons', () => {
    const onTelegram = atQuestion(0, 'buttons');
    expect(onTelegram.send({ kind: 'unsupported', what: 'sticker' }).messages[0]!.text).toContain('tombol');
    const onWhatsApp = atQuestion(0, 'list');
    const text = onWhatsApp.send({ kind: 'unsupported', what: 'sticker' }).messages[0]!.text;
    expect(text).toBe(translate('id', 'input.unsupportedList'));
    expect(text).not.toContain('tombol');
  });
});
