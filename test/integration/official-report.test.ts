// The official SKM report as a PDF: its text, extracted with pdf.js, shows the agency IKM (the
// pooled one, with the decimal comma), each element's NRR and NRR tertimbang, the conversion to mutu,
// the respondent profile, maladministration counts, only approved suggestions, the follow-up plans
// and the signature block from the agency record. Page images go to test-output/ when pdftoppm is
// installed, to be looked at.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { agencyReport } from '../../src/reports/agency-report.js';
import { loadOfficialReport } from '../../src/reports/official/model.js';
import { renderOfficialPdf } from '../../src/reports/official/pdf.js';
import { columnsOf, formatDecimal, parsePeriod, zonedTimeUtc } from '../../src/scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { pdfText } from '../support/pdf-text.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const TZ = 'Asia/Makassar'; // WITA
const NOVEMBER = parsePeriod('2026-11')!;
const OUT = path.resolve('test-output/official-report');
const POOR: readonly (readonly number[])[] = [
  [1, 2, 1, 1, 2, 1, 2, 1, 1],
  [2, 2, 1, 2, 1, 1, 1, 2, 2],
];

const inLocale = (locale: 'id' | 'en') => (key: string, params?: Record<string, string | number>) => translate(locale, key, params);

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  const q = await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } });
  const agency = await db.agency.create({
    data: {
      code: 'DPMPTSP-UJI',
      name: 'Dinas Penanaman Modal dan PTSP Kota Uji',
      timeZone: TZ,
      minResponses: 5,
      signatoryName: 'Dra. Sri Wahyuningsih, M.Si.',
      signatoryNip: '196803121994032005',
      signatoryTitle: 'Kepala Dinas Penanaman Modal dan PTSP',
      reportPlace: 'Makassar',
    },
  });
  const a = await db.serviceUnit.create({
    data: { agencyId: agency.id, code: 'PTSP-IZIN', name: 'Loket Perizinan Usaha', monthlyServiceUsers: 120 },
  });
  const b = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'PTSP-NIB', name: 'Loket NIB', monthlyServiceUsers: 40 } });
  let n = 0;
  const at = (day: number) => zonedTimeUtc(2026, 11, day, 10, 0, TZ);
  const response = (unitId: number, answers: readonly number[], day: number, extra: Record<string, unknown> = {}) => ({
    ...columnsOf(answers),
    questionnaireId: q.id,
    channel: n % 3 === 0 ? 'whatsapp' : 'telegram',
    locale: 'id',
    sessionId: `s-${n++}`,
    unitId,
    submittedAt: at(day),
    startedAt: at(day),
    maladmin: {},
    flags: [],
    ...extra,
  });
  await db.response.createMany({
    data: [
      ...WORKED_EXAMPLE.map((r, i) =>
        response(a.id, r, i + 1, {
          gender: i % 2 === 0 ? 'P' : 'L',
          ageBand: '30-39',
          education: 'D4/S1',
          occupation: 'Wirausaha',
          ...(i === 0 ? { suggestion: 'Ruang tunggu sudah nyaman, terima kasih.', suggestionState: 'approved', reviewedAt: at(2) } : {}),
          ...(i === 1 ? { suggestion: 'Petugas bernama Budi kurang ramah.', suggestionState: 'hidden', reviewedAt: at(3) } : {}),
          ...(i === 2 ? { suggestion: 'Saran belum ditinjau pejabat.' } : {}),
        }),
      ),
      ...POOR.map((r, i) => response(b.id, r, i + 10, { maladmin: { imbalan: true, calo: i === 0 }, maladminCount: i === 0 ? 2 : 1 })),
      // October: outside the period.
      response(b.id, [4, 4, 4, 4, 4, 4, 4, 4, 4], 1, {
        submittedAt: zonedTimeUtc(2026, 10, 31, 12, 0, TZ),
        suggestion: 'Oktober',
        suggestionState: 'approved',
      }),
    ],
  });
  await db.followUp.createMany({
    data: [
      { unitId: b.id, period: '2026-11', plan: 'Menambah petugas loket NIB pada jam sibuk.', dueAt: zonedTimeUtc(2026, 12, 15, 0, 0, TZ) },
      { unitId: a.id, period: '2026-11', plan: 'Memasang papan standar pelayanan.', dueAt: at(25), doneAt: at(20) },
    ],
  });
});

afterAll(async () => {
  await t?.drop();
});

/** Page images for a person to look at (not asserted): only where poppler's pdftoppm is installed. */
function savePages(pdf: Buffer, name: string): void {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(OUT, name)], { stdio: 'ignore' });
  } catch {
    // No pdftoppm here: the PDF itself is kept.
  }
}

describe('official report (PDF)', () => {
  it('shows the pooled agency IKM, NRR and NRR tertimbang per element, and the signature block, in Indonesian', async () => {
    const model = await loadOfficialReport(t.db, { kind: 'agency', code: 'dpmptsp-uji' }, NOVEMBER, zonedTimeUtc(2026, 12, 2, 9, 0, TZ));
    const agency = await agencyReport(t.db, 'DPMPTSP-UJI', NOVEMBER);
    expect(model.figures.ikm).toBe(agency.ikm);
    expect(model.figures.responses).toBe(8);

    const pdf = await renderOfficialPdf(model, inLocale('id'), 'id');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    savePages(pdf, 'agency-id');
    const pages = await pdfText(pdf);
    const all = pages.join('\n');

    const ikm = formatDecimal(agency.ikm!, 2, 'id');
    expect(ikm).toContain(',');
    expect(pages[0]).toContain('LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT');
    expect(pages[0]).toContain(ikm);
    expect(pages[0]).toContain('Periode November 2026 (1 November 2026 s.d. 30 November 2026)');
    expect(all).toContain(`Nilai IKM ${ikm}`);
    expect(all).toContain('NRR tertimbang');
    // Every element's NRR and NRR × 1/9, with the decimal comma.
    expect(agency.unsur).toHaveLength(9);
    for (const u of agency.unsur) {
      expect(all).toContain(formatDecimal(u.nrr!, 3, 'id'));
      expect(all).toContain(formatDecimal(u.nrr! / 9, 3, 'id'));
    }
    expect(all).toContain(`Mutu pelayanan ${agency.mutu}`);
    expect(all).toMatch(/Target sampel \(Krejcie dan Morgan\)\s*\d+ responden untuk 160 pengguna layanan/);
    // Profile, per unit, maladministration.
    expect(all).toContain('Perempuan');
    expect(all).toContain('30–39 tahun');
    expect(all).toContain('Loket Perizinan Usaha (PTSP-IZIN)');
    expect(all).toMatch(/2 responden melaporkan sedikitnya satu bentuk maladministrasi/);
    // Only the approved suggestion of the period.
    expect(all).toContain('Ruang tunggu sudah nyaman, terima kasih.');
    expect(all).not.toContain('Budi');
    expect(all).not.toContain('belum ditinjau');
    expect(all).not.toContain('Oktober');
    // Follow-up plans with their status.
    expect(all).toContain('Menambah petugas loket NIB pada jam sibuk.');
    expect(all).toContain('Belum selesai');
    expect(all).toContain('Selesai 20 November 2026');
    // The signature block.
    expect(all).toContain('Makassar, 2 Desember 2026');
    expect(all).toContain('Kepala Dinas Penanaman Modal dan PTSP');
    expect(all).toContain('Dra. Sri Wahyuningsih, M.Si.');
    expect(all).toContain('NIP. 196803121994032005');
    // Page numbers on every page but the cover.
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.at(-1)).toContain(`Halaman ${pages.length} dari ${pages.length}`);
  });

  it('writes points in English, and leaves lines to sign by hand when no signatory is set', async () => {
    await t.db.agency.update({ where: { code: 'DPMPTSP-UJI' }, data: { signatoryName: null, signatoryNip: null, reportPlace: null } });
    const model = await loadOfficialReport(t.db, { kind: 'unit', code: 'PTSP-IZIN' }, NOVEMBER, zonedTimeUtc(2026, 12, 2, 9, 0, TZ));
    expect(model.figures.responses).toBe(6);
    expect(model.units).toEqual([]);
    const pdf = await renderOfficialPdf(model, inLocale('en'), 'en');
    savePages(pdf, 'unit-en');
    const all = (await pdfText(pdf)).join('\n');
    // The worked example: IKM 82.41, weighted NRR of U1 = 3.333 / 9.
    expect(all).toContain('82.41');
    expect(all).not.toContain('82,41');
    expect(all).toContain('Weighted NRR');
    expect(all).toContain('0.370');
    expect(all).toContain('NIP. …………………………');
    expect(all).toContain('…………………………, 2 December 2026');
    expect(all).not.toContain('Results per service unit');
    // The unit in its agency's context: the agency IKM of all 8 responses pooled (70.83).
    expect(all).toContain('IKM of Dinas Penanaman Modal dan PTSP Kota Uji (all units) 70.83 · quality C (Poor) from 8 respondents');
  });

  it('reads "no respondents yet" for a period without responses, never a zero IKM', async () => {
    const model = await loadOfficialReport(t.db, { kind: 'agency', code: 'DPMPTSP-UJI' }, parsePeriod('2026-09')!);
    const all = (await pdfText(await renderOfficialPdf(model, inLocale('id'), 'id'))).join('\n');
    expect(all).toContain('Belum ada responden pada periode ini');
    expect(all).not.toMatch(/Nilai IKM\s*0/);
  });
});
