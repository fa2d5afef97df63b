// npm start launches the embedded PostgreSQL before it loads its modules, and loads them once
// initdb (or the server) runs: `underway`. It asks the new server for an answer as soon as the
// server logs that it is ready, and otherwise on a schedule: never in a busy loop.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchEmbeddedPostgres, waitForAnswer } from '../../src/db/embedded.js';
import { PASSWORD_FILE } from '../../src/db/pg-server.js';
import { queryOnce } from '../support/db.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('skm-launch-');

describe('launching the embedded PostgreSQL', () => {
  it('is underway once initdb runs, before the cluster exists; then ready at the URL it promised', async () => {
    const parent = await tempDir();
    const dataDir = path.join(parent, 'postgres');
    const launch = await launchEmbeddedPostgres({ dataDir });
    await launch.underway;
    // initdb fills a private folder that is renamed into place when it has finished.
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);
    const working = (await fs.readdir(parent)).filter((name) => name.startsWith(`.skm-init-${process.pid}-`));
    expect(working).toHaveLength(1);
    const db = await launch.ready;
    try {
      expect(db.url).toBe(launch.url);
      expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
      // Its own password: 24 random bytes, in the URL and in a file only its owner reads.
      const password = (await fs.readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(decodeURIComponent(new URL(db.url).password)).toBe(password);
      // initdb ran with less shared memory; the server has what initdb chose for it (its connections
      // are set on its command line: 60).
      const conf = await fs.readFile(path.join(dataDir, 'postgresql.conf'), 'utf8');
      expect(conf).toMatch(/^shared_buffers = 2MB\b/m);
      expect(conf).toMatch(/^max_connections = 20\b/m);
      const chosen = /^shared_buffers = (\d+[kMG]B)\nmax_connections = \d+\n$/m.exec(conf);
      expect(chosen?.[1]).toBeDefined();
      expect(chosen![1]).not.toBe('2MB');
      expect((await queryOnce(db.url, 'SHOW shared_buffers'))[0]).toEqual({ shared_buffers: chosen![1] });
    } finally {
      await db.stop();
    }
    // A second launch on the stopped cluster is underway with its server, and ready as well.
    const again = await launchEmbeddedPostgres({ dataDir });
    await again.underway;
    const db2 = await again.ready;
    await db2.stop();
  });

  it('hands the connection that found a new server answering to whoever takes it at once, and ends it otherwise', async () => {
    const dataDir = path.join(await tempDir(), 'postgres');
    const launch = await launchEmbeddedPostgres({ dataDir });
    await launch.answering;
    const connection = launch.takeConnection();
    expect(connection).toBeDefined();
    // Taken once: the second taker gets nothing.
    expect(launch.takeConnection()).toBeUndefined();
    const db = await launch.ready;
    try {
      // Still open after the launch is ready: it is the taker's now.
      const { rows } = await connection!.query<{ data_directory: string }>('SHOW data_directory');
      expect(rows[0]!.data_directory).toBe(await fs.realpath(dataDir));
      await connection!.end();
    } finally {
      await db.stop();
    }

    // Not taken by the time the launch is ready (a start on the existing cluster): ended then.
    const again = await launchEmbeddedPostgres({ dataDir });
    const db2 = await again.ready;
    try {
      expect(again.takeConnection()).toBeUndefined();
      const clients = async () =>
        (await queryOnce(db2.url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend'`))[0]!.n;
      // Only the connection that asks is left (the launch's own goes away as it ends).
      const deadline = Date.now() + 5_000;
      while ((await clients()) !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await clients()).toBe(1);
    } finally {
      await db2.stop();
    }
  });

  it('asks again at once when the server says it is ready, and then keeps to its schedule', async () => {
    // A port that takes connections and drops them: every question fails, as a server still
    // starting would. The "server" has already said it is ready, so only the first pause is skipped.
    let attempts = 0;
    const server = net.createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const fake = { child: { pid: process.pid } as ChildProcess, lastLines: () => '', saysReady: Promise.resolve() };
      const answer = await waitForAnswer(port, 'secret', await tempDir(), fake, 500);
      const elapsed = Date.now() - started;
      expect(answer.ok).toBe(false);
      expect(attempts).toBeGreaterThanOrEqual(2);
      // Pauses of 10, 20, 40, 80 and then 100 ms, one of them skipped: at most one question more than
      // the pauses that fit in the time it took.
      expect(attempts).toBeLessThanOrEqual(3 + Math.ceil(elapsed / 100));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
