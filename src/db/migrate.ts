// Applies prisma/migrations/*/migration.sql in name order. `prisma migrate deploy` cannot run
// through the pg driver adapter (prisma/orm#27403), so this small runner does its job: one
// transaction per migration, a checksum per applied file, and an advisory lock so that two
// instances starting together do not race.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client, QueryResult } from 'pg';
import pg from './pg.js';
import { MIGRATIONS_DIR } from '../paths.js';

export { MIGRATIONS_DIR };

/** Arbitrary constant: the advisory lock key of the migration runner. */
const LOCK_KEY = 725_301_117;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const sql = await fs.readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    const checksum = crypto.createHash('sha256').update(sql).digest('hex');
    files.push({ name, sql, checksum });
  }
  return files;
}

/** The names of the migrations this code ships (to check that a database has them all). */
export async function knownMigrations(dir = MIGRATIONS_DIR): Promise<string[]> {
  return (await readMigrations(dir)).map((m) => m.name);
}

/**
 * Applies the pending migrations; with `only`, just those of them named there (a restore first
 * recreates the schema a backup was made on, then applies the rest).
 */
export async function migrate(
  databaseUrl: string,
  dir = MIGRATIONS_DIR,
  options: {
    only?: ReadonlySet<string>;
    /** A connection to `databaseUrl`'s database to run on (left open), instead of a new one. */
    client?: Client | undefined;
    /** The migrations of `dir`, if they are being read already (readMigrations). */
    files?: Promise<MigrationFile[]> | undefined;
  } = {},
): Promise<MigrationResult> {
  const all = await (options.files ?? readMigrations(dir));
  const only = options.only;
  const migrations = only ? all.filter((m) => only.has(m.name)) : all;
  const client = options.client ?? new pg.Client({ connectionString: databaseUrl });
  if (!options.client) await client.connect();
  try {
    // One round trip: the lock (held by the session), the record's table, what it records.
    const results = (await client.query(`SELECT pg_advisory_lock(${LOCK_KEY});
      CREATE TABLE IF NOT EXISTS "_skm_migrations" (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );
      SELECT name, checksum FROM "_skm_migrations"`)) as unknown as QueryResult<{ name: string; checksum: string }>[];
    const done = results[2]!;
    const applied = new Map(done.rows.map((row) => [row.name, row.checksum]));
    const known = new Set(all.map((m) => m.name));
    for (const name of applied.keys()) {
      if (!known.has(name)) {
        throw new MigrationError(
          `The database has migration ${name}, which this version does not know. Is an older version running against a newer database?`,
        );
      }
    }
    const result: MigrationResult = { applied: [], alreadyApplied: 0 };
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied (checksum mismatch). Write a new migration instead of editing an applied one.`,
          );
        }
        result.alreadyApplied += 1;
        continue;
      }
      // One round trip per migration (a fresh database applies them all before its first prompt):
      // the file, its record and the COMMIT as one multi-statement query, which stops at the first
      // failing statement. Committed without waiting for the disk: a migration lost to a power cut
      // is lost with its record (the same transaction) and applied again at the next start, and
      // the next durable commit (any rating) flushes it anyway.
      const record = `INSERT INTO "_skm_migrations" (name, checksum) VALUES (${pg.escapeLiteral(migration.name)}, ${pg.escapeLiteral(migration.checksum)})`;
      try {
        await client.query(`BEGIN; SET LOCAL synchronous_commit = off;\n${migration.sql}\n;${record}; COMMIT`);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    if (!options.client) await client.end();
  }
}
