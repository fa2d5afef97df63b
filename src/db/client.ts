// The Prisma client over node-postgres: Prisma 6.19.3 with the JS engine and a driver adapter, the
// combination that works offline (Prisma 7's CLI downloads a native engine; see README, Database).
// The pool is ours, so that the citizen's hot path can use it without Prisma (see sql.ts).
import type { Pool } from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import { lazyPrisma } from './lazy-prisma.js';
import pg from './pg.js';
import { Sql } from './sql.js';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const sqlOfDb = new WeakMap<Db, Sql>();

/** How long a statement waits for a pooled connection before it fails (the database counts as unavailable). */
const ACQUIRE_TIMEOUT_MS = 10_000;

export function createDb(databaseUrl: string, poolSize = 10): Db {
  // allowExitOnIdle: idle connections never keep a finished program (a CLI command) running.
  // pipeline: statements queued on one connection go out without waiting for the answers before
  // them (see sql.ts); Prisma, which awaits each statement, works the same on such a connection.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: ACQUIRE_TIMEOUT_MS,
    allowExitOnIdle: true,
    pipeline: true,
  });
  // An idle connection dropped by the server (a PostgreSQL restart) must not end the process: the
  // next statement gets a fresh connection, or an error that says the database is unavailable.
  pool.on('error', () => {});
  // `$disconnect()` ends the pool: it is this client's alone. Prisma's runtime loads at the
  // client's first query (see lazy-prisma.ts).
  const db = lazyPrisma(
    () => loadPrismaOver(pool),
    () => pool.end(),
  );
  sqlOfDb.set(db, new Sql(pool));
  return db;
}

/** Loads Prisma's runtime and makes its client over `pool`; the client's `$disconnect()` ends the pool. */
export async function loadPrismaOver(pool: Pool): Promise<PrismaClient> {
  const [{ PrismaPg }, { PrismaClient }] = await Promise.all([import('@prisma/adapter-pg'), import('../generated/prisma/client.js')]);
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

/** Plain SQL on the same pool as `db` (created by createDb). */
export function sqlOf(db: Db): Sql {
  const sql = sqlOfDb.get(db);
  if (!sql) throw new Error('sqlOf: this client was not created by createDb');
  return sql;
}
