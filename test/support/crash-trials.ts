// Crash trials: `npm start`'s entry point (bin/start.js, the terminal demo on the embedded
// PostgreSQL) is started again and again on one data folder, and each run is ended by SIGKILL at a
// random moment, of Node alone, of Node and the postmaster, or of Node, the postmaster and every
// backend, in a random order: what a power cut or the OOM killer leaves behind. Every start must
// work the first time. `npm test` runs a few trials; bench/crash-restart.ts runs as many as asked.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { postgresProcesses } from '../../src/db/pg-procs.js';
import { ROOT } from './run.js';

export type KillMode = 'node' | 'node+postmaster' | 'everything';

export interface TrialOptions {
  /** How many checked starts (each after a SIGKILL crash) must reach the demo's first answer. */
  count: number;
  /** A folder that is reused (and left in place); a fresh temp folder by default. */
  dataDir?: string;
  seed?: number;
  /** How long one start may take to answer. */
  readyTimeoutMs?: number;
  onProgress?: (line: string) => void;
}

export interface TrialFailure {
  start: number;
  after: KillMode | 'first start';
  code: number | null;
  signal: string | null;
  stderr: string;
}

export interface TrialResult {
  succeeded: number;
  /** Starts killed at a random moment before they answered (every other start is one of these). */
  interrupted: number;
  failures: TrialFailure[];
  kills: Record<KillMode, number>;
  /** PostgreSQL processes still on the data folder after a last clean start and exit. */
  leftAfterCleanExit: number;
  readyMs: number[];
  seed: number;
}

/** A small seeded generator (mulberry32), so a failing series can be replayed with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Run {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** 'ready' once the demo answered from the database, 'exited' if the process ended first. */
  outcome: Promise<'ready' | 'exited'>;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

export function startDemo(dataDir: string): Run {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', TELEGRAM_BOT_TOKEN: '', WHATSAPP_ENABLED: 'false', SKM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const outcome = new Promise<'ready' | 'exited'>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // The unit's name comes from the database: the demo answered after its start-up.
      if (out.includes('Samsat')) resolve('ready');
    });
    void exit.then(() => resolve('exited'));
  });
  // A citizen opens the chat right away; the demo answers once the database is up.
  child.stdin.write('/start u_SAMSAT\n');
  return { child, stderr: () => err, outcome, exit };
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** SIGKILLs Node and, depending on `mode`, the postmaster and the backends, in a shuffled order. */
async function crash(run: Run, dataDir: string, mode: KillMode, next: () => number): Promise<void> {
  const procs = postgresProcesses(path.join(dataDir, 'postgres'));
  const victims = [run.child.pid ?? 0];
  if (mode !== 'node') victims.push(...procs.filter((p) => p.postmaster).map((p) => p.pid));
  if (mode === 'everything') victims.push(...procs.filter((p) => !p.postmaster).map((p) => p.pid));
  for (let i = victims.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [victims[i], victims[j]] = [victims[j]!, victims[i]!];
  }
  for (const pid of victims) kill(pid);
  await run.exit;
}

export async function runCrashTrials(options: TrialOptions): Promise<TrialResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const next = random(seed);
  const log = options.onProgress ?? (() => {});
  const own = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'skm-crash-')));
  // As root the postgres user must traverse it (mkdtemp makes it 700).
  if (own) await fs.chmod(dataDir, 0o755);
  const result: TrialResult = {
    succeeded: 0,
    interrupted: 0,
    failures: [],
    kills: { node: 0, 'node+postmaster': 0, everything: 0 },
    leftAfterCleanExit: 0,
    readyMs: [],
    seed,
  };
  const modes: KillMode[] = ['node', 'node+postmaster', 'everything'];
  let previous: KillMode | 'first start' = 'first start';
  let typicalMs = 3_000;
  try {
    // Odd starts are killed at a random moment, answered or not (during initdb, recovery, migrations,
    // or while idle); even starts must answer, and are then killed a moment later.
    for (let start = 1; start <= options.count * 2; start++) {
      const checked = start % 2 === 0;
      const began = Date.now();
      const run = startDemo(dataDir);
      const killAt = checked ? Infinity : next() * typicalMs * 1.5;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'kill' | 'timeout'>((resolve) => {
        timer = setTimeout(() => resolve(checked ? 'timeout' : 'kill'), checked ? (options.readyTimeoutMs ?? 90_000) : killAt);
      });
      const outcome = await Promise.race([run.outcome, deadline]);
      clearTimeout(timer);
      if (outcome === 'ready') {
        const ms = Date.now() - began;
        if (checked) {
          result.succeeded++;
          result.readyMs.push(ms);
          typicalMs = ms;
          await sleep(next() * 500);
        } else await sleep(Math.max(0, killAt - ms));
      } else if (outcome === 'kill') {
        result.interrupted++;
      } else {
        const exit = outcome === 'timeout' ? { code: null, signal: 'timeout' } : await run.exit;
        result.failures.push({ start, after: previous, ...exit, stderr: run.stderr() });
        log(`start ${start} after ${previous}: FAILED (${exit.signal ?? exit.code}) ${run.stderr().trim().split('\n').slice(-2).join(' ')}`);
      }
      const mode = modes[Math.floor(next() * modes.length)]!;
      await crash(run, dataDir, mode, next);
      result.kills[mode]++;
      log(`start ${start} after ${previous}: ${outcome} at ${Date.now() - began} ms, then SIGKILL ${mode}`);
      previous = mode;
    }
    // One last start that ends cleanly must leave no PostgreSQL behind, orphans included.
    const last = startDemo(dataDir);
    if ((await last.outcome) !== 'ready') result.failures.push({ start: 0, after: previous, ...(await last.exit), stderr: last.stderr() });
    last.child.stdin.end();
    await last.exit;
    result.leftAfterCleanExit = postgresProcesses(path.join(dataDir, 'postgres')).length;
  } finally {
    for (const p of postgresProcesses(path.join(dataDir, 'postgres'))) kill(p.pid);
    if (own) await fs.rm(dataDir, { recursive: true, force: true });
  }
  return result;
}
