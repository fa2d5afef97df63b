// The real program as an operator runs it: `npm start`'s bin/start.js (same Node flags) in its own
// process, long polling against the fake Bot API. Each bot gets its own process group, so that a
// kill can take the bot alone (SIGKILL to its pid) or the bot with the embedded PostgreSQL it
// started (see postgres.ts). Its stderr is parsed as pino JSON lines, so that properties can count
// error-level lines; anything else on stderr (a crash's stack) is kept too.
import { readFileSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmStartNodeArgs } from '../../inbound.js';
import type { FakeBotApi } from '../../../test/support/fake-bot-api.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** pino's numeric levels: error is 50, fatal 60. */
export const ERROR_LEVEL = 50;

export interface LogLine {
  level: number;
  msg: string;
  /** The whole line, as printed (JSON for pino lines). */
  raw: string;
}

/** Every process group this run started, so that an interrupted run leaves nothing behind. */
const groups = new Set<number>();
process.once('exit', () => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Builds dist/ once (bin/start.js does it when a source changed) so that no trial pays for it. */
export async function buildOnce(): Promise<void> {
  const start = (await import(path.join(ROOT, 'bin', 'start.js'))) as { buildDist(): Promise<void> };
  await start.buildDist();
}

export interface LaunchOutcome {
  /** The bot, once it polls; undefined when it exited first. */
  bot: BotProcess | undefined;
  /** When it exited before polling: its exit code and the end of its stderr. */
  exit?: { code: number | null; signal: NodeJS.Signals | null; stderrTail: string };
}

export class BotProcess {
  readonly lines: LogLine[] = [];
  /** stderr lines that are not pino JSON (a crash's stack, Node warnings). */
  readonly otherStderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set by kill()/stop(): an exit the harness asked for. */
  private expectedExit = false;
  private buffer = '';

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => groups.delete(child.pid!));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        this.take(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
      }
    });
  }

  private take(line: string): void {
    if (line.trim() === '') return;
    try {
      const parsed = JSON.parse(line) as { level?: unknown; msg?: unknown };
      if (typeof parsed.level === 'number') {
        this.lines.push({ level: parsed.level, msg: typeof parsed.msg === 'string' ? parsed.msg : '', raw: line });
        return;
      }
    } catch {
      // not JSON
    }
    this.otherStderr.push(line);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True once the process ended without the harness asking (a crash). */
  /** Resident memory of the bot's process now, in MB (0 once it ended). */
  rssMb(): number {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      return kb ? Number(kb) / 1024 : 0;
    } catch {
      return 0;
    }
  }

  get crashed(): boolean {
    return this.child.exitCode !== null && !this.expectedExit;
  }

  errorLines(): LogLine[] {
    return this.lines.filter((l) => l.level >= ERROR_LEVEL);
  }

  /**
   * Starts bin/start.js with the fake Bot API's token and root plus `env`, and resolves once it
   * polls (its first getUpdates), or with its exit when it ends first or does not poll in time.
   */
  static async launch(fake: FakeBotApi, env: Record<string, string>, timeoutMs = 60_000): Promise<LaunchOutcome> {
    // Polling starts with getUpdates; webhook mode with setWebhook (then it takes POSTs).
    const polling = fake
      .waitForCall(env.TELEGRAM_WEBHOOK_URL ? 'setWebhook' : 'getUpdates', () => true, timeoutMs)
      .then(
        () => 'polling' as const,
        () => 'timeout' as const,
      );
    const child = spawn(process.execPath, [...npmStartNodeArgs(), path.join(ROOT, 'bin', 'start.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        LOG_LEVEL: 'info',
        // Officials' schedule and catch-up runs are not under test here and only add noise.
        SCHEDULER_ENABLED: 'false',
        // Health checks on any free port: several runs (or a test run beside) may share the machine.
        PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group: the embedded PostgreSQL it starts belongs to it.
      detached: true,
    });
    groups.add(child.pid!);
    const bot = new BotProcess(child);
    const outcome = await Promise.race([polling, bot.exited.then(() => 'exited' as const)]);
    if (outcome === 'polling' && child.exitCode === null) return { bot };
    if (outcome === 'timeout') await bot.kill();
    const { code, signal } = await bot.exited;
    // The reason is the plain line main.ts prints ("skm-bot could not start: ..."), else the last log line.
    const tail = [...bot.lines.map((l) => l.raw), ...bot.otherStderr].slice(-8).join('\n');
    return { bot: undefined, exit: { code, signal, stderrTail: tail } };
  }

  /** SIGKILL to the bot's process only: whatever it started (PostgreSQL) keeps running. */
  async kill(): Promise<void> {
    this.expectedExit = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an operator stops it; SIGKILL after `timeoutMs`. Resolves with the exit code. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    this.expectedExit = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
