// Runs the project's own entry points as child processes, as a user would.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** A TypeScript file of the project run with tsx, as its own process. */
export function runTs(script: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(TSX, [path.resolve(ROOT, script), ...args], script, options);
}

/**
 * The `skm` command as an operator runs it (`npm run skm -- …`, the package's bin): bin/skm.js on
 * the dist/ bundle, which the test run's global setup builds once.
 */
export function runSkm(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [path.join(ROOT, 'bin', 'skm.js'), ...args], 'skm', options);
}

/** `npm start`'s entry point (bin/start.js) run to its end as its own process, with `nodeArgs` for Node. */
export function runStart(nodeArgs: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [...nodeArgs, path.join(ROOT, 'bin', 'start.js')], 'bin/start.js', options);
}

function run(command: string, argv: string[], script: string, options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `npm start`'s entry point (bin/start.js) running as its own process, as an operator runs it. */
export interface RunningBot {
  child: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stderr (its JSON log lines) so far. */
  logs(): string;
  /** Its log lines parsed (lines that are not JSON are skipped). */
  records(): Record<string, unknown>[];
  /** Resolves with the exit code (or the signal's name) when it ends. */
  exited: Promise<number | string | null>;
  /** Waits for a log line matching `pattern` (fails after `timeoutMs`, or if the process ends first). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGKILL if still running (for `finally`). */
  kill(): void;
}

export function startBot(env: Record<string, string | undefined>): RunningBot {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, LOG_LEVEL: 'info', ...env })) if (v !== undefined) merged[k] = v;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'start.js')], { cwd: ROOT, env: merged, stdio: ['pipe', 'pipe', 'pipe'] });
  let logs = '';
  const listeners = new Set<() => void>();
  child.stderr.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stdout.resume();
  let ended = false;
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('close', (code, signal) => {
      ended = true;
      for (const listener of listeners) listener();
      resolve(code ?? signal);
    }),
  );
  return {
    child,
    logs: () => logs,
    records: () =>
      logs
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    exited,
    waitForLog(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = logs.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            done();
            resolve(line);
          } else if (ended) {
            done();
            reject(new Error(`the bot exited before logging ${pattern}\n${logs}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms\n${logs}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    kill() {
      if (!ended) child.kill('SIGKILL');
    },
  };
}
