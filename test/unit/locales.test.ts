import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR, translate } from '../../src/i18n/index.js';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function load(locale: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, locale, 'translation.json'), 'utf8')) as Record<string, unknown>;
}

describe('locales', () => {
  it('every key exists in both Indonesian and English', () => {
    const id = keys(load('id')).sort();
    const en = keys(load('en')).sort();
    expect(en).toEqual(id);
    expect(id.length).toBeGreaterThan(50);
  });

  it('no text is empty, and both languages use the same placeholders', () => {
    const id = load('id');
    const en = load('en');
    for (const key of keys(id)) {
      const get = (root: Record<string, unknown>) =>
        key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root) as string;
      const a = get(id);
      const b = get(en);
      expect(a.trim(), key).not.toBe('');
      expect(b.trim(), key).not.toBe('');
      const vars = (s: string) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
      expect(vars(b), key).toEqual(vars(a));
    }
  });

  it('Indonesian is the default and interpolation is not HTML-escaped', () => {
    expect(translate('id', 'unit.notFound', { code: 'A&B' })).toContain('"A&B"');
    expect(translate('en', 'common.yes')).toBe('Yes');
    expect(() => translate('id', 'no.such.key')).toThrow(/Missing translation/);
  });
});
