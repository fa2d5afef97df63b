import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/run.js';

const run = promisify(execFile);

/** What a fresh Node process sees after loading pg one way or the other. */
interface Seen {
  undici: boolean;
  pool: string;
  response: string;
}

// Each case runs in a Node process of its own: the test's process has long loaded both.
const CHECK = `
  const undici = process.moduleLoadList.some((name) => name.includes('undici'));
  const response = await new Response('ok').text();
  console.log(JSON.stringify({ undici, pool: typeof pg.Pool, response }));`;

async function seen(script: string): Promise<Seen> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  return JSON.parse(stdout) as Seen;
}

describe('src/db/pg.ts: node-postgres without Node loading its fetch implementation', () => {
  // Beside node_modules, so that its require('pg') finds the package as src/db/pg.ts does.
  const dir = path.join(ROOT, 'node_modules', '.cache', 'skm-test');
  const shim = path.join(dir, `pg-${process.pid}.mjs`);

  beforeAll(async () => {
    const source = await fs.readFile(path.join(ROOT, 'src', 'db', 'pg.ts'), 'utf8');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(shim, (await transform(source, { loader: 'ts', format: 'esm' })).code);
  });
  afterAll(async () => {
    await fs.rm(shim, { force: true });
  });

  it('loads pg, leaving Response (and so fetch) working', async () => {
    const result = await seen(`const { default: pg } = await import(${JSON.stringify(shim)});${CHECK}`);
    expect(result).toEqual({ undici: false, pool: 'function', response: 'ok' });
  });

  // Why the module exists: if pg stops probing this way, this fails, and src/db/pg.ts can go.
  it.runIf(!('navigator' in globalThis))('is needed where Node has no navigator: pg imported as it is pulls in undici', async () => {
    const result = await seen(`const { default: pg } = await import('pg');${CHECK}`);
    expect(result).toEqual({ undici: true, pool: 'function', response: 'ok' });
  });
});
