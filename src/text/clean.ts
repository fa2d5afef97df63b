// Text from outside, made safe to store and to cut.

/**
 * Text as PostgreSQL can store it: without NUL characters (text and jsonb refuse them) and with a
 * lone surrogate (half of an emoji, cut off) replaced by U+FFFD. What people type arrives here
 * first; anything stored or echoed back passes through it.
 */
export function cleanText(text: string): string {
  // Matching the NUL character is the point here.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** At most `max` characters, never cutting an emoji (or any character outside the BMP) in half. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

/** JSON for a PostgreSQL json/jsonb parameter: every string in it passed through cleanText. */
export function pgJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? cleanText(v) : v));
}
