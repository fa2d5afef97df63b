import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run.js';

/** The packages a chunk of dist/ loads from node_modules at run time (its static and dynamic imports). */
function packagesImported(source: string): Set<string> {
  const found = new Set<string>();
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"([^"]+)"/g)) {
    const specifier = match[1]!;
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
    found.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
  }
  return found;
}

describe('the bundle npm start runs (bin/start.js builds dist/)', () => {
  it('compiles zod in and loads every other package from node_modules (pg through src/db/pg.ts)', async () => {
    // The test set-up builds dist/ before any test runs.
    const files = (await fs.readdir(path.join(ROOT, 'dist'))).filter((name) => name.endsWith('.js'));
    const sources = await Promise.all(files.map((name) => fs.readFile(path.join(ROOT, 'dist', name), 'utf8')));
    expect(sources.length).toBeGreaterThan(10);
    const imported = new Set(sources.flatMap((source) => [...packagesImported(source)]));
    expect(imported.has('zod')).toBe(false);
    // zod's own code is in a chunk (its error class, under its own name).
    expect(sources.some((source) => source.includes('"ZodError"'))).toBe(true);
    for (const name of ['pino', 'telegraf', 'i18next', '@prisma/client', '@prisma/adapter-pg']) {
      expect(imported, name).toContain(name);
    }
    // node-postgres is required by src/db/pg.ts (see there), not imported.
    expect(imported.has('pg')).toBe(false);
    expect(sources.filter((source) => /\brequire\d*\("pg"\)/.test(source)).length).toBe(1);
  });

  it('writes source maps without the sources themselves (stack traces point into src/)', async () => {
    const main = JSON.parse(await fs.readFile(path.join(ROOT, 'dist', 'main.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(main.sources).toContain('../src/main.ts');
    expect(main.sourcesContent).toBeUndefined();
  });
});
