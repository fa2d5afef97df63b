import { describe, expect, it } from 'vitest';
import { LandingUrlError, landingUrl } from '../../src/text/landing.js';

describe('landing page address', () => {
  it('is <base>/u/<CODE>, with or without a trailing slash or a path prefix', () => {
    expect(landingUrl('https://skm.example.go.id', 'DUKCAPIL')).toBe('https://skm.example.go.id/u/DUKCAPIL');
    expect(landingUrl('https://skm.example.go.id/', 'DUKCAPIL')).toBe('https://skm.example.go.id/u/DUKCAPIL');
    expect(landingUrl(' http://example.go.id/skm// ', 'A-1')).toBe('http://example.go.id/skm/u/A-1');
  });

  it('refuses what is not an http(s) base, or an invalid code', () => {
    for (const base of ['skm.example.go.id', 'ftp://example.go.id', 'https://example.go.id/?x=1', 'https://example.go.id/#top', '']) {
      expect(() => landingUrl(base, 'A'), base).toThrow(LandingUrlError);
    }
    expect(() => landingUrl('https://example.go.id', 'a b')).toThrow(LandingUrlError);
  });
});
