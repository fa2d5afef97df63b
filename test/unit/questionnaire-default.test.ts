import { describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONNAIRE, PAST_DEFAULT_FINGERPRINTS, definitionFingerprint } from '../../src/survey/questionnaire.js';

describe('the built-in questionnaire wording', () => {
  it('is pinned, so that changing it also lists the wording it replaces', () => {
    // Changing DEFAULT_QUESTIONNAIRE (or the element texts in src/scoring/elements.ts)? Put the
    // fingerprint below into PAST_DEFAULT_FINGERPRINTS, so that databases holding this wording get
    // the new one as a new version on start-up (Catalog.adoptDefaultWording), then pin the new one.
    expect(definitionFingerprint(DEFAULT_QUESTIONNAIRE)).toBe('40a905a9b9e98e22f1dc70f12edd20423a58255a3392e435a9d7fd115ce6ed52');
  });

  it('addresses people as Bapak/Ibu', () => {
    const text = JSON.stringify(DEFAULT_QUESTIONNAIRE);
    expect(text).not.toMatch(/Saudara|\bAnda\b|\bkamu\b/);
    expect(text.match(/Bapak\/Ibu/g)?.length).toBeGreaterThanOrEqual(13);
  });

  it('fingerprints do not depend on the order of keys (jsonb reorders them)', () => {
    expect(definitionFingerprint({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(definitionFingerprint({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(PAST_DEFAULT_FINGERPRINTS.size).toBeGreaterThan(0);
  });
});
