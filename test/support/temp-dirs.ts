import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Makes temporary folders named `<prefix>…` that the embedded PostgreSQL, run as another user when
 * the tests run as root, can traverse (0755); all are removed after the calling file's tests.
 */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await fs.rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    await fs.chmod(dir, 0o755);
    made.push(dir);
    return dir;
  };
}
