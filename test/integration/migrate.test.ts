// An upgrade whose migration fails leaves the database as it was: each migration runs in one
// transaction with its record, so the next start (or a fixed version) can simply try again.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from '../../src/db/migrate.js';
import { createEmptyDatabase } from '../support/db.js';

let database: { url: string; drop(): Promise<void> };
let dir: string;

beforeAll(async () => {
  database = await createEmptyDatabase('skm_migrate');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-migrations-'));
});

afterAll(async () => {
  await database?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('runs on a connection it is given and leaves it open, with the files it is given', async () => {
    const own = await createEmptyDatabase('skm_migrate_given');
    const client = new pg.Client({ connectionString: own.url });
    await client.connect();
    try {
      const files = readMigrations();
      const result = await migrate(own.url, undefined, { client, files });
      expect(result.applied).toEqual((await files).map((file) => file.name));
      expect(result.applied.length).toBeGreaterThan(5);
      // Still open, and it was this one that took the migration lock and let it go.
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_skm_migrations"`);
      expect(rows[0]!.n).toBe(result.applied.length);
      const locks = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
      );
      expect(locks.rows[0]!.n).toBe(0);
      expect(await migrate(own.url, undefined, { client })).toEqual({ applied: [], alreadyApplied: result.applied.length });
    } finally {
      await client.end();
      await own.drop();
    }
  });

  it('a failing migration leaves the schema, the data and the migration record unchanged', async () => {
    await migrate(database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO "Agency" (code, name, "updatedAt") VALUES ('KEEP', 'Sebelum', now())`);
      const record = async () => (await client.query<{ name: string }>('SELECT name FROM "_skm_migrations" ORDER BY name')).rows.map((r) => r.name);
      const before = await record();
      expect(before.length).toBeGreaterThan(3);

      const upgraded = path.join(dir, 'next');
      await fs.cp(MIGRATIONS_DIR, upgraded, { recursive: true });
      await fs.mkdir(path.join(upgraded, '29990101000000_broken'));
      await fs.writeFile(
        path.join(upgraded, '29990101000000_broken', 'migration.sql'),
        `CREATE TABLE "Half" (id int);\nUPDATE "Agency" SET name = 'Sesudah';\nALTER TABLE "Agency" ADD COLUMN "extra" int;\nSELECT 1 / 0;\n`,
      );
      await expect(migrate(database.url, upgraded)).rejects.toThrow(MigrationError);
      await expect(migrate(database.url, upgraded)).rejects.toThrow(/29990101000000_broken failed: division by zero/);

      expect(await record()).toEqual(before);
      const half = await client.query<{ t: string | null }>(`SELECT to_regclass('"Half"') AS t`);
      expect(half.rows[0]?.t).toBeNull();
      const agency = await client.query<{ name: string }>(`SELECT name FROM "Agency" WHERE code = 'KEEP'`);
      expect(agency.rows).toEqual([{ name: 'Sebelum' }]);
      const extra = await client.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'Agency' AND column_name = 'extra'`);
      expect(extra.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});
