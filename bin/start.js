#!/usr/bin/env node
// `npm start`: bundles src/ into dist/ with esbuild (a few tens of milliseconds; dependencies stay
// in node_modules) and runs it with plain Node. Faster to start and lighter than a TypeScript
// loader at run time. `node bin/start.js` and `bin/skm.js` share this.
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * True when dist/ is newer than every source file, this script and the last install (npm writes
 * node_modules/.package-lock.json at each one; the packages compiled into dist/, see BUNDLED, keep
 * their tarballs' old dates): no build needed. Synchronous: nothing else runs yet, and about 200
 * stat calls through the thread pool took 10–20 ms of the cold start (the synchronous ones 2–5 ms).
 */
export function upToDate(dir = root, script = fileURLToPath(import.meta.url)) {
  let built;
  try {
    built = fsSync.statSync(path.join(dir, 'dist', 'main.js')).mtimeMs;
  } catch {
    return false;
  }
  const sources = fsSync.readdirSync(path.join(dir, 'src'), { recursive: true, withFileTypes: true });
  const files = [script, ...sources.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name))];
  const installed = fsSync.statSync(path.join(dir, 'node_modules', '.package-lock.json'), { throwIfNoEntry: false });
  return (installed?.mtimeMs ?? 0) <= built && files.every((file) => fsSync.statSync(file).mtimeMs <= built);
}

export async function buildDist() {
  if (!upToDate()) await bundle();
  process.setSourceMapsEnabled(true);
}

/**
 * Memory, for every way the bot is started (npm start, the systemd unit, bin/skm.js). Both were
 * measured with 500 citizens in conversation at once (`npm run bench`, README "Benchmarks"):
 * - V8 sizes the next full collection's threshold from how fast the last one was, up to four
 *   times the live heap. With about 35 MB live, one process collected every few seconds at 50 MB
 *   while the next let promoted garbage pile up to 100 MB for the whole crowd (peak RSS 139 against
 *   163-195 MB). A fixed factor of 1.5 keeps the old generation under about 55 MB; a full
 *   collection takes 5-20 ms and is mostly concurrent.
 * - Prisma's query compiler is a WebAssembly module. V8 compiles it with Liftoff and then again
 *   with TurboFan on background threads; the optimised copies and the memory those threads keep
 *   cost 15-20 MB of resident memory, and Prisma's queries took about 4 ms either way (the time is
 *   spent in JavaScript and in the database). Liftoff alone.
 * V8 reads these when it next sizes the heap or compiles WebAssembly: call this before the bot's
 * modules load.
 */
export function tuneV8() {
  v8.setFlagsFromString('--heap-growing-percent=50');
  v8.setFlagsFromString('--no-wasm-tier-up');
  v8.setFlagsFromString('--no-wasm-dynamic-tiering');
}

/** The generated Prisma client's import of its WebAssembly as a base64 module (see src/db/prisma-wasm.ts). */
const PRISMA_WASM_IMPORT = 'await import("@prisma/client/runtime/query_compiler_bg.postgresql.wasm-base64.mjs")';

/**
 * Points the generated client's WebAssembly import at src/db/prisma-wasm.ts, which reads the file
 * when the compiler is built instead of keeping 5 MB of text alive. Fails the build when the
 * generated code no longer has that import (a new Prisma version): look at it again then.
 */
const prismaWasmFromFile = {
  name: 'prisma-wasm-from-file',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      if (!source.includes(PRISMA_WASM_IMPORT)) throw new Error(`${args.path} no longer has ${PRISMA_WASM_IMPORT}: see src/db/prisma-wasm.ts`);
      const loader = JSON.stringify(path.join(root, 'src', 'db', 'prisma-wasm.ts'));
      return { contents: source.replace(PRISMA_WASM_IMPORT, `(await import(${loader})).default`), loader: 'ts' };
    });
  },
};

/**
 * Dependencies compiled into dist/ rather than loaded from node_modules at run time. zod is about
 * a hundred ES modules, and Node resolves, reads and links each one: bundled, it loads with about
 * 80 ms of CPU instead of 125, and a first start's initdb shares the two cores of a small server
 * with that loading. Only pure JavaScript that finds no files of its own at run time belongs here.
 */
const BUNDLED = new Set(['zod']);

/** Leaves every package external (loaded from node_modules at run time) except those in `bundled`. */
function bundleOnly(bundled) {
  return {
    name: 'bundle-only',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return bundled.has(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
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
    // Packages stay in node_modules, except the few pure-JavaScript ones listed in BUNDLED.
    plugins: [bundleOnly(BUNDLED), prismaWasmFromFile],
    sourcemap: true,
    sourcesContent: false,
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
  tuneV8();
  await buildDist();
  await import(pathToFileURL(path.join(root, 'dist', 'main.js')).href);
}
