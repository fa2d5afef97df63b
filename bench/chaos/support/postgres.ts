// PostgreSQL as the faults see it: the embedded server a bot started in <SKM_DATA_DIR>/postgres
// (found through its postmaster.pid, killed with its backends the way a power cut or the OOM
// killer would), and a server the harness owns and can stop and start again at will (an
// operator's PostgreSQL going down for maintenance).
import { PASSWORD_FILE } from '../../../src/db/pg-server.js';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type EmbeddedDb, freePort, startEmbeddedPostgres } from '../../../src/db/embedded.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A temporary folder the `postgres` OS user can reach (the embedded server runs as it under root). */
export async function tempDir(name: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `skm-chaos-${name}-`));
  await fs.chmod(dir, 0o755);
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** The postmaster's pid and port from `<dataDir>/postmaster.pid`, if the file exists. */
export function postmasterOf(dataDir: string): { pid: number; port: number } | undefined {
  try {
    const lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `pid` and every process below it (PostgreSQL's backends and helpers), from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const tree: number[] = [];
  const walk = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) walk(child);
  };
  walk(pid);
  return tree;
}

async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * SIGKILLs the embedded PostgreSQL of `dataDir`, leaving postmaster.pid behind as a power cut
 * does. `tree`: the postmaster and all its backends at once.
 * `postmaster`: the postmaster alone; its backends notice and exit by themselves a moment later
 * (what a supervisor that restarts the bot at once meets). Returns how many processes were killed.
 */
export async function killPostgres(dataDir: string, how: 'tree' | 'postmaster' = 'tree'): Promise<number> {
  // From the process list, not postmaster.pid: a stale file's pid may belong to anything by now.
  const postmasters = runningPostmasters(dataDir).map((p) => p.pid);
  const tree = how === 'tree' ? postmasters.flatMap((pid) => processTree(pid)) : postmasters;
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // No waiting for them to be reaped: a supervisor restarting the bot does not wait either.
  return tree.length;
}

/**
 * Asks every PostgreSQL running on `dataDir` for a fast shutdown (SIGINT) and waits for it; kills
 * what does not stop in time. Found through the process list (postmaster.pid may be stale).
 */
export async function stopPostgres(dataDir: string, timeoutMs = 20_000): Promise<void> {
  const pids = new Set(runningPostmasters(dataDir).map((p) => p.pid));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
  if (await waitGone([...pids], timeoutMs)) return;
  const trees = [...pids].flatMap((pid) => processTree(pid));
  for (const pid of trees) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitGone(trees, 10_000);
}

/**
 * Ports of the postmasters running on `dataDir`, from their command lines (`postgres -D <dir> -p
 * <port>`): the truth when postmaster.pid is stale.
 */
export function runningPostmasters(dataDir: string): { pid: number; port: number }[] {
  const found: { pid: number; port: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const d = args.indexOf('-D');
      const p = args.indexOf('-p');
      if (d >= 0 && p >= 0 && path.resolve(args[d + 1] ?? '') === path.resolve(dataDir))
        found.push({ pid: Number(entry), port: Number(args[p + 1]) });
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** The cluster's password: the file the bot keeps in its data dir (older clusters: the fixed one). */
function passwordOf(dataDir: string): string {
  try {
    return readFileSync(path.join(dataDir, PASSWORD_FILE), 'utf8').trim();
  } catch {
    return 'skm-local';
  }
}

/** URLs of the embedded server running on `dataDir` (the bot's own credentials), postmaster.pid's first. */
export function embeddedUrls(dataDir: string): string[] {
  const ports = [postmasterOf(dataDir)?.port, ...runningPostmasters(dataDir).map((p) => p.port)].filter((p): p is number => p !== undefined && p > 0);
  const password = passwordOf(dataDir);
  return [...new Set(ports)].map((port) => `postgresql://skm:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
}

/** The URL of the embedded server running on `dataDir`, from its postmaster.pid. */
export function embeddedUrl(dataDir: string): string {
  const [url] = embeddedUrls(dataDir);
  if (!url) throw new Error(`no PostgreSQL runs on ${dataDir}`);
  return url;
}

/** Runs `work` with a short-lived connection (the harness reads what the bot stored). */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL the harness owns, standing for an operator's server (DATABASE_URL): same data
 * and port across stop() and start(), so the bot's URL stays valid through an outage.
 */
export class ControlledPostgres {
  private server: EmbeddedDb | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly url: string,
  ) {}

  static async start(dataDir: string, database = 'skm'): Promise<ControlledPostgres> {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, database });
    const controlled = new ControlledPostgres(dataDir, port, first.url);
    controlled.server = first;
    return controlled;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port, database: 'postgres' });
  }
}
