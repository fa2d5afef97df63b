import { describe, expect, it } from 'vitest';
import { DEFAULT_ELEMENTS } from '../../src/scoring/elements.js';
import { type Match, matchAnswer, normaliseAnswer, yesNoOf } from '../../src/survey/engine/match.js';

const choices = (...labels: string[]) => labels.map((label, i) => ({ label, value: String(i + 1) }));
const element = (code: string, locale: 'id' | 'en' = 'id') => {
  const found = DEFAULT_ELEMENTS.find((e) => e.code === code);
  if (!found) throw new Error(`no element ${code}`);
  return found.labels.map((l, i) => ({ label: l[locale], value: String(i + 1) }));
};
const CONSENT = [
  { label: 'Saya setuju', value: 'y' },
  { label: 'Saya tidak setuju', value: 'n' },
];
const CONSENT_EN = [
  { label: 'I agree', value: 'y' },
  { label: 'I do not agree', value: 'n' },
];
const YES_NO = [
  { label: 'Ya', value: 'y' },
  { label: 'Tidak', value: 'n' },
];
const ERASE = [
  { label: 'Ya, hapus data saya', value: 'y' },
  { label: 'Tidak jadi', value: 'n' },
];
const PROFILE_OFFER = [
  { label: 'Isi profil', value: 'y' },
  { label: 'Lewati', value: 'n' },
];
const KTP = [
  { label: 'Kartu Tanda Penduduk elektronik (KTP-el)', value: '11' },
  { label: 'Kartu Keluarga', value: '12' },
  { label: 'Akta Kelahiran', value: '13' },
  { label: 'Pindah datang', value: '14' },
  { label: 'Layanan lainnya', value: 'other' },
];
const SAMSAT = choices('Pajak kendaraan tahunan', 'Pajak lima tahunan dan ganti pelat', 'Balik nama kendaraan', 'Layanan lainnya');
const AGES = [
  { label: '< 20 tahun', value: '<20' },
  { label: '20–29 tahun', value: '20-29' },
  { label: '30–39 tahun', value: '30-39' },
  { label: 'Lewati', value: 'skip' },
];
const GENDER = [
  { label: 'Laki-laki', value: 'L' },
  { label: 'Perempuan', value: 'P' },
  { label: 'Lewati', value: 'skip' },
];
const EDUCATION = ['SD', 'SMP', 'SMA', 'D1-D3', 'D4/S1', 'S2', 'S3'].map((e) => ({ label: e, value: e }));

const match = (index: number): Match => ({ kind: 'match', index });
const ambiguous = (...indexes: number[]): Match => ({ kind: 'ambiguous', indexes });
const NONE: Match = { kind: 'none' };

describe('reading a typed answer leniently', () => {
  const cases: [string, { label: string; value: string }[], string, Match, { yesNo?: boolean }?][] = [
    // Numbers from the list, also with the label copied behind them.
    ['a number', element('U1'), '2', match(1)],
    ['a number with a full stop', element('U1'), '4.', match(3)],
    ['a number and its label, as listed', element('U1'), '2. Kurang sesuai', match(1)],
    ['a number with another label is not taken', element('U1'), '2 sangat sesuai', NONE],
    ['a number outside the list', element('U1'), '5', NONE],
    ['zero', element('U1'), '0', NONE],
    // Whole labels, in any case, spacing and punctuation.
    ['the whole label', element('U1'), 'Kurang sesuai', match(1)],
    ['the whole label, shouting, with spaces and a full stop', element('U1'), '  SANGAT   SESUAI. ', match(3)],
    ['a short label that is the end of the longer ones', element('U1'), 'sesuai', match(2)],
    ['shorthand spelled out: "tdk sesuai"', element('U1'), 'tdk sesuai', match(0)],
    ['shorthand spelled out: "gak mudah"', element('U2'), 'gak mudah', match(0)],
    ['shorthand: "sgt cepat"', element('U3'), 'sgt cepat', match(3)],
    // A unique beginning of a label.
    ['"tidak" is the first word of label 1 only', element('U1'), 'tidak', match(0)],
    ['"kurang" picks 2', element('U1'), 'kurang', match(1)],
    ['"sangat" picks 4', element('U1'), 'Sangat', match(3)],
    ['"nggak" reads as "tidak" on an element', element('U1'), 'nggak', match(0)],
    ['"cukup" on the tariff element', element('U4'), 'cukup', match(1)],
    ['"tidak" on U9, where "tidak" is also inside label 2', element('U9'), 'tidak', match(0)],
    ['a cut-off word', element('U6'), 'kompet', match(2)],
    ['"tidak sopan"', element('U7'), 'tidak sopan', match(0)],
    // Words of a label.
    ['"KTP elektronik" names the KTP-el service', KTP, 'KTP elektronik', match(0)],
    ['"ktp" alone', KTP, 'ktp', match(0)],
    ['"keluarga"', KTP, 'keluarga', match(1)],
    ['"lainnya" is the other service', KTP, 'lainnya', match(4)],
    ['words in another order, naming a label completely', element('U7'), 'ramah dan sopan', match(2)],
    ['"kurang maksimal" on U9', element('U9'), 'kurang maksimal', match(2)],
    ['"balik nama"', SAMSAT, 'balik nama', match(2)],
    [
      'a word of the language list',
      [
        { label: 'Bahasa Indonesia', value: 'id' },
        { label: 'English', value: 'en' },
      ],
      'indonesia',
      match(0),
    ],
    [
      '"swasta"',
      [
        { label: 'PNS', value: 'PNS' },
        { label: 'Pegawai swasta', value: 'Swasta' },
      ],
      'swasta',
      match(1),
    ],
    ['"S1" is a word of D4/S1', EDUCATION, 's1', match(4)],
    ['"laki" picks Laki-laki', GENDER, 'laki', match(0)],
    // Values that are words.
    ['a value: "L"', GENDER, 'l', match(0)],
    ['a numeric value is not typed by anyone', KTP, '12', NONE],
    // Ambiguous: several labels, but not all.
    ['"mahal" is in two of the tariff labels', element('U4'), 'mahal', ambiguous(0, 1)],
    ['"kartu" begins two services', KTP, 'kartu', ambiguous(0, 1)],
    ['"pajak" begins two services', SAMSAT, 'Pajak', ambiguous(0, 1)],
    ['"kendaraan" is in two services', SAMSAT, 'kendaraan', ambiguous(0, 2)],
    // Nothing: fits every choice, or none.
    ['"ramah" is in every label of U7', element('U7'), 'ramah', NONE],
    ['"saya" is in both consent answers', CONSENT, 'saya', NONE],
    ['gibberish', element('U1'), 'asdf', NONE],
    ['two letters are no prefix', element('U1'), 'ku', NONE],
    ['a bare age is not an age band label', AGES, '20', NONE],
    ['a question mark', element('U1'), '?', NONE],
    ['an empty text', element('U1'), '   ', NONE],
    ['a very long text', element('U1'), 'sangat '.repeat(40), NONE],
    ['"ya" on an element is nothing', element('U1'), 'ya', NONE],
    // Yes/no questions.
    ['"setuju" is "Saya setuju"', CONSENT, 'setuju', match(0), { yesNo: true }],
    ['"ya" agrees', CONSENT, 'ya', match(0), { yesNo: true }],
    ['"iya" agrees', CONSENT, 'Iya', match(0), { yesNo: true }],
    ['"y" agrees', CONSENT, 'y', match(0), { yesNo: true }],
    ['"ok, setuju" agrees', CONSENT, 'ok, setuju', match(0), { yesNo: true }],
    ['"tidak" declines', CONSENT, 'tidak', match(1), { yesNo: true }],
    ['"tidak setuju" declines', CONSENT, 'tidak setuju', match(1), { yesNo: true }],
    ['"saya nggak setuju" declines', CONSENT, 'saya nggak setuju', match(1), { yesNo: true }],
    ['"gak" declines', CONSENT, 'gak', match(1), { yesNo: true }],
    ['"tdk" declines', CONSENT, 'tdk', match(1), { yesNo: true }],
    ['"enggak" declines', CONSENT, 'enggak', match(1), { yesNo: true }],
    ['"ngga" declines', CONSENT, 'ngga', match(1), { yesNo: true }],
    ['the whole decline label', CONSENT, 'Saya tidak setuju', match(1), { yesNo: true }],
    ['"yes" in English', CONSENT_EN, 'yes', match(0), { yesNo: true }],
    ['"no" in English', CONSENT_EN, 'No', match(1), { yesNo: true }],
    ['"agree" in English', CONSENT_EN, 'agree', match(0), { yesNo: true }],
    ['"I do not agree" in English', CONSENT_EN, 'i do not agree', match(1), { yesNo: true }],
    ['"ya" on a maladministration question', YES_NO, 'ya', match(0), { yesNo: true }],
    ['"nggak ada" on a maladministration question', YES_NO, 'nggak ada', match(1), { yesNo: true }],
    ['"tidak pernah" on a maladministration question', YES_NO, 'tidak pernah', match(1), { yesNo: true }],
    ['"ya" erases', ERASE, 'ya', match(0), { yesNo: true }],
    ['"tidak" keeps the data', ERASE, 'tidak', match(1), { yesNo: true }],
    ['"ya" fills the profile', PROFILE_OFFER, 'ya', match(0), { yesNo: true }],
    ['"gak usah" is not a clear no', PROFILE_OFFER, 'gak usah', NONE, { yesNo: true }],
    ['"ya tidak" says both', YES_NO, 'ya tidak', NONE, { yesNo: true }],
    ['yes words mean nothing where the question is not yes/no', element('U1'), 'setuju', NONE],
  ];

  it.each(cases)('%s', (_name, list, text, expected, options) => {
    expect(matchAnswer(list, text, options ?? {})).toEqual(expected);
  });

  it('covers every rule: numbers, labels, yes/no, prefixes, words, ambiguity and nothing', () => {
    const kinds = new Set(cases.map(([, list, text, , options]) => matchAnswer(list, text, options ?? {}).kind));
    expect([...kinds].sort()).toEqual(['ambiguous', 'match', 'none']);
  });

  it('reads every label of every element back to its own number, in both languages', () => {
    let checked = 0;
    for (const e of DEFAULT_ELEMENTS) {
      for (const locale of ['id', 'en'] as const) {
        const list = element(e.code, locale);
        list.forEach((c, i) => {
          expect(matchAnswer(list, c.label), `${e.code} ${locale} ${c.label}`).toEqual(match(i));
          checked += 1;
        });
      }
    }
    expect(checked).toBe(DEFAULT_ELEMENTS.length * 8);
  });
});

describe('yes and no words', () => {
  const cases: [string, 'y' | 'n' | null][] = [
    ['ya', 'y'],
    ['iya', 'y'],
    ['y', 'y'],
    ['setuju', 'y'],
    ['Saya setuju.', 'y'],
    ['yes', 'y'],
    ['OK', 'y'],
    ['tidak', 'n'],
    ['tdk', 'n'],
    ['nggak', 'n'],
    ['ngga', 'n'],
    ['gak', 'n'],
    ['enggak', 'n'],
    ['no', 'n'],
    ['n', 'n'],
    ['tidak setuju', 'n'],
    ['saya tidak setuju', 'n'],
    ['nggak ada', 'n'],
    ["don't agree", 'n'],
    ['ya tidak', null],
    ['setuju tidak', null],
    ['mungkin', null],
    ['', null],
    ['ya ya ya ya ya ya', null],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(yesNoOf(text)).toBe(expected);
  });
});

describe('normalising a typed answer', () => {
  it.each([
    ['  KTP-el!  ', 'ktp el'],
    ['Sangat   Sesuai.', 'sangat sesuai'],
    ['D4/S1', 'd4 s1'],
    ['Perempuan', 'perempuan'],
    ['Café', 'cafe'],
    ['20–29 tahun', '20 29 tahun'],
  ])('%j → %j', (text, expected) => {
    expect(normaliseAnswer(text)).toBe(expected);
  });
});

describe('reading a typed answer: the edges of each rule', () => {
  const cases: [string, { label: string; value: string }[], string, Match, { yesNo?: boolean; strict?: boolean }?][] = [
    // 1. Numbers.
    ['a number with spaces around it', element('U1'), ' 2 ', match(1)],
    ['a number stuck to letters is no number from the list', element('U1'), '2x', NONE],
    ['a number outside the list with words behind it is read by the other rules', AGES, '20 - 29 tahun', match(1)],
    ['a text of exactly 200 characters is still read', element('U1'), '2'.padEnd(200, ' '), match(1)],
    ['a text of 201 characters is not', element('U1'), '2'.padEnd(201, ' '), NONE],
    // 2. Whole labels and values.
    ['shorthand that spells out a whole label wins over labels it begins', choices('Tidak', 'Tidak sesuai'), 'tdk', match(0)],
    ['a value that is a sign and a number ("<20") picks its band', AGES, '<20', match(0)],
    ['a label with a word that is also shorthand ("Tak ada") is read as typed', choices('Tak ada', 'Ada'), 'tak ada', match(0)],
    ['a service’s number-only value is nothing people type, even with a sign', KTP, '#12', NONE],
    ['strict: a label’s beginning is not enough', element('U1'), 'kurang', NONE, { strict: true }],
    ['strict: the whole label is', element('U1'), 'kurang sesuai', match(1), { strict: true }],
    // 3. Yes/no words only on a yes/no question.
    ['"iya" is nothing on choices that are not a yes/no question', YES_NO, 'iya', NONE],
    ['"iya" on the same choices as a yes/no question', YES_NO, 'iya', match(0), { yesNo: true }],
    // 4. A label’s beginning: three letters are enough.
    ['three letters begin one label ("ses" → "Sesuai"), though they begin a word of every label', element('U1'), 'ses', match(2)],
    [
      'a beginning shared by more than three labels reads as unrecognised, even when one label is that one word',
      choices('Pajak', 'Pajak air', 'Pajak tanah', 'Pajak kendaraan'),
      'paj',
      NONE,
    ],
    ['three letters that begin one label but are inside another ("tid" on U9) pick the one they begin', element('U9'), 'tid', match(0)],
    // 5. Words of a label: a word of three letters or more may be cut off.
    ['"kel kartu": a cut-off word and a whole one', KTP, 'kel kartu', match(1)],
    ['single letters name nothing, even a label with that letter as a word', choices('Tipe A', 'Tipe B'), 'a', NONE],
    ['a single letter beside a word does count', choices('Tipe A', 'Tipe B'), 'b tipe', match(1)],
  ];

  it.each(cases)('%s', (_name, list, text, expected, options) => {
    expect(matchAnswer(list, text, options ?? {})).toEqual(expected);
  });
});

describe('yes and no words: how many and which', () => {
  it.each([
    ['iya saya mau deh pak', 'y'],
    ['iya saya mau deh pak bu', null],
    ['saya', null],
    ['ya tapi nanti', null],
    ['ya nanti', null],
  ] as const)('%j → %s', (text, expected) => {
    expect(yesNoOf(text)).toBe(expected);
  });
});
