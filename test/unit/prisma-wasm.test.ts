import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import prismaWasm, { PRISMA_WASM_MODULE, readPrismaWasm } from '../../src/db/prisma-wasm.js';
import { ROOT } from '../support/run.js';

describe("Prisma's query compiler, read from its file when it is built", () => {
  it('is the same base64 text the module exports, and valid WebAssembly', async () => {
    const { wasm } = (await import(PRISMA_WASM_MODULE)) as { wasm: string };
    const read = readPrismaWasm();
    expect(read.length).toBeGreaterThan(1_000_000);
    expect(read).toBe(wasm);
    expect(prismaWasm.wasm).toBe(wasm);
    const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } };
    expect(wasmApi.validate(Buffer.from(read, 'base64'))).toBe(true);
  });

  it('is what the bundle imports: no chunk of dist/ imports the base64 module itself', async () => {
    // The test set-up builds dist/ (bin/start.js's buildDist) before any test runs.
    const files = (await fs.readdir(path.join(ROOT, 'dist'))).filter((name) => name.endsWith('.js'));
    const sources = await Promise.all(files.map((name) => fs.readFile(path.join(ROOT, 'dist', name), 'utf8')));
    const importing = (text: string) => text.includes(`import("${PRISMA_WASM_MODULE}")`);
    expect(sources.length).toBeGreaterThan(0);
    expect(files.filter((_, i) => importing(sources[i]!))).toEqual([]);
    expect(sources.filter((text) => text.includes('.default;') && /await import\("\.\/prisma-wasm-[A-Z0-9]+\.js"\)/.test(text))).toHaveLength(1);
  });
});
