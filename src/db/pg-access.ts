// Who runs the embedded PostgreSQL, and can that user reach its files? PostgreSQL refuses to run
// as root, so a root process (a container, a server run as root) runs it as the `postgres` user,
// who needs to traverse every folder above the data directory and above the binaries in
// node_modules. Fixes that only touch our own folders are made; anything else stops start-up with
// an EmbeddedSetupError whose one-line message names the fix (the entry points exit with 78).
import { execFileSync } from 'node:child_process';
import { chownSync, readFileSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** EX_CONFIG from sysexits.h: the program cannot run as configured. */
export const EX_CONFIG = 78;

/** The embedded PostgreSQL cannot run here as configured; the message says what to change. */
export class EmbeddedSetupError extends Error {
  override name = 'EmbeddedSetupError';
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const FIXES = 'run skm-bot as a normal user, or set SKM_DATA_DIR to a folder the postgres user can reach (e.g. /var/lib/skm), or set DATABASE_URL';

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function idOf(args: string[]): string {
  return execFileSync('id', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The user's entry in /etc/passwd (name:password:uid:gid:...), where useradd puts system users. */
function passwdEntry(name: string): RunAs | undefined {
  let lines: string[];
  try {
    lines = readFileSync('/etc/passwd', 'utf8').split('\n');
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '')) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * /etc/passwd first: asking `id` costs two processes (about 40 ms of a cold start, run before
 * initdb can begin); `id` also finds users that come from elsewhere (LDAP, systemd-userdb).
 */
export function lookupUser(name: string): RunAs | undefined {
  const local = passwdEntry(name);
  if (local) return local;
  try {
    return { name, uid: Number(idOf(['-u', name])), gid: Number(idOf(['-g', name])) };
  } catch {
    return undefined;
  }
}

function postgresUser(): RunAs {
  const found = lookupUser('postgres');
  if (found) return found;
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  } catch {
    // reported below
  }
  const created = lookupUser('postgres');
  if (!created)
    throw new EmbeddedSetupError(`skm-bot runs as root and could not create the user "postgres" that runs PostgreSQL: create it, or ${FIXES}.`);
  return created;
}

/**
 * Can `who` search (traverse) a folder? Mode bits as the kernel checks them without ACLs; only the
 * primary group counts, since Node drops supplementary groups when it spawns as another user.
 */
function canTraverse(stats: Stats, who: RunAs): boolean {
  if (stats.uid === who.uid) return (stats.mode & 0o100) !== 0;
  if (stats.gid === who.gid) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

/** The first folder from / down to `dir` (inclusive) that `who` cannot traverse. */
function blockedFolder(dir: string, who: RunAs): string | undefined {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const folder = path.sep + parts.slice(0, i).join(path.sep);
    if (!canTraverse(statSync(folder), who)) return folder;
  }
  return undefined;
}

function chownTree(dir: string, who: RunAs): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink()) execChown(file, who);
  }
  execChown(dir, who);
}

function execChown(file: string, who: RunAs): void {
  try {
    chownSync(file, who.uid, who.gid);
  } catch (error) {
    throw new EmbeddedSetupError(`could not give ${file} to the user "${who.name}" (${(error as NodeJS.ErrnoException).code}): ${FIXES}.`);
  }
}

/**
 * Decides who runs PostgreSQL for `dataDir` (undefined: this process's own user) and makes sure
 * that user can reach the binaries in `binDir` and the data directory, fixing what is ours to fix:
 * the data directory is given to the postgres user, and the folder that holds it (the operator's
 * SKM_DATA_DIR, e.g. one made with `mktemp -d`, mode 700) gets group traverse for that user.
 */
export async function prepareAccess(dataDir: string, binDir: string): Promise<RunAs | undefined> {
  if (!isRoot()) return undefined;
  const who = postgresUser();
  const bins = realpathSync(binDir);
  const blockedBin = blockedFolder(bins, who);
  if (blockedBin) {
    throw new EmbeddedSetupError(
      `PostgreSQL runs as the user "postgres", who cannot enter ${blockedBin} to reach its programs in node_modules: install skm-bot outside that folder (e.g. /opt/skm-bot) and run it as a normal user, or set DATABASE_URL.`,
    );
  }
  const parent = path.dirname(dataDir);
  await fs.mkdir(parent, { recursive: true });
  const above = blockedFolder(path.dirname(parent), who);
  if (above)
    throw new EmbeddedSetupError(`PostgreSQL runs as the user "postgres", who cannot enter ${above} (above the data folder ${parent}): ${FIXES}.`);
  const parentStats = statSync(parent);
  if (!canTraverse(parentStats, who)) {
    // Group traverse only (no listing): the least that lets PostgreSQL reach its own folder. Only on
    // a folder that gives its group nothing, so no one else's access changes.
    if (parentStats.uid !== 0 || (parentStats.mode & 0o070) !== 0) {
      throw new EmbeddedSetupError(`PostgreSQL runs as the user "postgres", who cannot enter the data folder ${parent}: ${FIXES}.`);
    }
    execChown(parent, { ...who, uid: 0 });
    await fs.chmod(parent, (parentStats.mode & 0o7777) | 0o010);
  }
  const dataStats = statSync(dataDir, { throwIfNoEntry: false });
  if (dataStats && dataStats.uid !== who.uid) {
    if (dataStats.uid !== 0) {
      throw new EmbeddedSetupError(
        `the data directory ${dataDir} belongs to uid ${dataStats.uid}, not to the user "postgres" that runs PostgreSQL as root: run skm-bot as that user, or give the folder to postgres (chown -R postgres:postgres ${dataDir}).`,
      );
    }
    // Made by root (mkdir, mktemp -d, a restored copy): PostgreSQL only runs on a data directory it owns.
    chownTree(dataDir, who);
  }
  return who;
}
