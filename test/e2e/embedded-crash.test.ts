// The embedded PostgreSQL after crashes, as an operator meets them: a power cut (SIGKILL of Node,
// the postmaster and the backends), a stale postmaster.pid whose pid is dead, a zombie or reused by
// another program, a closed terminal (SIGHUP), an orphaned server, and one shared with a live bot.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePostmaster, postgresProcesses } from '../../src/db/pg-procs.js';
import { PASSWORD_FILE } from '../../src/db/pg-server.js';
import { runCrashTrials, startDemo } from '../support/crash-trials.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { ROOT, runTs } from '../support/run.js';

let dir: string;
const pgDir = () => path.join(dir, 'postgres');
const env = () => ({ DATABASE_URL: '', SKM_DATA_DIR: dir, TELEGRAM_BOT_TOKEN: '' });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-crash-e2e-'));
  await fs.chmod(dir, 0o755);
});
afterAll(async () => {
  for (const p of postgresProcesses(pgDir())) process.kill(p.pid, 'SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
});

async function migrateWithCli() {
  return await runTs('src/cli/index.ts', ['db', 'migrate'], { env: env(), timeoutMs: 90_000 });
}

/**
 * As the user PostgreSQL runs as (postgres, when the tests run as root): PostgreSQL itself takes a
 * pid it may not signal for a stale one, but refuses to start over a live pid of its own user.
 */
function sameUserAsServer(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A long-lived process that does not reap its child: `sleep 0` stays a zombie under it. */
function zombieParent(): { parent: ChildProcess; zombie: () => Promise<number> } {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'], cwd: '/', ...sameUserAsServer() });
  const zombie = new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  return { parent, zombie: () => zombie };
}

/** Each test can run alone (vitest -t): makes the cluster if an earlier test has not. */
async function ensureCluster(): Promise<void> {
  if (await fs.stat(path.join(pgDir(), 'PG_VERSION')).catch(() => undefined)) return;
  expect((await migrateWithCli()).code).toBe(0);
}

async function writeStalePidFile(pid: number): Promise<void> {
  // The layout PostgreSQL writes: pid, data directory, start time, port, socket dir, address, shm key, status.
  await fs.writeFile(path.join(pgDir(), 'postmaster.pid'), `${pid}\n${pgDir()}\n1700000000\n5999\n\n127.0.0.1\n  5432001     0\nready   \n`);
}

describe('embedded PostgreSQL after crashes', () => {
  it('every start works the first time after SIGKILLs of Node, the postmaster and the backends at random moments', async () => {
    const result = await runCrashTrials({ count: 3, dataDir: dir });
    expect(result.failures, JSON.stringify(result.failures, null, 1)).toEqual([]);
    expect(result.succeeded).toBe(3);
    expect(result.leftAfterCleanExit).toBe(0);
    // The generated password lives inside the data directory, readable by its owner only.
    expect((await fs.stat(path.join(pgDir(), PASSWORD_FILE))).mode & 0o777).toBe(0o600);
  }, 600_000);

  it('a stale postmaster.pid naming a dead pid, a zombie or another live program does not stop the CLI', async () => {
    await ensureCluster();
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore', cwd: '/', ...sameUserAsServer() });
    const { parent, zombie } = zombieParent();
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    try {
      const stalePids = [sleeper.pid!, await zombie(), dead.pid!];
      expect(stalePids).toHaveLength(3);
      for (const pid of stalePids) {
        await writeStalePidFile(pid);
        const run = await migrateWithCli();
        expect(run.stderr, `stale pid ${pid}`).toBe('');
        expect(run.code, `stale pid ${pid}`).toBe(0);
        expect(run.stdout).toContain('Database is up to date.');
        // The CLI started this server itself, so it stopped it again.
        expect(postgresProcesses(pgDir())).toEqual([]);
      }
    } finally {
      sleeper.kill('SIGKILL');
      parent.kill('SIGKILL');
    }
  }, 300_000);

  it('a cluster made with the old fixed password still starts', async () => {
    const demo = startDemo(dir);
    expect(await demo.outcome).toBe('ready');
    const server = livePostmaster(pgDir());
    const password = (await fs.readFile(path.join(pgDir(), PASSWORD_FILE), 'utf8')).trim();
    const client = new pg.Client({ host: '127.0.0.1', port: server?.port, user: 'skm', password, database: 'postgres' });
    await client.connect();
    await client.query(`ALTER ROLE skm PASSWORD 'skm-local'`);
    await client.end();
    demo.child.stdin.end();
    expect((await demo.exit).code).toBe(0);
    await fs.rm(path.join(pgDir(), PASSWORD_FILE));
    const run = await migrateWithCli();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 180_000);

  it('a server orphaned by a killed bot is adopted by the next start and stopped when it ends', async () => {
    const first = startDemo(dir);
    expect(await first.outcome).toBe('ready');
    first.child.kill('SIGKILL');
    await first.exit;
    const orphan = livePostmaster(pgDir());
    expect(orphan).toBeDefined();
    const second = startDemo(dir);
    expect(await second.outcome).toBe('ready');
    expect(livePostmaster(pgDir())?.pid).toBe(orphan?.pid);
    second.child.stdin.end();
    expect((await second.exit).code).toBe(0);
    expect(postgresProcesses(pgDir())).toEqual([]);
  }, 180_000);

  it('the CLI shares the server of a running demo and leaves it running; the demo stops it at the end', async () => {
    const demo = startDemo(dir);
    try {
      expect(await demo.outcome).toBe('ready');
      const server = livePostmaster(pgDir());
      const run = await migrateWithCli();
      expect(run.code).toBe(0);
      expect(livePostmaster(pgDir())?.pid).toBe(server?.pid);
      demo.child.stdin.end();
      expect((await demo.exit).code).toBe(0);
      expect(postgresProcesses(pgDir())).toEqual([]);
    } finally {
      demo.child.kill('SIGKILL');
    }
  }, 180_000);

  it('closing the terminal (SIGHUP) of the demo stops its PostgreSQL', async () => {
    const demo = startDemo(dir);
    expect(await demo.outcome).toBe('ready');
    expect(livePostmaster(pgDir())).toBeDefined();
    demo.child.kill('SIGHUP');
    const exit = await demo.exit;
    expect(exit.signal).toBeNull();
    expect(postgresProcesses(pgDir())).toEqual([]);
  }, 120_000);

  it('a hang-up (SIGHUP) of the Telegram bot shuts it down in order and stops its PostgreSQL', async () => {
    const fake = await FakeBotApi.start({ maxPollMs: 100 });
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'start.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env(),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        SEED_DEMO: 'true',
        LOG_LEVEL: 'info',
        PORT: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let logs = '';
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await fake.waitForCall('getUpdates', () => true, 60_000);
      expect(livePostmaster(pgDir())).toBeDefined();
      child.kill('SIGHUP');
      expect(await exited).toBe(0);
      expect(logs).toContain('"reason":"SIGHUP"');
      expect(postgresProcesses(pgDir())).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await fake.close();
    }
  }, 120_000);
});
