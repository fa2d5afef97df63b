// The nine SKM elements (unsur), defined once. PermenPANRB 14/2017 fixes them: nine elements,
// each answered 1 (worst) to 4 (best), each weighing 1/9 in the index. So their number and codes
// are not configuration: a Response has one column per element (u1..u9), ResponseDayStat one sum
// per element (s1..s9), and everything that lists the elements derives from the tuples here.
// What agencies may change is the wording; that lives in the questionnaire versions, whose
// default text is DEFAULT_ELEMENTS below (see docs/ARCHITECTURE.md, "The questionnaire").
//
// U8 = sarana dan prasarana and U9 = penanganan pengaduan, as in the regulation's sample
// questionnaire and most agencies' reports, although its list names pengaduan before sarana.

export const ELEMENT_CODES = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'] as const;
export type ElementCode = (typeof ELEMENT_CODES)[number];

/** How many elements a response answers: fixed by the regulation. */
export const ELEMENT_COUNT = ELEMENT_CODES.length;

/** The Response column of each element, in element order. */
export const ELEMENT_COLUMNS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] as const satisfies { length: typeof ELEMENT_COUNT };
export type ElementColumn = (typeof ELEMENT_COLUMNS)[number];

/** The ResponseDayStat column holding each element's sum, in element order. */
export const ELEMENT_SUM_COLUMNS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'] as const satisfies { length: typeof ELEMENT_COUNT };
export type ElementSumColumn = (typeof ELEMENT_SUM_COLUMNS)[number];

/** A row's answers in element order (a Response row read field by field). */
export function answersOf(row: Readonly<Record<ElementColumn, number>>): number[] {
  return ELEMENT_COLUMNS.map((c) => row[c]);
}

/** Answers in element order as a row's columns (u1..u9): the inverse of answersOf. */
export function columnsOf(answers: readonly number[]): Record<ElementColumn, number> {
  if (answers.length !== ELEMENT_COUNT) throw new Error(`a response needs ${ELEMENT_COUNT} answers, got ${answers.length}`);
  return Object.fromEntries(ELEMENT_COLUMNS.map((c, i) => [c, answers[i]!])) as Record<ElementColumn, number>;
}

/** A text in both languages of the bot. */
export interface LocalText {
  id: string;
  en: string;
}

export interface ElementText {
  code: ElementCode;
  name: LocalText;
  question: LocalText;
  /** Labels for answers 1 (worst) to 4 (best). */
  labels: [LocalText, LocalText, LocalText, LocalText];
}

const t = (id: string, en: string): LocalText => ({ id, en });

/** The default wording (the regulation's sample), in element order: version 1 of a questionnaire. */
export const DEFAULT_ELEMENTS: readonly ElementText[] = [
  {
    code: 'U1',
    name: t('Persyaratan', 'Requirements'),
    question: t(
      'Bagaimana pendapat Bapak/Ibu tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?',
      'How well did the service requirements match the type of service?',
    ),
    labels: [
      t('Tidak sesuai', 'Not appropriate'),
      t('Kurang sesuai', 'Somewhat inappropriate'),
      t('Sesuai', 'Appropriate'),
      t('Sangat sesuai', 'Very appropriate'),
    ],
  },
  {
    code: 'U2',
    name: t('Sistem, mekanisme, dan prosedur', 'Systems, mechanisms and procedures'),
    question: t('Bagaimana pendapat Bapak/Ibu tentang kemudahan prosedur pelayanan di unit ini?', 'How easy was the service procedure at this unit?'),
    labels: [t('Tidak mudah', 'Not easy'), t('Kurang mudah', 'Somewhat difficult'), t('Mudah', 'Easy'), t('Sangat mudah', 'Very easy')],
  },
  {
    code: 'U3',
    name: t('Waktu penyelesaian', 'Completion time'),
    question: t('Bagaimana pendapat Bapak/Ibu tentang kecepatan waktu dalam memberikan pelayanan?', 'How fast was the service delivered?'),
    labels: [t('Tidak cepat', 'Not fast'), t('Kurang cepat', 'Somewhat slow'), t('Cepat', 'Fast'), t('Sangat cepat', 'Very fast')],
  },
  {
    code: 'U4',
    name: t('Biaya/tarif', 'Cost/tariff'),
    question: t('Bagaimana pendapat Bapak/Ibu tentang kewajaran biaya/tarif dalam pelayanan?', 'How fair was the cost/tariff of the service?'),
    labels: [t('Sangat mahal', 'Very expensive'), t('Cukup mahal', 'Fairly expensive'), t('Murah', 'Cheap'), t('Gratis', 'Free')],
  },
  {
    code: 'U5',
    name: t('Produk spesifikasi jenis pelayanan', 'Service product specification'),
    question: t(
      'Bagaimana pendapat Bapak/Ibu tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?',
      'How well did the result match the product stated in the service standard?',
    ),
    labels: [
      t('Tidak sesuai', 'Not appropriate'),
      t('Kurang sesuai', 'Somewhat inappropriate'),
      t('Sesuai', 'Appropriate'),
      t('Sangat sesuai', 'Very appropriate'),
    ],
  },
  {
    code: 'U6',
    name: t('Kompetensi pelaksana', 'Staff competence'),
    question: t('Bagaimana pendapat Bapak/Ibu tentang kompetensi/kemampuan petugas dalam pelayanan?', 'How competent were the staff who served you?'),
    labels: [
      t('Tidak kompeten', 'Not competent'),
      t('Kurang kompeten', 'Somewhat incompetent'),
      t('Kompeten', 'Competent'),
      t('Sangat kompeten', 'Very competent'),
    ],
  },
  {
    code: 'U7',
    name: t('Perilaku pelaksana', 'Staff behaviour'),
    question: t(
      'Bagaimana pendapat Bapak/Ibu tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?',
      'How polite and friendly were the staff?',
    ),
    labels: [
      t('Tidak sopan dan ramah', 'Not polite and friendly'),
      t('Kurang sopan dan ramah', 'Somewhat impolite and unfriendly'),
      t('Sopan dan ramah', 'Polite and friendly'),
      t('Sangat sopan dan ramah', 'Very polite and friendly'),
    ],
  },
  {
    code: 'U8',
    name: t('Sarana dan prasarana', 'Facilities and infrastructure'),
    question: t('Bagaimana pendapat Bapak/Ibu tentang kualitas sarana dan prasarana?', 'How good were the facilities and infrastructure?'),
    labels: [t('Buruk', 'Poor'), t('Cukup', 'Fair'), t('Baik', 'Good'), t('Sangat baik', 'Very good')],
  },
  {
    code: 'U9',
    name: t('Penanganan pengaduan, saran dan masukan', 'Handling of complaints, suggestions and feedback'),
    question: t('Bagaimana pendapat Bapak/Ibu tentang penanganan pengaduan pengguna layanan?', 'How are complaints from service users handled?'),
    labels: [
      t('Tidak ada', 'Not available'),
      t('Ada tetapi tidak berfungsi', 'Available but not working'),
      t('Berfungsi kurang maksimal', 'Working, but not fully'),
      t('Dikelola dengan baik', 'Well managed'),
    ],
  },
];

/** The default name of an element, for texts that span several questionnaire versions. */
export function defaultElementName(code: ElementCode): LocalText {
  return DEFAULT_ELEMENTS[ELEMENT_CODES.indexOf(code)]!.name;
}
