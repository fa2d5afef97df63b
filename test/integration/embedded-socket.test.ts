// The embedded PostgreSQL is reached through a Unix socket in its data directory (a statement costs
// the bot about half the CPU of one over loopback TCP), and through 127.0.0.1 when the socket's
// path would be too long for the system; it never leaves a socket in /tmp.
import { existsSync, readdirSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { socketDirFor } from '../../src/db/pg-server.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('skm-socket-');

async function served(url: string): Promise<{ socketDirs: string; viaSocket: boolean }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ dirs: string; addr: string | null }>(
      `SELECT current_setting('unix_socket_directories') AS dirs, inet_server_addr()::text AS addr`,
    );
    // inet_server_addr() is null for a connection over a Unix socket.
    return { socketDirs: rows[0]!.dirs, viaSocket: rows[0]!.addr === null };
  } finally {
    await client.end();
  }
}

/** The inode of a file, or undefined when there is none. */
function inode(file: string): number | undefined {
  return existsSync(file) ? statSync(file).ino : undefined;
}

/** PostgreSQL sockets in /tmp by port, with their inodes. */
function tmpSockets(): Map<string, number | undefined> {
  const found = new Map<string, number | undefined>();
  for (const name of readdirSync('/tmp')) {
    const port = /^\.s\.PGSQL\.(\d+)$/.exec(name)?.[1];
    if (port !== undefined) found.set(port, inode(path.join('/tmp', name)));
  }
  return found;
}

describe('how the bot reaches its embedded PostgreSQL', () => {
  it('uses a Unix socket in the data directory, and none in /tmp', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const tmpSocketBefore = tmpSockets();
    const db = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
    try {
      const url = new URL(db.url);
      expect(url.searchParams.get('host')).toBe(dataDir);
      expect(await served(db.url)).toEqual({ socketDirs: dataDir, viaSocket: true });
      expect(existsSync(path.join(dataDir, `.s.PGSQL.${url.port}`))).toBe(true);
      // A server elsewhere on the machine may have left a socket of this port number in /tmp (a
      // killed plain PostgreSQL does): ours must not have made or replaced it.
      expect(inode(`/tmp/.s.PGSQL.${url.port}`)).toBe(tmpSocketBefore.get(url.port));
      // A second start on the running server (the CLI beside the bot) reaches it the same way.
      const shared = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
      expect(shared.url).toBe(db.url);
    } finally {
      await db.stop();
    }
  });

  it('uses 127.0.0.1 when the socket path would be too long, and the server has no socket at all', async () => {
    const deep = path.join(await tempDir(), 'a-folder-name-long-enough'.repeat(4), 'data');
    await fs.mkdir(path.dirname(deep), { recursive: true });
    expect(socketDirFor(deep, 54321)).toBeUndefined();
    const db = await startEmbeddedPostgres({ dataDir: deep, database: 'postgres' });
    try {
      expect(new URL(db.url).searchParams.has('host')).toBe(false);
      expect(await served(db.url)).toEqual({ socketDirs: '', viaSocket: false });
    } finally {
      await db.stop();
    }
  });

  it('keeps folder names the server setting cannot hold on TCP', () => {
    expect(socketDirFor('/srv/skm/data', 5432)).toBe('/srv/skm/data');
    for (const odd of ['/srv/skm,bot/data', '/srv/skm bot/data', '/srv/"skm"/data']) expect(socketDirFor(odd, 5432)).toBeUndefined();
  });
});
