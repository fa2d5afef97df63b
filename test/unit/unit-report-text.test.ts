// The unit report as the operator reads it (`skm report --unit … --format text`): Indonesian numbers
// and dates by default, English ones in English; the JSON keeps plain numbers.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { type UnitReport, formatUnitReportText } from '../../src/reports/unit-report.js';
import { ELEMENT_CODES, formatDayMonthYear } from '../../src/scoring/index.js';

const REPORT: UnitReport = {
  unit: 'DUKCAPIL',
  unitName: 'Disdukcapil',
  agency: 'MPP-DEMO',
  timeZone: 'Asia/Jakarta',
  period: '2026-11',
  from: '2026-10-31T17:00:00.000Z',
  to: '2026-11-30T17:00:00.000Z',
  responses: 1234,
  ikm: 82.41,
  mutu: 'B',
  kinerja: 'Baik',
  zona: 'hijau',
  provisional: false,
  minResponses: 30,
  target: { serviceUsers: 1500, sample: 306 },
  flagged: 2,
  maladminReports: 1,
  unsur: [3.333, 3.167, 2.833, 3.167, 3.5, 3.667, 3.833, 3.167, 3].map((nrr, i) => ({ code: ELEMENT_CODES[i]!, name: '', nrr })),
};

describe('the unit report text', () => {
  it('reads in Indonesian with the decimal comma, thousands points and dates written out', () => {
    const text = formatUnitReportText(REPORT, translate, 'id');
    expect(text.split('\n')).toEqual([
      'Disdukcapil (DUKCAPIL) · MPP-DEMO · November 2026 (1 November 2026 – 30 November 2026, WIB)',
      'Responden: 1.234 dari target 306 (pengguna layanan 1.500)',
      'IKM 82,41 · mutu B (Baik) · zona hijau',
      'Penilaian bertanda anomali: 2',
      'Laporan maladministrasi: 1',
      'NRR per unsur (1–4):',
      '  U1  3,333  Persyaratan',
      '  U2  3,167  Sistem, mekanisme, dan prosedur',
      '  U3  2,833  Waktu penyelesaian',
      '  U4  3,167  Biaya/tarif',
      '  U5  3,500  Produk spesifikasi jenis pelayanan',
      '  U6  3,667  Kompetensi pelaksana',
      '  U7  3,833  Perilaku pelaksana',
      '  U8  3,167  Sarana dan prasarana',
      '  U9  3,000  Penanganan pengaduan, saran dan masukan',
    ]);
  });

  it('reads in English with points', () => {
    const text = formatUnitReportText({ ...REPORT, provisional: true }, translate, 'en');
    expect(text).toContain('Disdukcapil (DUKCAPIL) · MPP-DEMO · November 2026 (1 November 2026 – 30 November 2026, WIB)');
    expect(text).toContain('Respondents: 1,234 of target 306 (1,500 service users)');
    expect(text).toContain('IKM 82.41 · grade B (Baik) · green zone');
    expect(text).toContain('PROVISIONAL: fewer than 30 respondents');
    expect(text).toContain('  U2  3.167  Systems, mechanisms and procedures');
    expect(text).not.toMatch(/\d,\d{3} {2}/);
  });

  it('says so when the period has no ratings', () => {
    const text = formatUnitReportText({ ...REPORT, responses: 0, ikm: null, mutu: null, kinerja: null, zona: null, target: null }, translate, 'id');
    expect(text.split('\n').slice(1)).toEqual(['Responden: 0', 'Belum ada penilaian pada periode ini.']);
  });
});

describe('dates as people write them', () => {
  it('a day without the weekday, on the agency’s calendar', () => {
    // 16:30 UTC on 31 October is 23:30 WIB (still October) but 00:30 WITA on 1 November.
    const instant = new Date('2026-10-31T16:30:00Z');
    expect(formatDayMonthYear(instant, 'Asia/Jakarta', 'id')).toBe('31 Oktober 2026');
    expect(formatDayMonthYear(instant, 'Asia/Makassar', 'id')).toBe('1 November 2026');
    expect(formatDayMonthYear(instant, 'Asia/Makassar', 'en')).toBe('1 November 2026');
    expect(formatDayMonthYear(new Date('2026-08-17T03:00:00Z'), 'Asia/Jakarta', 'id')).toBe('17 Agustus 2026');
    expect(formatDayMonthYear(new Date('2026-08-17T03:00:00Z'), 'Asia/Jakarta', 'en')).toBe('17 August 2026');
  });
});
