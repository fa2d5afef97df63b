// Which PostgreSQL processes run on a data directory, read from the processes themselves (/proc on
// Linux) rather than from postmaster.pid: after a crash or a reboot that file may name a dead pid,
// a zombie, or a pid the kernel has given to an unrelated process. Also the small owner file that
// tells an orphaned server (its starter died) from one shared with a live skm-bot process.
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OWNER_FILE = 'skm-owner';

export interface PgProcess {
  pid: number;
  ppid: number;
  /** The postmaster itself; false for its backends and helpers ("postgres: checkpointer", ...). */
  postmaster: boolean;
  /** The -p argument of a postmaster started by this module. */
  port: number | undefined;
}

const onLinux = process.platform === 'linux';

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** State letter and parent of a process from /proc/<pid>/stat, or undefined when it is gone. */
export function procStat(pid: number): { state: string; ppid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** True while `pid` runs (a zombie has already ended; it only waits for its parent). */
export function isAlive(pid: number): boolean {
  if (onLinux) {
    const stat = procStat(pid);
    return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PostgreSQL processes (postmaster, backends, helpers) whose working directory is `dataDir`. */
export function postgresProcesses(dataDir: string): PgProcess[] {
  // Nothing runs in a folder that does not exist (a first start): the scan below is skipped then.
  if (!onLinux || !existsSync(dataDir)) return [];
  const dir = realpathOrSelf(dataDir);
  const found: PgProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      // A postmaster chdirs into its data directory, and so do the processes it forks. An exe
      // replaced on disk (npm ci while it runs) reads as "…/postgres (deleted)".
      if (readlinkSync(`/proc/${pid}/cwd`) !== dir) continue;
      if (path.basename(readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '')) !== 'postgres') continue;
      const stat = procStat(pid);
      if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const postmaster = !(argv[0] ?? '').startsWith('postgres:');
      const p = argv.indexOf('-p');
      const port = postmaster && p >= 0 ? Number(argv[p + 1]) : undefined;
      found.push({ pid, ppid: stat.ppid, postmaster, port: Number.isInteger(port) ? port : undefined });
    } catch {
      // Gone meanwhile, or another user's process: not one of ours.
    }
  }
  return found;
}

/** Fallback where /proc is not available: trust postmaster.pid while its pid answers kill(pid, 0). */
function postmasterFromPidFile(dataDir: string): PgProcess | undefined {
  const lines = readPidFile(dataDir);
  if (!lines) return undefined;
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, ppid: 0, postmaster: true, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

function readPidFile(dataDir: string): string[] | undefined {
  try {
    return readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
}

/** The postmaster running on `dataDir`, if any, with the port it listens on. */
export function livePostmaster(dataDir: string): { pid: number; port: number | undefined } | undefined {
  const found = onLinux ? postgresProcesses(dataDir).find((p) => p.postmaster) : postmasterFromPidFile(dataDir);
  if (!found) return undefined;
  let port = found.port;
  const lines = readPidFile(dataDir);
  if (lines && Number(lines[0]) === found.pid && Number(lines[3]) > 0) port = Number(lines[3]);
  return { pid: found.pid, port };
}

/**
 * Backends and helpers left behind by a postmaster that was killed. They keep its shared memory
 * attached, and a new postmaster refuses to start while they live.
 */
export function leftoverChildren(dataDir: string): number[] {
  const procs = postgresProcesses(dataDir);
  const postmasters = new Set(procs.filter((p) => p.postmaster).map((p) => p.pid));
  return procs.filter((p) => !p.postmaster && !postmasters.has(p.ppid)).map((p) => p.pid);
}

/**
 * Removes postmaster.pid when no postmaster runs on `dataDir`. PostgreSQL removes a stale file by
 * itself only when its pid is dead: a zombie or a reused pid makes it refuse to start.
 */
export function removeStalePidFile(dataDir: string): void {
  if (livePostmaster(dataDir)) return;
  rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
}

export interface Owner {
  pid: number;
  startTime: string;
}

/** This process as an owner: its pid and start time, so that a reused pid is not taken for it. */
export function self(): Owner {
  return { pid: process.pid, startTime: procStat(process.pid)?.startTime ?? '' };
}

/** The skm-bot process that started (or adopted) the server, when it still runs. */
export function liveOwner(dataDir: string): Owner | undefined {
  let owner: Owner;
  try {
    const [pid, startTime] = readFileSync(path.join(dataDir, OWNER_FILE), 'utf8').trim().split(' ');
    owner = { pid: Number(pid), startTime: startTime ?? '' };
  } catch {
    return undefined;
  }
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !isAlive(owner.pid)) return undefined;
  if (onLinux && procStat(owner.pid)?.startTime !== owner.startTime) return undefined; // pid reused
  return owner;
}

export function writeOwner(dataDir: string, owner: Owner = self()): void {
  writeFileSync(path.join(dataDir, OWNER_FILE), `${owner.pid} ${owner.startTime}\n`, { mode: 0o600 });
}

/** Forgets the owner file if it still names `owner`. */
export function clearOwner(dataDir: string, owner: Owner = self()): void {
  try {
    const [pid] = readFileSync(path.join(dataDir, OWNER_FILE), 'utf8').trim().split(' ');
    if (Number(pid) === owner.pid) rmSync(path.join(dataDir, OWNER_FILE), { force: true });
  } catch {
    // no owner file
  }
}
