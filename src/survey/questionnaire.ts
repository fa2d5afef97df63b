// The questionnaire is data, versioned in the database: this is its shape, a zod check for
// stored or imported definitions, and the default text (PermenPANRB 14/2017 sample wording,
// U8 = sarana dan prasarana, U9 = penanganan pengaduan, as in the regulation's sample
// questionnaire and most agencies' reports, although its list names pengaduan before sarana).
import { z } from 'zod';

const text = z.object({ id: z.string().min(1), en: z.string().min(1) });
export type LocalText = z.infer<typeof text>;

export const questionnaireSchema = z.object({
  elements: z
    .array(
      z.object({
        code: z.enum(['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9']),
        name: text,
        question: text,
        /** Labels for answers 1 (worst) to 4 (best). */
        labels: z.tuple([text, text, text, text]),
      }),
    )
    .length(9)
    .refine((els) => els.every((el, i) => el.code === `U${i + 1}`), 'elements must be U1..U9 in order'),
  maladmin: z.array(z.object({ code: z.string().regex(/^[a-z_]{2,30}$/), question: text })).max(10),
});

export type QuestionnaireDefinition = z.infer<typeof questionnaireSchema>;

export interface Questionnaire {
  id: number;
  version: number;
  definition: QuestionnaireDefinition;
}

const t = (id: string, en: string): LocalText => ({ id, en });

export const DEFAULT_QUESTIONNAIRE: QuestionnaireDefinition = {
  elements: [
    {
      code: 'U1',
      name: t('Persyaratan', 'Requirements'),
      question: t(
        'Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?',
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
      question: t(
        'Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?',
        'How easy was the service procedure at this unit?',
      ),
      labels: [t('Tidak mudah', 'Not easy'), t('Kurang mudah', 'Somewhat difficult'), t('Mudah', 'Easy'), t('Sangat mudah', 'Very easy')],
    },
    {
      code: 'U3',
      name: t('Waktu penyelesaian', 'Completion time'),
      question: t('Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?', 'How fast was the service delivered?'),
      labels: [t('Tidak cepat', 'Not fast'), t('Kurang cepat', 'Somewhat slow'), t('Cepat', 'Fast'), t('Sangat cepat', 'Very fast')],
    },
    {
      code: 'U4',
      name: t('Biaya/tarif', 'Cost/tariff'),
      question: t('Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?', 'How fair was the cost/tariff of the service?'),
      labels: [t('Sangat mahal', 'Very expensive'), t('Cukup mahal', 'Fairly expensive'), t('Murah', 'Cheap'), t('Gratis', 'Free')],
    },
    {
      code: 'U5',
      name: t('Produk spesifikasi jenis pelayanan', 'Service product specification'),
      question: t(
        'Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?',
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
      question: t('Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?', 'How competent were the staff who served you?'),
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
        'Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?',
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
      question: t('Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?', 'How good were the facilities and infrastructure?'),
      labels: [t('Buruk', 'Poor'), t('Cukup', 'Fair'), t('Baik', 'Good'), t('Sangat baik', 'Very good')],
    },
    {
      code: 'U9',
      name: t('Penanganan pengaduan, saran dan masukan', 'Handling of complaints, suggestions and feedback'),
      question: t('Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?', 'How are complaints from service users handled?'),
      labels: [
        t('Tidak ada', 'Not available'),
        t('Ada tetapi tidak berfungsi', 'Available but not working'),
        t('Berfungsi kurang maksimal', 'Working, but not fully'),
        t('Dikelola dengan baik', 'Well managed'),
      ],
    },
  ],
  maladmin: [
    {
      code: 'imbalan',
      question: t(
        'Apakah Saudara diminta membayar uang, barang, atau jasa di luar tarif resmi (pungutan liar/imbalan)?',
        'Were you asked to pay money, goods or services beyond the official tariff (illegal fee)?',
      ),
    },
    {
      code: 'calo',
      question: t('Apakah ada calo (perantara tidak resmi) dalam pelayanan ini?', 'Was there a broker (unofficial middleman) in this service?'),
    },
    {
      code: 'penundaan',
      question: t(
        'Apakah pelayanan Saudara ditunda atau diperlambat tanpa alasan yang jelas?',
        'Was your service delayed or slowed down without a clear reason?',
      ),
    },
    {
      code: 'diskriminasi',
      question: t(
        'Apakah Saudara diperlakukan tidak adil atau dibeda-bedakan (diskriminasi)?',
        'Were you treated unfairly or differently from others (discrimination)?',
      ),
    },
    {
      code: 'prosedur',
      question: t(
        'Apakah prosedur yang Saudara alami berbeda dari standar pelayanan yang dipasang?',
        'Did the procedure you experienced differ from the displayed service standard?',
      ),
    },
  ],
};
