// Inbound benchmark: N simulated citizens complete surveys concurrently through the real bot
// (`npm start`'s bin/start.js in its own process, long polling, real telegraf) against the fake Bot API, on
// PostgreSQL. Each citizen waits for the bot's next question and, like a person, takes a moment
// before tapping (think time; 0 = tap at once, which measures capacity). The same crowd then
// drives two baselines, each its own process: a minimal durable bot (bench/durable-bot.ts: the
// same claim, state write and response row as ours in one transaction, by hand with node-postgres,
// then one sendMessage), and a bare telegraf bot (bench/bare-bot.ts) that stores nothing.
//
// Latency is measured at the fake server, from the moment a getUpdates answer hands an update to
// the bot until the bot's reply to it (the message the citizen waits for) arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEMO_UNITS } from '../src/admin/demo-seed.js';
import { Crowd, SURVEY_UPDATES } from '../test/support/crowd.js';
import { FakeBotApi } from '../test/support/fake-bot-api.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export { SURVEY_UPDATES };

export interface CrowdResult {
  citizens: number;
  completed: number;
  updates: number;
  seconds: number;
  surveysPerSecond: number;
  updatesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Peak resident memory of the bot's process (VmHWM), in MB. */
  peakRssMb: number;
  /** p50 and p95 of the first update (/start), the second (consent) and all later ones. */
  byStep: { label: string; p50: number; p95: number }[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** The demo MPP's units, which the simulated citizens rate in turn. */
export const UNITS = DEMO_UNITS.map((u) => u.code);

/**
 * Runs `citizens` simulated citizens at once (citizen i rates UNITS[i % UNITS.length]) and turns
 * what the crowd recorded into the figures every inbound benchmark prints, except memory.
 */
export async function driveCrowd(
  citizens: number,
  crowd: { readonly latencies: number[]; readonly latenciesByStep?: number[][]; readonly updates: number },
  citizen: (index: number, unit: string) => Promise<boolean>,
): Promise<Omit<CrowdResult, 'peakRssMb'>> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: citizens }, (_, i) =>
      citizen(i, UNITS[i % UNITS.length]!).catch((error: unknown) => {
        console.error(String(error));
        return false;
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const completed = results.filter(Boolean).length;
  const sorted = [...crowd.latencies].sort((a, b) => a - b);
  const steps = crowd.latenciesByStep ?? [];
  const group = (label: string, lists: number[][]) => {
    const all = lists.flat().sort((a, b) => a - b);
    return { label, p50: percentile(all, 50), p95: percentile(all, 95) };
  };
  const byStep = steps.length > 2 ? [group('/start', steps.slice(0, 1)), group('consent', steps.slice(1, 2)), group('later', steps.slice(2))] : [];
  return {
    byStep,
    citizens,
    completed,
    updates: crowd.updates,
    seconds,
    surveysPerSecond: completed / seconds,
    updatesPerSecond: crowd.updates / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The Node flags `npm start` runs the bot with (package.json's start script, e.g.
 * `--max-semi-space-size=4`), so that the benchmark measures the bot exactly as users run it.
 */
export function npmStartNodeArgs(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts.start ?? '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter((w) => w.startsWith('--'));
}

/** Starts a bot process (a plain .js entry point, run as `npm start` runs) and waits until it polls. */
async function startBotProcess(fake: FakeBotApi, script: string, env: Record<string, string>): Promise<ChildProcess> {
  const polling = fake.waitForCall('getUpdates', () => true, 60_000);
  // BENCH_NODE_ARGS passes flags to the bot's Node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = [...(script === 'bin/start.js' ? npmStartNodeArgs() : []), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const failed = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`))));
  await Promise.race([polling, failed]);
  return child;
}

async function runCrowd(script: string, env: Record<string, string>, citizens: number, thinkMs: number, firstChat: number): Promise<CrowdResult> {
  const fake = await FakeBotApi.start({ maxPollMs: 500 });
  const child = await startBotProcess(fake, script, env);
  try {
    const crowd = new Crowd(fake, thinkMs);
    const figures = await driveCrowd(citizens, crowd, (i, unit) => crowd.citizen(firstChat + i, unit));
    return { ...figures, peakRssMb: peakRssMb(child.pid) };
  } finally {
    await stopChild(child);
    await fake.close();
  }
}

let nextChat = 700_000_000;

/** Our bot: `src/main.ts` with the demo units on the given database. */
export function benchOurs(databaseUrl: string, citizens: number, thinkMs: number): Promise<CrowdResult> {
  const first = nextChat;
  nextChat += citizens;
  return runCrowd('bin/start.js', { DATABASE_URL: databaseUrl, SEED_DEMO: 'true' }, citizens, thinkMs, first);
}

/** Bundles a baseline bot like ours, so that both run on plain Node without a TypeScript loader. */
async function bundle(name: string): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [`bench/${name}.ts`],
    outfile: `bench/out/${name}.js`,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return `bench/out/${name}.js`;
}

/** The bare bot: one sendMessage per update, nothing stored. */
export async function benchBare(citizens: number, thinkMs: number): Promise<CrowdResult> {
  const first = nextChat;
  nextChat += citizens;
  return runCrowd(await bundle('bare-bot'), { BARE_CLOSING_AFTER: String(SURVEY_UPDATES - 1) }, citizens, thinkMs, first);
}

/**
 * The minimal durable bot (bench/durable-bot.ts) on the same database, which skm-bot must have
 * migrated and seeded with the demo units before (benchOurs does).
 */
export async function benchDurable(databaseUrl: string, citizens: number, thinkMs: number, tapCalls: 1 | 3 = 1): Promise<CrowdResult> {
  const first = nextChat;
  nextChat += citizens;
  const env = { DATABASE_URL: databaseUrl, DURABLE_CLOSING_AFTER: String(SURVEY_UPDATES - 1), DURABLE_TAP_CALLS: String(tapCalls) };
  return runCrowd(await bundle('durable-bot'), env, citizens, thinkMs, first);
}
