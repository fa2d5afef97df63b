// The official SKM report as a PDF (pdfkit): cover, I Pendahuluan, II Metodologi, III Hasil
// (respondent profile, NRR and NRR tertimbang per element, IKM with mutu and kinerja, per unit,
// weakest elements, maladministration, approved suggestions), IV Kesimpulan and the follow-up plans,
// the questionnaire as appendix, and the signature block. DejaVu Sans is embedded (subset), so
// Indonesian text is exact; numbers use the locale's decimal mark.
//
// pdfkit, not pdf-lib (which draws the posters): a report flows over pages, and pdfkit wraps text,
// measures it and breaks pages; the posters are one fixed page.
//
// This file is the report's content and order; its page furniture (headings, tables, the cover's
// score box, the signature block, the footers) is pdf-layout.ts.
import PDFDocument from 'pdfkit';
import { chartFontFiles } from '../../charts/fonts.js';
import {
  DEFAULT_ELEMENTS,
  type ElementCode,
  type Mutu,
  type Zona,
  defaultElementName,
  describePeriod,
  formatDay,
  formatDecimal,
  formatPercent,
} from '../../scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../survey/questionnaire.js';
import { DEMOGRAPHIC_DIMENSIONS } from '../export.js';
import { type OfficialReport, weightedNrr } from './model.js';
import { INK, MUTED, type Say, bullet, chapter, coverScore, footers, keyValues, note, paragraph, section, signature, table } from './pdf-layout.js';

type Locale = 'id' | 'en';

const KNOWN_MALADMIN = new Set(DEFAULT_QUESTIONNAIRE.maladmin.map((m) => m.code));
/** IKM intervals of the regulation's conversion table, best first. */
const CONVERSION: { interval: string; mutu: Mutu }[] = [
  { interval: '88,31 – 100,00', mutu: 'A' },
  { interval: '76,61 – 88,30', mutu: 'B' },
  { interval: '65,00 – 76,60', mutu: 'C' },
  { interval: '25,00 – 64,99', mutu: 'D' },
];
const KINERJA_OF: Record<Mutu, { id: string; en: string }> = {
  A: { id: 'Sangat Baik', en: 'Very good' },
  B: { id: 'Baik', en: 'Good' },
  C: { id: 'Kurang Baik', en: 'Poor' },
  D: { id: 'Tidak Baik', en: 'Very poor' },
};

/** Renders the report with `t` in `locale` (texts and the decimal mark); resolves to the PDF's bytes. */
export async function renderOfficialPdf(report: OfficialReport, t: Say, locale: Locale): Promise<Buffer> {
  const [regular, bold] = chartFontFiles() as [string, string];
  const periodText = describePeriod(report.period, locale);
  const scopeName =
    report.scope.kind === 'unit' ? t('report.scopeUnit', { unit: report.scope.name, agency: report.agency.name }) : report.agency.name;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 64, bottom: 72, left: 68, right: 60 },
    bufferPages: true,
    lang: locale === 'id' ? 'id-ID' : 'en',
    displayTitle: true,
    info: {
      Title: `${t('report.title')} – ${scopeName} – ${periodText}`,
      Author: report.agency.name,
      Subject: t('report.basisLine'),
      Producer: 'skm-bot (pdfkit)',
      Creator: 'skm-bot',
      CreationDate: report.generatedAt,
    },
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const num = (value: number, decimals: number) => formatDecimal(value, decimals, locale);
  const day = (d: string) => formatDay(d, locale);
  const zoneWord = (zona: Zona) => t(`staff.zones.${zona}`);
  const kinerja = (mutu: Mutu) => KINERJA_OF[mutu][locale];
  const f = report.figures;
  const s = f.ikm === null ? null : { ikm: f.ikm, mutu: f.mutu as Mutu, zona: f.zona as Zona, provisional: f.provisional };

  // --- Cover -------------------------------------------------------------------------------
  doc.moveDown(4);
  doc.font('bold').fontSize(18).fillColor(INK).text(t('report.title'), { align: 'center' });
  doc.moveDown(0.4).font('regular').fontSize(10.5).fillColor(MUTED).text(t('report.basisLine'), { align: 'center' });
  doc.moveDown(2.5).font('bold').fontSize(16).fillColor(INK).text(scopeName, { align: 'center' });
  doc
    .moveDown(0.5)
    .font('regular')
    .fontSize(12)
    .text(t('report.periodLine', { period: periodText, from: day(report.from), to: day(report.to) }), { align: 'center' });
  doc.moveDown(3);
  coverScore(doc, report, t, num, zoneWord, kinerja);
  doc
    .moveDown(8)
    .font('regular')
    .fontSize(9.5)
    .fillColor(MUTED)
    .text(t('report.madeOn', { date: day(report.generatedDay) }), { align: 'center' });

  // --- I Pendahuluan -----------------------------------------------------------------------
  doc.addPage();
  chapter(doc, t('report.ch1'));
  section(doc, t('report.basisTitle'));
  paragraph(doc, t('report.basis'));
  section(doc, t('report.purposeTitle'));
  paragraph(doc, t('report.purpose', { scope: scopeName, period: periodText }));

  // --- II Metodologi -----------------------------------------------------------------------
  chapter(doc, t('report.ch2'));
  const channels = report.channels.map((c) => channelName(c.channel)).join(', ') || 'Telegram, WhatsApp';
  const target = report.target;
  keyValues(doc, [
    [t('report.methodScope'), scopeName],
    [t('report.methodPeriod'), t('report.periodLine', { period: periodText, from: day(report.from), to: day(report.to) })],
    [t('report.methodRespondents'), String(f.responses)],
    [
      t('report.methodTarget'),
      target
        ? t('report.targetLine', {
            target: target.sample,
            users: target.serviceUsers,
            share: target.sample > 0 ? formatPercent(f.responses / target.sample, locale) : '–',
          })
        : t('report.targetUnknown'),
    ],
    [t('report.methodCollection'), t('report.collection', { channels })],
    [t('report.methodComputation'), t('report.computation')],
    [t('report.methodMinimum'), t('report.minimum', { min: report.minResponses })],
  ]);

  // --- III Hasil ---------------------------------------------------------------------------
  chapter(doc, t('report.ch3'));
  section(doc, t('report.profileTitle'));
  for (const dim of DEMOGRAPHIC_DIMENSIONS) {
    const rows = report.profile[dim];
    const total = rows.reduce((n, r) => n + r.count, 0);
    const label = (value: string | null) => {
      if (value === null) return t('report.notFilled');
      if (dim === 'gender' && value === 'L') return t('report.genders.L');
      if (dim === 'gender' && value === 'P') return t('report.genders.P');
      if (dim === 'ageBand') return t('report.ageBand', { band: value.replace('-', '–') });
      return value;
    };
    table(
      doc,
      [
        { header: t(`report.dimensions.${dim}`), width: 0.5 },
        { header: t('report.profileCount'), width: 0.25, align: 'right' },
        { header: t('report.profileShare'), width: 0.25, align: 'right' },
      ],
      rows.map((r) => [label(r.value), String(r.count), total > 0 ? `${num((r.count / total) * 100, 1)}%` : '–']),
    );
    doc.moveDown(0.6);
  }

  section(doc, t('report.elementsTitle'));
  const elementRows = DEFAULT_ELEMENTS.map((el, i) => {
    const nrr = f.unsur[i]?.nrr ?? null;
    return [String(i + 1), `${el.code}  ${el.name[locale]}`, nrr === null ? '–' : num(nrr, 3), nrr === null ? '–' : num(weightedNrr(nrr), 3)];
  });
  const weightedSum = s ? f.unsur.reduce((n, u) => n + weightedNrr(u.nrr ?? 0), 0) : undefined;
  table(
    doc,
    [
      { header: t('report.colNo'), width: 0.08, align: 'center' },
      { header: t('report.colElement'), width: 0.52 },
      { header: t('report.colNrr'), width: 0.18, align: 'right' },
      { header: t('report.colWeighted'), width: 0.22, align: 'right' },
    ],
    [
      ...elementRows,
      ['', t('report.weightedTotal'), '', weightedSum === undefined ? '–' : num(weightedSum, 3)],
      ['', t('report.ikmRow'), '', s ? num(s.ikm, 2) : '–'],
    ],
    { boldRows: 2 },
  );

  section(doc, t('report.ikmTitle'));
  if (s) {
    keyValues(doc, [
      [t('report.ikmValue'), num(s.ikm, 2)],
      [t('report.mutu'), s.mutu],
      [t('report.kinerja'), kinerja(s.mutu)],
      [t('report.zone'), t(`report.zones.${s.zona}`)],
      [t('report.respondents'), String(f.responses)],
      ...(report.agencyFigures?.ikm != null
        ? [
            [
              t('report.agencyIkm', { agency: report.agency.name }),
              t('report.agencyIkmValue', {
                ikm: num(report.agencyFigures.ikm, 2),
                mutu: report.agencyFigures.mutu ?? '–',
                kinerja: kinerja(report.agencyFigures.mutu as Mutu),
                n: report.agencyFigures.responses,
              }),
            ] as [string, string],
          ]
        : []),
    ]);
    if (s.provisional) paragraph(doc, t('report.provisional', { min: report.minResponses }));
  } else {
    paragraph(doc, t('report.noResponses'));
  }
  doc.moveDown(0.3).font('bold').fontSize(10).fillColor(INK).text(t('report.conversionTitle'), doc.page.margins.left);
  doc.moveDown(0.3);
  table(
    doc,
    [
      { header: t('report.colInterval'), width: 0.4 },
      { header: t('report.colMutu'), width: 0.2, align: 'center' },
      { header: t('report.colKinerja'), width: 0.4 },
    ],
    CONVERSION.map((c) => [locale === 'id' ? c.interval : c.interval.replaceAll(',', '.'), c.mutu, kinerja(c.mutu)]),
  );

  let n = 4;
  if (report.scope.kind === 'agency') {
    section(doc, t('report.unitsTitle'));
    table(
      doc,
      [
        { header: t('report.colNo'), width: 0.07, align: 'center' },
        { header: t('report.colUnit'), width: 0.37 },
        { header: t('report.colRespondents'), width: 0.17, align: 'right' },
        { header: t('report.colTarget'), width: 0.15, align: 'right' },
        { header: t('report.colIkm'), width: 0.12, align: 'right' },
        { header: t('report.colMutu'), width: 0.12, align: 'center' },
      ],
      report.units.map((u, i) => [
        String(i + 1),
        `${u.unitName} (${u.unit})${u.ikm !== null && u.provisional ? ' *' : ''}`,
        String(u.responses),
        u.target === null ? '–' : String(u.target.sample),
        u.ikm === null ? '–' : num(u.ikm, 2),
        u.mutu ?? '–',
      ]),
    );
    if (report.units.some((u) => u.ikm !== null && u.provisional)) note(doc, `* ${t('report.provisional', { min: report.minResponses })}`);
    n = 5;
  }

  section(doc, t('report.weakestTitle', { n: `3.${n}` }));
  if (report.weakest.length === 0) paragraph(doc, t('report.weakestNone'));
  for (const w of report.weakest) bullet(doc, `${w.code} ${elementName(w.code, locale)}: NRR ${num(w.nrr!, 3)}`);

  section(doc, t('report.maladminTitle', { n: `3.${n + 1}` }));
  paragraph(doc, t('report.maladminSummary', { n: report.maladminRespondents }));
  table(
    doc,
    [
      { header: t('report.colMaladmin'), width: 0.75 },
      { header: t('report.colYes'), width: 0.25, align: 'right' },
    ],
    report.maladmin.map((m) => [maladminLabel(t, m.code), String(m.yes)]),
  );

  section(doc, t('report.suggestionsTitle', { n: `3.${n + 2}` }));
  if (report.suggestions.length === 0) paragraph(doc, t('report.suggestionsNone'));
  else {
    note(doc, t('report.suggestionsNote'));
    for (const text of report.suggestions) bullet(doc, `“${text}”`);
  }

  // --- IV Kesimpulan dan rencana tindak lanjut ------------------------------------------------
  chapter(doc, t('report.ch4'));
  section(doc, t('report.conclusionTitle'));
  if (s) {
    paragraph(
      doc,
      t('report.conclusion', {
        scope: scopeName,
        period: periodText,
        ikm: num(s.ikm, 2),
        n: f.responses,
        mutu: s.mutu,
        kinerja: kinerja(s.mutu),
        zone: zoneWord(s.zona),
      }),
    );
    if (s.provisional) paragraph(doc, t('report.provisional', { min: report.minResponses }));
    if (report.weakest.length > 0) {
      const list = report.weakest.map((w) => `${elementName(w.code, locale)} (${num(w.nrr!, 3)})`).join('; ');
      paragraph(doc, t('report.conclusionWeakest', { list }));
    }
  } else {
    paragraph(doc, t('report.conclusionNone'));
  }
  section(doc, t('report.followUpsTitle'));
  if (report.followUps.length === 0) paragraph(doc, t('report.followUpsNone'));
  else
    table(
      doc,
      [
        { header: t('report.colNo'), width: 0.07, align: 'center' },
        { header: t('report.colUnit'), width: 0.22 },
        { header: t('report.colPlan'), width: 0.31 },
        { header: t('report.colDue'), width: 0.19 },
        { header: t('report.colStatus'), width: 0.21 },
      ],
      report.followUps.map((f, i) => [
        String(i + 1),
        `${f.unitName} (${f.unitCode})`,
        f.plan,
        day(f.dueDay),
        f.doneDay ? t('report.followUpDone', { date: day(f.doneDay) }) : t('report.followUpOpen'),
      ]),
    );

  signature(doc, report, t, day);

  // --- Lampiran: the questionnaire -------------------------------------------------------------
  doc.addPage();
  chapter(doc, t('report.appendixTitle'));
  note(doc, t('report.appendixNote'));
  table(
    doc,
    [
      { header: t('report.colNo'), width: 0.07, align: 'center' },
      { header: t('report.colElement'), width: 0.55 },
      { header: t('report.colAnswers'), width: 0.38 },
    ],
    DEFAULT_ELEMENTS.map((el, i) => [
      String(i + 1),
      `${el.name[locale]}\n${el.question[locale]}`,
      el.labels.map((l, a) => `${a + 1} ${l[locale]}`).join('\n'),
    ]),
  );

  footers(doc, t('report.footer', { scope: scopeName, period: periodText }), (page, pages) => t('report.page', { page, pages }));
  doc.end();
  return await finished;
}

function channelName(channel: string): string {
  return { telegram: 'Telegram', whatsapp: 'WhatsApp', terminal: 'terminal' }[channel] ?? channel;
}

const elementName = (code: ElementCode, locale: Locale) => defaultElementName(code)[locale];

/** The item's name; an item of a custom questionnaire, which the locale files do not name, by its code. */
function maladminLabel(t: Say, code: string): string {
  return KNOWN_MALADMIN.has(code) ? t(`staff.maladminItems.${code}`) : code;
}
