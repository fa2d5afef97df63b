// Backups without pg_dump (the embedded PostgreSQL ships no client tools): a consistent snapshot
// of every table, read in one REPEATABLE READ transaction while the bot keeps running.
//
// File format (.skmbak), version 1: a gzip stream of UTF-8 text that `zcat` shows as it is:
//
//   -- skm-backup 1
//   -- manifest {"createdAt":…,"postgres":…,"migrations":[{name,checksum}…],"sequences":[…],"tables":[{name,columns}…]}
//   COPY "Agency" ("id", "code", …) FROM stdin;
//   <rows in PostgreSQL's COPY text format, one per line>
//   \.
//   COPY "ServiceUnit" (…) FROM stdin;
//   …
//   -- end {"rows":{"Agency":3,…},"sha256":"<hex>"}
//
// - Tables come in foreign-key order (a table after those it references), so a restore can load
//   them one after the other with every constraint checked.
// - `migrations` is the database's migration record (the "_skm_migrations" table, not copied as
//   data): a restore recreates exactly that schema, loads the rows, then applies newer migrations.
// - `sequences` keeps each sequence's value, so ids that were used and deleted are not reused.
// - `sha256` is over every byte (uncompressed) before the "-- end" line; a missing end line means
//   a truncated file. In COPY text format a backslash in data is written `\\`, so the line `\.`
//   only ever ends a table.
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { ClientBase } from 'pg';
import pg from './pg.js';
import { to as copyTo } from 'pg-copy-streams';

export const BACKUP_MAGIC = '-- skm-backup 1';
export const BACKUP_EXTENSION = '.skmbak';
/** The migration runner's record: part of the manifest, not of the data. */
export const MIGRATIONS_TABLE = '_skm_migrations';

/** A problem the operator can fix (a bad file, the wrong database): one line, exit code 2. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface TableEntry {
  name: string;
  columns: string[];
}

export interface SequenceEntry {
  name: string;
  /** As text: bigint values do not fit a JSON number. */
  lastValue: string;
  isCalled: boolean;
}

export interface Manifest {
  createdAt: string;
  postgres: string;
  migrations: { name: string; checksum: string }[];
  sequences: SequenceEntry[];
  tables: TableEntry[];
}

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  bytes: number;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function copyHeader(table: TableEntry): string {
  return `COPY ${quoteIdent(table.name)} (${table.columns.map(quoteIdent).join(', ')}) FROM stdin;`;
}

/** `skm-backup-20261130-081500.skmbak` (UTC, so that names sort by time whatever the server's zone). */
export function defaultBackupName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `skm-backup-${stamp}${BACKUP_EXTENSION}`;
}

/**
 * The tables of the current schema with their stored (not generated) columns, each after the
 * tables it references. Self-references do not order anything (none exist today).
 */
export async function listTables(client: ClientBase): Promise<TableEntry[]> {
  const columns = await client.query<{ table: string; column: string }>(
    `SELECT c.table_name AS table, c.column_name AS column
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
       AND c.table_name <> $1
     ORDER BY c.table_name, c.ordinal_position`,
    [MIGRATIONS_TABLE],
  );
  const byTable = new Map<string, string[]>();
  for (const row of columns.rows) {
    const list = byTable.get(row.table) ?? [];
    list.push(row.column);
    byTable.set(row.table, list);
  }
  const refs = await client.query<{ child: string; parent: string }>(
    `SELECT DISTINCT ch.relname AS child, pa.relname AS parent
     FROM pg_constraint k
     JOIN pg_class ch ON ch.oid = k.conrelid
     JOIN pg_class pa ON pa.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = ch.relnamespace
     WHERE k.contype = 'f' AND n.nspname = current_schema() AND ch.oid <> pa.oid`,
  );
  const parents = new Map<string, Set<string>>([...byTable.keys()].map((name) => [name, new Set<string>()]));
  for (const { child, parent } of refs.rows) if (byTable.has(parent)) parents.get(child)?.add(parent);
  const ordered: TableEntry[] = [];
  const done = new Set<string>();
  const names = [...byTable.keys()].sort();
  while (ordered.length < names.length) {
    const ready = names.filter((name) => !done.has(name) && [...(parents.get(name) ?? [])].every((p) => done.has(p)));
    if (ready.length === 0) {
      const left = names.filter((name) => !done.has(name));
      throw new Error(`Foreign keys form a cycle between tables ${left.join(', ')}: they cannot be loaded in order.`);
    }
    for (const name of ready) {
      done.add(name);
      ordered.push({ name, columns: byTable.get(name) ?? [] });
    }
  }
  return ordered;
}

/** Writes the backup to `<out>.partial` and renames it when complete, so a failed run leaves no plausible file. */
export async function createBackup(databaseUrl: string, out: string): Promise<BackupSummary> {
  const partial = `${out}.partial`;
  if (fs.existsSync(out)) throw new BackupError(`${out} already exists: choose another --out (a backup never overwrites a file).`);
  const file = fs.createWriteStream(partial, { flags: 'wx' });
  try {
    await once(file, 'open');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupError(`${partial} already exists (is another backup running?): remove it or choose another --out.`);
    throw new BackupError(`Cannot write ${partial}: ${code ?? (error as Error).message}.`);
  }
  const gzip = zlib.createGzip({ level: 6 });
  const written = pipeline(gzip, file);
  written.catch(() => {});
  const hash = crypto.createHash('sha256');
  const write = async (chunk: Buffer | string) => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    hash.update(buffer);
    if (!gzip.write(buffer)) await Promise.race([once(gzip, 'drain'), written]);
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  let rows = 0;
  let tableCount = 0;
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const hasMigrations = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [quoteIdent(MIGRATIONS_TABLE)]);
    if (hasMigrations.rows[0]?.t === null) {
      throw new BackupError('This database has no skm-bot tables yet (no migration was applied): there is nothing to back up.');
    }
    const migrations = await client.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${quoteIdent(MIGRATIONS_TABLE)} ORDER BY name`,
    );
    const tables = await listTables(client);
    const sequences: SequenceEntry[] = [];
    const seqNames = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'S' AND n.nspname = current_schema() ORDER BY 1`,
    );
    for (const { name } of seqNames.rows) {
      const value = await client.query<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text AS last_value, is_called FROM ${quoteIdent(name)}`,
      );
      const row = value.rows[0];
      if (row) sequences.push({ name, lastValue: row.last_value, isCalled: row.is_called });
    }
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const manifest: Manifest = {
      createdAt: new Date().toISOString(),
      postgres: version.rows[0]?.server_version ?? 'unknown',
      migrations: migrations.rows.map((m) => ({ name: m.name, checksum: m.checksum })),
      sequences,
      tables,
    };
    await write(`${BACKUP_MAGIC}\n-- manifest ${JSON.stringify(manifest)}\n`);
    const counts: Record<string, number> = {};
    for (const table of tables) {
      await write(`${copyHeader(table)}\n`);
      const columns = table.columns.map(quoteIdent).join(', ');
      const stream = client.query(copyTo(`COPY ${quoteIdent(table.name)} (${columns}) TO STDOUT`));
      for await (const chunk of stream) await write(chunk as Buffer);
      await write('\\.\n');
      counts[table.name] = stream.rowCount;
      rows += stream.rowCount;
      tableCount += 1;
    }
    await client.query('COMMIT');
    const end = JSON.stringify({ rows: counts, sha256: hash.digest('hex') });
    gzip.end(Buffer.from(`-- end ${end}\n`, 'utf8'));
    await written;
    await rename(partial, out);
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
  const bytes = (await fs.promises.stat(out)).size;
  return { file: out, tables: tableCount, rows, bytes };
}
