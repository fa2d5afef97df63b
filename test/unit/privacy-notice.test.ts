// The privacy notice's texts in both languages: every element the law asks for is there, and the
// version people see belongs to the text (a changed text without a new edition fails here).
import { describe, expect, it } from 'vitest';
import { PRIVACY_NOTICE_EDITION, consentTextVersion, noticeFingerprint } from '../../src/app.js';
import { getI18n } from '../../src/i18n/index.js';

const text = (lng: 'id' | 'en', key: string) => String(getI18n().getResource(lng, 'translation', key));

describe('the privacy notice', () => {
  it('is pinned to its edition: changing its text needs a new edition number and month', () => {
    // Changed the notice (locales: privacy.*, consent.ask)? Raise PRIVACY_NOTICE_EDITION in
    // src/app.ts (number + 1, this month), then pin the new fingerprint here. Citizens are then asked
    // for consent again, and see the new version label.
    expect({ edition: PRIVACY_NOTICE_EDITION, fingerprint: noticeFingerprint() }).toEqual({
      edition: { number: 1, month: '2026-12' },
      fingerprint: 'e64f1da8098e75a6e089d96f5cdf63a6446ead828c28c511e8c139645d41709e',
    });
  });

  it('a consent is recorded against the text and the retention it states', () => {
    expect(consentTextVersion(365)).toMatch(/^[0-9a-f]{10}$/);
    expect(consentTextVersion(365)).not.toBe(consentTextVersion(30));
  });

  for (const [lng, parts] of [
    [
      'id',
      {
        controller: 'Pengendali data: {{agency}}',
        contact: 'Kontak: {{contact}}',
        purpose: 'Tujuan: mengukur dan memperbaiki kualitas pelayanan publik',
        basis: 'UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, pasal 20',
        duty: 'PermenPANRB No. 14 Tahun 2017',
        stored: 'kode acak pengganti akun Telegram/WhatsApp Bapak/Ibu, bukan nomor telepon',
        retention: 'paling lama {{days}} hari',
        anonymous: 'nilai penilaian tetap disimpan tanpa kode sebagai data anonim',
        access: 'meminta salinan data',
        correction: 'memperbaiki jawaban',
        erasure: 'ketik /hapusdata',
        withdrawal: 'menarik persetujuan',
        objection: 'menolak pemrosesan',
        complaint: 'mengadu',
        version: '({{version}})',
      },
    ],
    [
      'en',
      {
        controller: 'Data controller: {{agency}}',
        contact: 'Contact: {{contact}}',
        purpose: 'Purpose: to measure and improve the quality of public services',
        basis: 'Law No. 27 of 2022 on Personal Data Protection, article 20',
        duty: 'PermenPANRB No. 14 of 2017',
        stored: 'a random code in place of your Telegram/WhatsApp account, not your phone number',
        retention: 'at most {{days}} days',
        anonymous: 'the scores are kept without the code as anonymous data',
        access: 'ask for a copy of your data',
        correction: 'correct your answers',
        erasure: 'type /hapusdata',
        withdrawal: 'withdraw consent',
        objection: 'object to the processing',
        complaint: 'complain',
        version: '({{version}})',
      },
    ],
  ] as const) {
    it(`names the controller, contact, purpose, legal basis, what is stored, how long and every right (${lng})`, () => {
      const full = text(lng, 'privacy.full');
      for (const [element, part] of Object.entries(parts)) expect(full, element).toContain(part);
    });

    it(`summarises it in three lines with the controller, the law, /hapusdata and the version (${lng})`, () => {
      const summary = text(lng, 'privacy.summary');
      expect(summary.split('\n')).toHaveLength(3);
      for (const part of ['{{agency}}', '27/2022', '/hapusdata', '/privasi', '{{version}}', '{{days}}']) expect(summary).toContain(part);
    });
  }

  it('addresses people as Bapak/Ibu in Indonesian', () => {
    const all = ['privacy.summary', 'privacy.full', 'consent.ask', 'consent.thanks'].map((k) => text('id', k)).join('\n');
    expect(all).not.toMatch(/Saudara|\bAnda\b|\bkamu\b/);
    expect(all).toContain('Bapak/Ibu');
  });
});
