// Database capability: connection (external or embedded PostgreSQL), migrations, leases.
import path from 'node:path';
import type { Logger } from '../log.js';
import { type Db, createDb, sqlOf } from './client.js';
import { type EmbeddedDb, type EmbeddedLaunch, launchEmbeddedPostgres } from './embedded.js';
import { migrate, readMigrations } from './migrate.js';

export type { Db, Tx } from './client.js';
export { createDb } from './client.js';
export { migrate, MigrationError } from './migrate.js';
export { startEmbeddedPostgres, freePort } from './embedded.js';

/** Statements that run side by side right after the database opens (see createApp: the questionnaire, the pseudonym key, the demo seed). */
const CONNECTIONS_AT_START = 3;

export interface Database {
  db: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Starts the zero-config PostgreSQL in `<dataDir>/postgres`. */
export function launchEmbeddedFor(dataDir: string, log?: Logger): Promise<EmbeddedLaunch> {
  const dir = path.join(dataDir, 'postgres');
  log?.info({ dataDir: dir }, 'DATABASE_URL not set: starting embedded PostgreSQL');
  return launchEmbeddedPostgres({ dataDir: dir, onLog: (line) => log?.debug({ pg: line.trim() }, 'postgres') });
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in `<dataDir>/postgres` when it is
 * unset; applies pending migrations either way.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  log: Logger;
  /** An embedded PostgreSQL already starting (see launchEmbeddedPostgres), used instead of starting one. */
  embedded?: EmbeddedLaunch | undefined;
}): Promise<Database> {
  let embedded: EmbeddedDb | undefined;
  let url = options.databaseUrl;
  let launch = options.embedded;
  if (!url) {
    launch ??= await launchEmbeddedFor(options.dataDir, options.log);
    url = launch.url;
  }
  // Prisma's runtime and its query compiler (a WebAssembly module) load at the first Prisma query,
  // not here (see lazy-prisma.ts): about 230 ms of CPU that would compete with a first start's
  // initdb, and the citizen's path runs on plain SQL (sql.ts), so the terminal demo never needs them.
  const db = createDb(url, options.poolSize);
  // Read while the server starts, not after.
  const files = readMigrations();
  files.catch(() => {});
  try {
    // A cluster made just now takes its migrations while its files are still being written to
    // disk, and is handed over (ready) once they are: see launchEmbeddedPostgres.
    if (launch) await launch.answering;
    // The migrations run on the connection that found a server we started answering: a new
    // server's first connection is its slowest (about 50 ms), and that one has been paid.
    const probe = launch?.takeConnection();
    // A few of the pool's connections log in while the migrations run, on the other core, so that
    // the statements right after them do not each wait for a login (about 20 ms each).
    const opening = sqlOf(db)
      .connectAll(CONNECTIONS_AT_START)
      .catch(() => {});
    const result = await migrate(url, undefined, { client: probe, files }).finally(() => probe?.end().catch(() => {}));
    if (launch) embedded = await launch.ready;
    await opening;
    if (result.applied.length > 0) options.log.info({ applied: result.applied }, 'database migrated');
  } catch (error) {
    await db.$disconnect().catch(() => {});
    await (embedded ?? (await launch?.ready.catch(() => undefined)))?.stop();
    throw error;
  }
  return {
    db,
    url,
    embedded: embedded !== undefined,
    async close() {
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
export { acquireLease, renewLease, releaseLease, leaseHolder } from './lease.js';
