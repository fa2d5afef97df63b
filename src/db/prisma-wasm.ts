// Prisma's query compiler ships as a 2.5 MB base64 string in a JavaScript module. Imported, it
// stays in memory for the life of the process twice (the module's source text and the string):
// 5 MB of a live heap of about 35 MB, and V8 lets the heap grow in proportion to what is live. The
// bundle (bin/start.js) points the generated client here instead: the same file is read when the
// compiler is built, and the text is dropped once it is compiled.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The module the generated client imports for its WebAssembly (as `{ wasm }`). */
export const PRISMA_WASM_MODULE = '@prisma/client/runtime/query_compiler_bg.postgresql.wasm-base64.mjs';

/** The base64 text of Prisma's query compiler, read from its module file (`const wasm = "…"`). */
export function readPrismaWasm(): string {
  const file = createRequire(import.meta.url).resolve(PRISMA_WASM_MODULE);
  const source = readFileSync(file, 'utf8');
  const match = /^const wasm = "([A-Za-z0-9+/=]+)";?\s*export \{ wasm \};?\s*$/.exec(source.trim());
  if (!match?.[1]) throw new Error(`${file} no longer holds just const wasm = "<base64>": the Prisma version changed, see bin/start.js`);
  return match[1];
}

/** What the generated client destructures, read only when it asks. */
export default {
  get wasm(): string {
    return readPrismaWasm();
  },
};
