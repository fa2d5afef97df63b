// A new cluster's files go to disk beside its server's start instead of inside initdb, and the
// start resolves only once they are there. A cluster the machine went down with before that (its
// mark names an earlier boot) is made anew; one marked in this boot (skm-bot died, the machine did
// not) is written out and kept.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { launchEmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { openDatabase } from '../../src/db/index.js';
import type * as pgServer from '../../src/db/pg-server.js';
import { UNSYNCED_FILE, bootId } from '../../src/db/pg-server.js';
import { createLogger } from '../../src/log.js';
import { queryOnce as sql } from '../support/db.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('skm-sync-');

// The writing out, slowed down where a test says so: the start must wait for it however long it takes.
const slowSync = vi.hoisted(() => ({ ms: 0 }));
vi.mock('../../src/db/pg-server.js', async (importOriginal) => {
  const original = await importOriginal<typeof pgServer>();
  return {
    ...original,
    syncCluster: async (...args: Parameters<typeof original.syncCluster>) => {
      await new Promise((resolve) => setTimeout(resolve, slowSync.ms));
      return original.syncCluster(...args);
    },
  };
});
afterEach(() => {
  slowSync.ms = 0;
});

/** A stopped cluster with a table `kept` holding one row, made the way every start makes one. */
async function clusterWithRow(): Promise<string> {
  const dataDir = path.join(await tempDir(), 'postgres');
  const db = await startEmbeddedPostgres({ dataDir });
  try {
    await sql(db.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
  } finally {
    await db.stop();
  }
  return dataDir;
}

/** Marks the cluster as not yet all on disk, as initdb leaves it, in the boot named. */
async function mark(dataDir: string, boot: string): Promise<void> {
  await fs.writeFile(path.join(dataDir, UNSYNCED_FILE), `${boot}\n`, { mode: 0o600 });
}

const linux = bootId() !== undefined;

describe.runIf(linux)("a new embedded cluster's files go to disk beside the server's start", () => {
  it('initdb skips its own sync; the files are written out before the start resolves, and the mark is gone', async () => {
    const dataDir = path.join(await tempDir(), 'postgres');
    const lines: string[] = [];
    let answeredWith: boolean | undefined;
    const db = await startEmbeddedPostgres({
      dataDir,
      onLog: (line) => lines.push(line),
      onAnswering: () => (answeredWith = existsSync(path.join(dataDir, 'PG_VERSION'))),
    });
    try {
      expect(lines.join('')).toContain('Sync to disk skipped');
      expect(lines.join('')).toContain('syncing data to disk');
      expect(answeredWith).toBe(true);
      expect(existsSync(path.join(dataDir, UNSYNCED_FILE))).toBe(false);
      expect(await sql(db.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.stop();
    }
    // A later start of the same cluster has nothing to write out.
    const later: string[] = [];
    const again = await startEmbeddedPostgres({ dataDir, onLog: (line) => later.push(line) });
    await again.stop();
    expect(later.join('')).not.toContain('syncing data to disk');
  });

  it('makes anew a cluster still marked from an earlier boot: the machine went down before its files were written', async () => {
    const dataDir = await clusterWithRow();
    await mark(dataDir, 'an-earlier-boot');
    const db = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await sql(db.url, "SELECT to_regclass('kept') IS NULL AS gone")).toEqual([{ gone: true }]);
      expect(existsSync(path.join(dataDir, UNSYNCED_FILE))).toBe(false);
    } finally {
      await db.stop();
    }
  });

  it('keeps a cluster marked in this boot (skm-bot stopped, the machine did not) and writes it out', async () => {
    const dataDir = await clusterWithRow();
    await mark(dataDir, bootId()!);
    const lines: string[] = [];
    const db = await startEmbeddedPostgres({ dataDir, onLog: (line) => lines.push(line) });
    try {
      expect(await sql(db.url, 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
      expect(lines.join('')).toContain('syncing data to disk');
      expect(existsSync(path.join(dataDir, UNSYNCED_FILE))).toBe(false);
    } finally {
      await db.stop();
    }
  });

  it('waits for a slow writing out before it resolves', async () => {
    slowSync.ms = 1500;
    const dataDir = path.join(await tempDir(), 'postgres');
    const db = await startEmbeddedPostgres({ dataDir });
    try {
      expect(existsSync(path.join(dataDir, UNSYNCED_FILE))).toBe(false);
    } finally {
      await db.stop();
    }
  });

  it('migrates while the new cluster goes to disk, and opens the database once it is there', async () => {
    slowSync.ms = 1500;
    const parent = await tempDir();
    const launch = await launchEmbeddedPostgres({ dataDir: path.join(parent, 'postgres') });
    const order: string[] = [];
    void launch.answering.then(() => order.push('answering'));
    void launch.ready.then(() => order.push('ready'));
    const database = await openDatabase({ databaseUrl: undefined, dataDir: parent, poolSize: 2, log: createLogger('silent'), embedded: launch });
    try {
      expect(order).toEqual(['answering', 'ready']);
      expect(existsSync(path.join(parent, 'postgres', UNSYNCED_FILE))).toBe(false);
      expect((await sql(database.url, 'SELECT count(*)::int AS n FROM "_skm_migrations"'))[0]!.n).toBeGreaterThan(5);
    } finally {
      await database.close();
    }
  });
});

describe('a launch that fails', () => {
  it('rejects `answering` as well as `ready`: nothing waits forever', async () => {
    const file = path.join(await tempDir(), 'not-a-folder');
    await fs.writeFile(file, 'x');
    const launch = await launchEmbeddedPostgres({ dataDir: path.join(file, 'postgres') });
    await expect(launch.ready).rejects.toThrow();
    await expect(launch.answering).rejects.toThrow();
  });
});
