// Text from chats is made safe before it is stored or echoed: PostgreSQL refuses NUL characters
// and lone surrogates in text and jsonb, and a cut must not split an emoji in half.
import { describe, expect, it } from 'vitest';
import { cleanText, clip, pgJson } from '../../src/text/index.js';

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('text from chats', () => {
  it('loses NUL characters and has lone surrogates replaced', () => {
    expect(cleanText('a\u0000b')).toBe('ab');
    expect(cleanText('\ud800 x \udc00')).toBe('\ufffd x \ufffd');
    expect(cleanText('ok 😀 🙏')).toBe('ok 😀 🙏');
  });

  it('is cut between characters, never inside an emoji', () => {
    const emoji = '😀'.repeat(30);
    const cut = clip(emoji, 25);
    expect(Array.from(cut)).toHaveLength(25);
    expect(LONE.test(cut)).toBe(false);
    expect(LONE.test(emoji.slice(0, 25))).toBe(true);
    expect(clip('pendek', 24)).toBe('pendek');
  });

  it('becomes JSON that PostgreSQL accepts: no \\u0000 and no lone surrogate escapes', () => {
    const json = pgJson({ text: 'x\u0000y\ud800', nested: [{ t: '\udc00' }], n: 1 });
    expect(json).not.toContain('\\u0000');
    expect(json).not.toMatch(/\\ud[89ab]/i);
    expect(JSON.parse(json)).toEqual({ text: 'xy\ufffd', nested: [{ t: '\ufffd' }], n: 1 });
  });
});
