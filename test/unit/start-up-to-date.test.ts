// `npm start` rebuilds dist/ only when a source file (at any depth of src/), bin/start.js itself or
// the last install (node_modules/.package-lock.json) is newer than dist/main.js, or when there is no
// build yet.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/start.js is plain JavaScript, run by Node as it is.
const { upToDate } = (await import(path.join(process.cwd(), 'bin', 'start.js'))) as { upToDate: (dir: string, script: string) => boolean };

let dir: string;
const at = (seconds: number) => new Date(1_796_000_000_000 + seconds * 1000);
const touch = async (file: string, seconds: number) => {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
  await fs.utimes(file, at(seconds), at(seconds));
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-up-to-date-'));
  await touch(path.join(dir, 'src', 'main.ts'), 0);
  await touch(path.join(dir, 'src', 'survey', 'engine', 'steps.ts'), 0);
  await touch(path.join(dir, 'bin', 'start.js'), 0);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('whether dist/ is up to date', () => {
  const script = () => path.join(dir, 'bin', 'start.js');

  it('is not without a build', () => {
    expect(upToDate(dir, script())).toBe(false);
  });

  it('is when the build is newer than every source and the script', async () => {
    await touch(path.join(dir, 'dist', 'main.js'), 10);
    expect(upToDate(dir, script())).toBe(true);
  });

  it('is not when a source deep in src/ is newer', async () => {
    await touch(path.join(dir, 'src', 'survey', 'engine', 'steps.ts'), 20);
    expect(upToDate(dir, script())).toBe(false);
    await touch(path.join(dir, 'src', 'survey', 'engine', 'steps.ts'), 0);
    expect(upToDate(dir, script())).toBe(true);
  });

  it('is not after a newer install (a package compiled into dist/ may have changed)', async () => {
    await touch(path.join(dir, 'node_modules', '.package-lock.json'), 20);
    expect(upToDate(dir, script())).toBe(false);
    await touch(path.join(dir, 'node_modules', '.package-lock.json'), 5);
    expect(upToDate(dir, script())).toBe(true);
  });

  it('is not when the start script itself is newer', async () => {
    await touch(script(), 20);
    expect(upToDate(dir, script())).toBe(false);
  });
});
