// The allowed import directions between the folders of src/ (docs/ARCHITECTURE.md explains them):
// a folder may import its own files and the folders on lower layers, never a higher layer or
// another folder of its own layer. So there are no cycles between folders, and a new import that
// breaks the layering fails here, in CI, instead of quietly tangling the code.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run.js';

/** Bottom first. A "folder" is a folder directly under src/, or a file there (main, app...). */
export const LAYERS: readonly (readonly string[])[] = [
  ['generated', 'config', 'log', 'paths', 'backoff', 'scoring', 'charts'],
  ['db', 'text'],
  ['survey', 'outbox', 'http'],
  ['i18n', 'reports'],
  ['app', 'jobs'],
  ['admin'],
  ['channels', 'web'],
  ['cli', 'main'],
];

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The top-level part of src/ a file belongs to: its folder, or its own name for a file in src/. */
function partOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length === 0 ? first!.replace(/\.[jt]s$/, '') : first!;
}

/** Relative imports of a file, static and dynamic (`import('./x.js')`), as absolute paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map(
    (m) => m[1]!,
  );
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

const layerOf = new Map(LAYERS.flatMap((parts, i) => parts.map((p) => [p, i] as const)));

describe('import directions between the folders of src/', () => {
  const files = sourceFiles(SRC);
  const edges = files.flatMap((file) => importsOf(file).map((target) => ({ file, from: partOf(file), to: partOf(target) })));

  it('every folder of src/ has a layer', () => {
    const parts = new Set(files.map(partOf));
    expect(parts.size).toBeGreaterThan(10);
    expect([...parts].filter((p) => !layerOf.has(p))).toEqual([]);
  });

  it('imports only go to lower layers (or stay inside their folder)', () => {
    expect(edges.length).toBeGreaterThan(100);
    const wrong = edges
      .filter((e) => e.from !== e.to && (layerOf.get(e.to) ?? Infinity) >= (layerOf.get(e.from) ?? -1))
      .map((e) => `${path.relative(ROOT, e.file)} imports ${e.to}/ (layer ${layerOf.get(e.to)}) from ${e.from}/ (layer ${layerOf.get(e.from)})`);
    expect(wrong).toEqual([]);
  });
});
