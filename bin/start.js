#!/usr/bin/env node
// `npm start`: bundles src/ into dist/ with esbuild (a few tens of milliseconds; dependencies stay
// in node_modules) and runs it with plain Node. Faster to start and lighter than a TypeScript
// loader at run time. `node bin/start.js` and `bin/skm.js` share this.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** True when dist/ is newer than every source file (and this script): no build needed. */
async function upToDate() {
  let built;
  try {
    built = (await fs.stat(path.join(root, 'dist', 'main.js'))).mtimeMs;
  } catch {
    return false;
  }
  const sources = await fs.readdir(path.join(root, 'src'), { recursive: true, withFileTypes: true });
  const files = [fileURLToPath(import.meta.url), ...sources.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name))];
  for (const file of files) {
    if ((await fs.stat(file)).mtimeMs > built) return false;
  }
  return true;
}

export async function buildDist() {
  if (!(await upToDate())) await bundle();
  process.setSourceMapsEnabled(true);
}

async function bundle() {
  // Loaded only when a build is needed: esbuild starts a helper process.
  const { build } = await import('esbuild');
  const result = await build({
    metafile: true,
    absWorkingDir: root,
    entryPoints: ['src/main.ts', 'src/cli/index.ts'],
    outdir: 'dist',
    outbase: 'src',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // Chunk names carry content hashes: remove the ones an earlier build left behind.
  const outputs = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file)));
  for (const entry of await fs.readdir(path.join(root, 'dist'), { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && !outputs.has(file)) await fs.rm(file, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildDist();
  await import(pathToFileURL(path.join(root, 'dist', 'main.js')).href);
}
