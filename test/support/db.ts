// A fresh, migrated database per test file on the run's PostgreSQL (see global-setup.ts).
import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/** Runs `text` (one or more statements) on a connection of its own to `url`; the last statement's rows. */
export async function queryOnce(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  return inject('dbUrl');
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates an empty database (no migrations) and returns its URL. */
export async function createEmptyDatabase(prefix = 'skm_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = serverUrl();
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return {
    url: withDatabase(admin, name),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(poolSize = 5): Promise<TestDatabase> {
  const empty = await createEmptyDatabase();
  await migrate(empty.url);
  const db = createDb(empty.url, poolSize);
  return {
    url: empty.url,
    db,
    async drop() {
      await db.$disconnect();
      await empty.drop();
    },
  };
}
