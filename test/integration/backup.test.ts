// A backup restores every table row for row into an empty database, owned by an ordinary role (as
// on an external server), with the day pre-aggregates equal to the responses and sequences past
// the restored ids; damaged files, newer backups and non-empty databases are refused.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/db/backup.js';
import { createDb } from '../../src/db/client.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../src/db/migrate.js';
import { restoreBackup } from '../../src/db/restore.js';
import { createEmptyDatabase, createTestDatabase, queryOnce, serverUrl, type TestDatabase } from '../support/db.js';
import { dayStats, fillEveryTable, snapshot, tableNames } from '../support/every-table.js';

/** Columns that migrations after the day stats added to tables that existed before them. */
const LATER_COLUMNS = {
  add: `ALTER TABLE "Agency" ADD COLUMN "publicScores" BOOLEAN NOT NULL DEFAULT true;
        ALTER TABLE "Response" ADD COLUMN "suggestionState" TEXT, ADD COLUMN "reviewedAt" TIMESTAMP(3);`,
  drop: `ALTER TABLE "Agency" DROP COLUMN "publicScores"; ALTER TABLE "Response" DROP COLUMN "suggestionState", DROP COLUMN "reviewedAt";`,
};

let source: TestDatabase;
let dir: string;
let backupFile: string;
const cleanup: (() => Promise<void>)[] = [];

/** An empty database owned by a new role without superuser rights, and the URL to log in as it. */
async function ownedDatabase(): Promise<string> {
  const suffix = crypto.randomBytes(4).toString('hex');
  const role = `skm_owner_${suffix}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'owner-pass'`);
  await admin.query(`CREATE DATABASE ${role} OWNER ${role}`);
  await admin.end();
  cleanup.push(async () => {
    const c = new pg.Client({ connectionString: serverUrl() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${role}`);
    await c.end();
  });
  const url = new URL(serverUrl());
  url.username = role;
  url.password = 'owner-pass';
  url.pathname = `/${role}`;
  return url.toString();
}

async function emptyDatabase(): Promise<string> {
  const empty = await createEmptyDatabase('skm_restore');
  cleanup.push(() => empty.drop());
  return empty.url;
}

async function rewrite(file: string, change: (text: string) => string): Promise<string> {
  const text = zlib.gunzipSync(await fs.readFile(file)).toString('utf8');
  const out = path.join(dir, `changed-${crypto.randomBytes(3).toString('hex')}.skmbak`);
  await fs.writeFile(out, zlib.gzipSync(Buffer.from(change(text), 'utf8')));
  return out;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-backup-'));
  source = await createTestDatabase(2);
  await fillEveryTable(source.db);
  backupFile = path.join(dir, 'full.skmbak');
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  await source?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('restores every table row for row, with the day stats equal to the responses', async () => {
    const before = await snapshot(source.url);
    const names = await tableNames(source.url);
    expect(names.length).toBeGreaterThan(15);
    const empty = names.filter((name) => (before[name] ?? []).length === 0);
    expect(empty, 'tables the fixture leaves empty (fill them in test/support/every-table.ts)').toEqual([]);

    const summary = await createBackup(source.url, backupFile);
    expect(summary.tables).toBe(names.length);
    const target = await ownedDatabase();
    const restored = await restoreBackup(target, backupFile);
    expect(restored.migrated).toEqual([]);
    expect(restored.rows).toBe(summary.rows);

    const after = await snapshot(target);
    expect(Object.keys(after)).toEqual(names);
    for (const name of names) expect(after[name], name).toEqual(before[name]);
    const stats = await dayStats(target);
    expect(stats.stored.length).toBeGreaterThan(5);
    expect(stats.stored).toEqual(stats.computed);

    // The triggers work again after the load, and new rows get ids past the restored ones.
    const db = createDb(target, 1);
    try {
      const unit = await db.serviceUnit.findFirstOrThrow({ orderBy: { id: 'asc' } });
      const q = await db.questionnaire.findFirstOrThrow();
      const at = new Date('2026-11-02T03:00:00Z');
      const response = await db.response.create({
        data: {
          sessionId: 'after-restore',
          unitId: unit.id,
          questionnaireId: q.id,
          channel: 'telegram',
          startedAt: at,
          submittedAt: at,
          u1: 4,
          u2: 4,
          u3: 4,
          u4: 4,
          u5: 4,
          u6: 4,
          u7: 4,
          u8: 4,
          u9: 4,
          maladmin: {},
          locale: 'id',
        },
      });
      expect(response.id).toBeGreaterThan(60n);
      const agency = await db.agency.create({ data: { code: 'BARU', name: 'Baru' } });
      expect(agency.id).toBeGreaterThan(1);
      const message = await db.outboxMessage.create({ data: { channel: 'telegram', chatId: '1', kind: 'text', text: 'x' } });
      expect(message.id).toBeGreaterThan(9_007_199_254_740_993n);
    } finally {
      await db.$disconnect();
    }
    const later = await dayStats(target);
    expect(later.stored).toEqual(later.computed);
    expect(later.stored).not.toEqual(stats.stored);
  });

  it('restores a backup of an older version, then applies the newer migrations', async () => {
    const all = await readMigrations();
    const url = await emptyDatabase();
    // Up to (not including) the day stats: a backup from before they existed.
    const cut = all.findIndex((m) => m.name.endsWith('_response_day_stats'));
    expect(cut).toBeGreaterThan(0);
    const older = new Set(all.slice(0, cut).map((m) => m.name));
    await migrate(url, MIGRATIONS_DIR, { only: older });
    // Today's client asks for every column of today's schema: the columns later migrations add to
    // existing tables are there while the rows are written, and dropped before the backup.
    await queryOnce(url, LATER_COLUMNS.add);
    const db = createDb(url, 1);
    try {
      await fillEveryTable(db);
    } finally {
      await db.$disconnect();
    }
    await queryOnce(url, LATER_COLUMNS.drop);
    const file = path.join(dir, 'older.skmbak');
    await createBackup(url, file);
    const target = await emptyDatabase();
    const restored = await restoreBackup(target, file);
    expect(restored.migrated).toEqual(all.slice(cut).map((m) => m.name));
    const stats = await dayStats(target);
    expect(stats.stored.length).toBeGreaterThan(5);
    expect(stats.stored).toEqual(stats.computed);
  });

  it('refuses a backup made by a newer version, naming the unknown migration', async () => {
    const future = path.join(dir, 'future-migrations');
    await fs.cp(MIGRATIONS_DIR, future, { recursive: true });
    await fs.mkdir(path.join(future, '29990101000000_future'));
    await fs.writeFile(path.join(future, '29990101000000_future', 'migration.sql'), 'CREATE TABLE "Future" (id int);');
    const url = await emptyDatabase();
    await migrate(url, future);
    const file = path.join(dir, 'future.skmbak');
    await createBackup(url, file);
    const target = await emptyDatabase();
    await expect(restoreBackup(target, file)).rejects.toThrow(/newer version of skm-bot .*29990101000000_future/);
    expect(await tableNames(target)).toEqual([]);
  });

  it('refuses damaged, truncated and foreign files before touching the database', async () => {
    const target = await emptyDatabase();
    const tampered = await rewrite(backupFile, (text) => text.replace('Disdukcapil', 'Disdukcapix'));
    await expect(restoreBackup(target, tampered)).rejects.toThrow(/checksum does not match/);
    const bytes = await fs.readFile(backupFile);
    const truncated = path.join(dir, 'truncated.skmbak');
    await fs.writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(restoreBackup(target, truncated)).rejects.toThrow(/truncated/);
    const noEnd = await rewrite(backupFile, (text) => text.slice(0, text.lastIndexOf('-- end ')));
    await expect(restoreBackup(target, noEnd)).rejects.toThrow(/truncated/);
    const foreign = path.join(dir, 'notes.txt');
    await fs.writeFile(foreign, 'just some notes\n');
    await expect(restoreBackup(target, foreign)).rejects.toThrow(/not an skm-bot backup/);
    const plain = await rewrite(backupFile, (text) => text.replace('-- skm-backup 1', '-- hello'));
    await expect(restoreBackup(target, plain)).rejects.toThrow(/not an skm-bot backup/);
    await expect(restoreBackup(target, path.join(dir, 'missing.skmbak'))).rejects.toThrow(/no such file/);
    expect(await tableNames(target)).toEqual([]);
  });

  it('refuses a database that holds rows unless forced, and then replaces its content', async () => {
    const target = await emptyDatabase();
    await migrate(target);
    const db = createDb(target, 1);
    await db.appSetting.create({ data: { key: 'keep-me', value: 'x' } });
    await db.$disconnect();
    await expect(restoreBackup(target, backupFile)).rejects.toThrow(/not empty .*--force/);
    expect((await snapshot(target)).AppSetting).toEqual([expect.stringContaining('keep-me')]);
    await restoreBackup(target, backupFile, { force: true });
    const after = await snapshot(target);
    expect(after).toEqual(await snapshot(source.url));
  });
});
