import { describe, expect, it } from 'vitest';
import { normaliseWhatsAppNumber } from '../../src/config/index.js';
import { resolveTimeZone } from '../../src/scoring/index.js';

describe('normaliseWhatsAppNumber', () => {
  it('accepts the ways Indonesians write a number and returns the international form', () => {
    const forms = ['0812-3456-7890', '+62 812 3456 7890', '6281234567890', '(0812) 3456.7890', '0062 812-3456-7890', ' 081234567890 '];
    for (const form of forms) expect(normaliseWhatsAppNumber(form), form).toBe('6281234567890');
  });

  it('refuses what is not a phone number', () => {
    for (const bad of ['', '12', '0812-ABC', '+0812345678', '62812345678901234', 'nomor saya']) expect(normaliseWhatsAppNumber(bad), bad).toBeNull();
  });
});

describe('resolveTimeZone', () => {
  it('maps WIB, WITA and WIT in any case and keeps IANA names', () => {
    expect(resolveTimeZone('WIB')).toBe('Asia/Jakarta');
    expect(resolveTimeZone('wita')).toBe('Asia/Makassar');
    expect(resolveTimeZone(' Wit ')).toBe('Asia/Jayapura');
    expect(resolveTimeZone('Asia/Pontianak')).toBe('Asia/Pontianak');
    expect(resolveTimeZone('Asia/Bandung')).toBeNull();
    expect(resolveTimeZone('')).toBeNull();
  });
});
