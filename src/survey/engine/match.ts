// Reading a typed answer leniently: people on a phone type "setuju", "kurang", "KTP elektronik" or
// "gak", not the whole label. Pure: a list of choices and a text in, a decision out.
//
// In this order, the first rule that decides wins:
// 1. a number from the list ("2", "2.", "2. Kurang sesuai");
// 2. the whole label or the choice's (non-numeric) value, ignoring case, spaces and punctuation;
// 3. on a yes/no question, the usual yes and no words (ya, iya, setuju, tidak, nggak, yes, no);
// 4. a unique prefix of a label ("kurang" → "Kurang sesuai", "tidak" → "Tidak sesuai");
// 5. words that all occur in one label ("KTP elektronik" → "Kartu Tanda Penduduk elektronik
//    (KTP-el)"); among several such labels, the one the text names completely ("ramah dan sopan").
// Two or three candidates make the text ambiguous (the caller asks which one, naming them); a text
// that fits every choice ("saya" on "Saya setuju"/"Saya tidak setuju"), or more than three, is as
// good as unrecognised.

export interface MatchChoice {
  label: string;
  value: string;
}

export type Match =
  | { kind: 'match'; index: number }
  /** Indexes into the choices, in list order. */
  | { kind: 'ambiguous'; indexes: number[] }
  | { kind: 'none' };

export interface MatchOptions {
  /** A yes/no question: its choices have the values 'y' and 'n'. */
  yesNo?: boolean;
  /** Only rules 1 and 2 (a free-text step, where any other text is an answer of its own). */
  strict?: boolean;
}

/** Shorthand people type, read as the word it stands for (applied to the text's words only). */
const SHORTHAND: Record<string, string> = {
  tdk: 'tidak',
  gak: 'tidak',
  ga: 'tidak',
  nggak: 'tidak',
  ngga: 'tidak',
  enggak: 'tidak',
  engga: 'tidak',
  ndak: 'tidak',
  nda: 'tidak',
  tak: 'tidak',
  sgt: 'sangat',
  sngt: 'sangat',
  krg: 'kurang',
  kurg: 'kurang',
  yg: 'yang',
  dgn: 'dengan',
  dg: 'dengan',
  tp: 'tetapi',
  tapi: 'tetapi',
};

const YES = new Set([
  'ya',
  'iya',
  'iyaa',
  'y',
  'yes',
  'yup',
  'yep',
  'yeah',
  'setuju',
  'bersedia',
  'mau',
  'boleh',
  'ok',
  'oke',
  'okay',
  'agree',
  'sure',
]);
const NO = new Set(['tidak', 'no', 'n', 'nope', 'not', 'disagree', 'dont']);
/** Words that may stand around a yes or a no without changing it ("saya setuju", "I do not agree"). */
const FILLER = new Set(['saya', 'aku', 'sudah', 'deh', 'dong', 'kok', 'pak', 'bu', 'i', 'do', 'jadi', 'ada', 'pernah', 'mau', 'bersedia']);

/** Lower case, accents and punctuation dropped, single spaces: "  KTP-el!" → "ktp el". */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function wordsOf(normalised: string): string[] {
  return normalised === '' ? [] : normalised.split(' ');
}

/** The text's words with shorthand spelled out. */
function typedWords(text: string): string[] {
  return wordsOf(normaliseAnswer(text)).map((w) => SHORTHAND[w] ?? w);
}

/** 'y', 'n' or null: what a yes/no text says. */
export function yesNoOf(text: string): 'y' | 'n' | null {
  const words = typedWords(text);
  if (words.length > 5) return null;
  const firstNo = words.findIndex((w) => NO.has(w));
  if (firstNo === -1) {
    if (!words.some((w) => YES.has(w))) return null;
    return words.every((w) => YES.has(w) || FILLER.has(w)) ? 'y' : null;
  }
  // "tidak", "saya tidak setuju", "nggak ada", "tidak pernah": a no, then only yes words or fillers.
  const before = words.slice(0, firstNo);
  const after = words.slice(firstNo + 1);
  if (!before.every((w) => FILLER.has(w))) return null;
  return after.every((w) => YES.has(w) || FILLER.has(w)) ? 'n' : null;
}

/** A word of the text fits a word of a label: the same word, or (three letters or more) its beginning. */
function wordFits(typed: string, label: string): boolean {
  return typed === label || (typed.length >= 3 && label.startsWith(typed));
}

/** More candidates than this are not worth naming in one short line: the text reads as unrecognised. */
const MAX_CANDIDATES = 3;

function decide(indexes: number[], total: number): Match | null {
  if (indexes.length === 1) return { kind: 'match', index: indexes[0]! };
  if (indexes.length > 1 && indexes.length < total && indexes.length <= MAX_CANDIDATES) return { kind: 'ambiguous', indexes };
  if (indexes.length > 1) return { kind: 'none' };
  return null;
}

export function matchAnswer(choices: readonly MatchChoice[], text: string, options: MatchOptions = {}): Match {
  if (text.length > 200) return { kind: 'none' };
  const trimmed = text.trim();

  // 1. A number, possibly with the label it stands for copied behind it ("2. Kurang sesuai").
  const numbered = /^(\d{1,2})\s*[.):]?(?:\s+(.*))?$/s.exec(trimmed);
  if (numbered) {
    const index = Number(numbered[1]) - 1;
    const rest = numbered[2];
    if (index >= 0 && index < choices.length) {
      if (rest === undefined) return { kind: 'match', index };
      const again = matchAnswer(choices, rest, { ...options, strict: true });
      if (again.kind === 'match' && again.index === index) return again;
    }
    // A bare number outside the list is not a prefix of anything ("20" on the age bands).
    if (rest === undefined) return { kind: 'none' };
  }

  // 2. The whole label, or a value that is a word ("L", "en", "skip"), as normalised text.
  const wanted = normaliseAnswer(trimmed);
  if (wanted === '') return { kind: 'none' };
  const spelled = typedWords(trimmed).join(' ');
  const labels = choices.map((c) => normaliseAnswer(c.label));
  const exact = labels.flatMap((label, i) => (label === wanted || label === spelled ? [i] : []));
  if (exact.length > 0) return { kind: 'match', index: exact[0]! };
  const byValue = choices.findIndex((c) => !/^\d+$/.test(c.value) && normaliseAnswer(c.value) === wanted);
  if (byValue !== -1) return { kind: 'match', index: byValue };
  if (options.strict) return { kind: 'none' };

  // 3. Yes and no words on a yes/no question.
  if (options.yesNo) {
    const said = yesNoOf(trimmed);
    const index = said ? choices.findIndex((c) => c.value === said) : -1;
    if (index !== -1) return { kind: 'match', index };
  }

  // 4. The beginning of one label ("kurang", "sangat", "tidak" on a 4-point element).
  if (spelled.length >= 3) {
    const prefixed = labels.flatMap((label, i) => (label.startsWith(spelled) ? [i] : []));
    const decided = decide(prefixed, choices.length);
    if (decided) return decided;
  }

  // 5. Words that all occur in a label; a label named completely wins over one named in part.
  const typed = typedWords(trimmed);
  if (typed.every((w) => w.length < 2)) return { kind: 'none' };
  const labelWords = labels.map(wordsOf);
  const fitting = labelWords.flatMap((words, i) => (typed.every((t) => words.some((w) => wordFits(t, w))) ? [i] : []));
  const complete = fitting.filter((i) => labelWords[i]!.every((w) => typed.some((t) => wordFits(t, w))));
  if (complete.length === 1) return { kind: 'match', index: complete[0]! };
  return decide(fitting, choices.length) ?? { kind: 'none' };
}
