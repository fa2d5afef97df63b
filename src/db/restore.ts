// Restores a backup made by backup.ts (the format is described there) into an empty database:
// checks the whole file first (gzip, checksum, row counts, migrations this code knows), recreates
// the schema the backup was made on, loads every table in one transaction, then applies the
// migrations that are newer than the backup.
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import type { ClientBase } from 'pg';
import pg from './pg.js';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import { BACKUP_MAGIC, BackupError, type Manifest, MIGRATIONS_TABLE, copyHeader, quoteIdent } from './backup.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from './migrate.js';

const manifestSchema = z.object({
  createdAt: z.string(),
  postgres: z.string(),
  migrations: z.array(z.object({ name: z.string(), checksum: z.string() })),
  sequences: z.array(z.object({ name: z.string(), lastValue: z.string().regex(/^-?\d+$/), isCalled: z.boolean() })),
  tables: z.array(z.object({ name: z.string().min(1), columns: z.array(z.string().min(1)).min(1) })),
});
const endSchema = z.object({ rows: z.record(z.string(), z.number().int().min(0)), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const MANIFEST_PREFIX = '-- manifest ';
const END_PREFIX = '-- end ';
const NL = Buffer.from('\n');

export interface BackupInfo {
  manifest: Manifest;
  rows: Record<string, number>;
}

/** Receives each table's COPY data while the file is read; returns the rows the database took. */
interface TableSink {
  begin(table: Manifest['tables'][number]): Promise<void>;
  data(chunk: Buffer): Promise<void>;
  end(): Promise<number>;
}

/** The file's lines, a chunk's worth at a time (a line split over two chunks is joined). */
async function* lineBatches(file: string): AsyncGenerator<Buffer[]> {
  // pipeline() hands a read error (no such file…) on to the gunzip stream read below.
  const input = pipeline(fs.createReadStream(file), zlib.createGunzip(), () => {});
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of input) {
      const buffer: Buffer = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      const lines: Buffer[] = [];
      let start = 0;
      for (let i = buffer.indexOf(10, start); i !== -1; i = buffer.indexOf(10, start)) {
        lines.push(buffer.subarray(start, i));
        start = i + 1;
      }
      pending = buffer.subarray(start);
      if (lines.length > 0) yield lines;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BackupError(`${file}: no such file.`);
    if (code === 'EACCES') throw new BackupError(`${file}: permission denied.`);
    if (code === 'EISDIR') throw new BackupError(`${file} is a folder, not a backup file.`);
    if (code === 'Z_DATA_ERROR') throw new BackupError(`${file} is not an skm-bot backup, or it is damaged (not readable as gzip).`);
    if (code === 'Z_BUF_ERROR') throw new BackupError(`${file} is truncated: the backup was not copied completely.`);
    throw error;
  }
  if (pending.length > 0) throw new BackupError(`${file} is truncated: the backup was not copied completely.`);
}

/**
 * Reads the whole file and checks it: its form, the checksum and every table's row count. With a
 * sink, the rows of each table go to it as they are read.
 */
export async function readBackup(file: string, sink?: TableSink): Promise<BackupInfo> {
  const broken = (why: string) => new BackupError(`${file} is not a valid skm-bot backup: ${why}.`);
  const hash = crypto.createHash('sha256');
  let lineNo = 0;
  let manifest: Manifest | undefined;
  let table: Manifest['tables'][number] | undefined;
  let tableIndex = 0;
  let tableRows = 0;
  const counted: Record<string, number> = {};
  let end: z.infer<typeof endSchema> | undefined;
  for await (const lines of lineBatches(file)) {
    let parts: Buffer[] = [];
    for (const line of lines) {
      lineNo += 1;
      if (end) throw broken('text after its end line');
      if (table) {
        hash.update(line);
        hash.update(NL);
        if (line.length === 2 && line[0] === 0x5c && line[1] === 0x2e) {
          // "\." ends the table.
          if (sink && parts.length > 0) await sink.data(Buffer.concat(parts));
          parts = [];
          const loaded = sink ? await sink.end() : tableRows;
          if (loaded !== tableRows) throw broken(`table ${table.name} has ${tableRows} rows but ${loaded} were loaded`);
          counted[table.name] = tableRows;
          table = undefined;
          continue;
        }
        tableRows += 1;
        if (sink) {
          parts.push(line, NL);
          if (parts.length >= 2048) {
            await sink.data(Buffer.concat(parts));
            parts = [];
          }
        }
        continue;
      }
      const text = line.toString('utf8');
      if (lineNo === 1) {
        if (text !== BACKUP_MAGIC) {
          if (/^-- skm-backup \d+$/.test(text))
            throw new BackupError(`${file} was made by a newer version of skm-bot (format "${text.slice(3)}"): update skm-bot to restore it.`);
          throw new BackupError(`${file} is not an skm-bot backup (it does not start with "${BACKUP_MAGIC}").`);
        }
      } else if (lineNo === 2) {
        if (!text.startsWith(MANIFEST_PREFIX)) throw broken('no manifest on line 2');
        const parsed = manifestSchema.safeParse(safeJson(text.slice(MANIFEST_PREFIX.length)));
        if (!parsed.success) throw broken('its manifest is damaged');
        manifest = parsed.data;
      } else if (text.startsWith(END_PREFIX)) {
        const parsed = endSchema.safeParse(safeJson(text.slice(END_PREFIX.length)));
        if (!parsed.success) throw broken('its end line is damaged');
        end = parsed.data;
        continue;
      } else {
        const next = manifest?.tables[tableIndex];
        if (!next || text !== copyHeader(next)) throw broken(`unexpected line ${lineNo}`);
        table = next;
        tableIndex += 1;
        tableRows = 0;
        if (sink) await sink.begin(table);
      }
      hash.update(line);
      hash.update(NL);
    }
    if (sink && parts.length > 0) await sink.data(Buffer.concat(parts));
  }
  if (!manifest || !end) throw new BackupError(`${file} is truncated: its end line is missing.`);
  if (table || tableIndex < manifest.tables.length) throw new BackupError(`${file} is truncated: tables are missing.`);
  if (hash.digest('hex') !== end.sha256)
    throw new BackupError(`${file} is damaged: its checksum does not match (the file was changed after the backup).`);
  for (const t of manifest.tables) {
    if (end.rows[t.name] !== counted[t.name]) throw broken(`the row count of table ${t.name} does not match`);
  }
  return { manifest, rows: counted };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  /** Migrations newer than the backup, applied after loading it. */
  migrated: string[];
}

/** Rows in the schema's tables, apart from the migration record (stops at the first row of each). */
async function occupiedTables(client: ClientBase): Promise<string[]> {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND c.relname <> $1 ORDER BY 1`,
    [MIGRATIONS_TABLE],
  );
  const occupied: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await client.query(`SELECT 1 FROM ${quoteIdent(name)} LIMIT 1`);
    if ((rows.rowCount ?? 0) > 0) occupied.push(name);
  }
  return occupied;
}

/** Drops everything in the current schema (views, tables, sequences, functions, types), but not extensions' objects. */
async function emptySchema(client: ClientBase): Promise<void> {
  const notExtension = (cls: string, oid: string) =>
    `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${cls}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
  const relations = await client.query<{ sql: string }>(
    `SELECT format('DROP %s IF EXISTS %I CASCADE',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                             WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.relname) AS sql
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${notExtension('pg_class', 'c.oid')}
     ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 0 WHEN 'S' THEN 2 ELSE 1 END, c.relname`,
  );
  const routines = await client.query<{ sql: string }>(
    `SELECT format('DROP %s IF EXISTS %I(%s) CASCADE', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                   p.proname, pg_get_function_identity_arguments(p.oid)) AS sql
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = current_schema() AND ${notExtension('pg_proc', 'p.oid')}`,
  );
  const types = await client.query<{ sql: string }>(
    `SELECT format('DROP %s IF EXISTS %I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.typname) AS sql
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r') AND ${notExtension('pg_type', 't.oid')}`,
  );
  await client.query('BEGIN');
  try {
    for (const { sql } of [...relations.rows, ...routines.rows, ...types.rows]) await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Checks that this code knows every migration of the backup, as it was applied. */
async function checkMigrations(file: string, manifest: Manifest, dir: string): Promise<Set<string>> {
  const known = new Map((await readMigrations(dir)).map((m) => [m.name, m.checksum]));
  const unknown = manifest.migrations.filter((m) => !known.has(m.name)).map((m) => m.name);
  if (unknown.length > 0) {
    throw new BackupError(
      `${file} was made by a newer version of skm-bot (it has migration ${unknown.join(', ')}, which this version does not know): update skm-bot first, then restore.`,
    );
  }
  const changed = manifest.migrations.filter((m) => known.get(m.name) !== m.checksum).map((m) => m.name);
  if (changed.length > 0)
    throw new BackupError(
      `${file} was made on a different migration ${changed.join(', ')} than this version has: it cannot be restored with this version.`,
    );
  return new Set(manifest.migrations.map((m) => m.name));
}

/** Sets every sequence past both its value in the backup and the largest id loaded. */
async function resetSequences(client: ClientBase, manifest: Manifest): Promise<void> {
  const saved = new Map(manifest.sequences.map((s) => [s.name, s]));
  const sequences = await client.query<{ seq: string; tbl: string | null; col: string | null }>(
    `SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col
     FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
     LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
     LEFT JOIN pg_class t ON t.oid = d.refobjid
     LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE s.relkind = 'S' AND n.nspname = current_schema()`,
  );
  for (const { seq, tbl, col } of sequences.rows) {
    const values: bigint[] = [];
    const kept = saved.get(seq);
    if (kept?.isCalled) values.push(BigInt(kept.lastValue));
    if (tbl && col) {
      const max = await client.query<{ max: string | null }>(`SELECT max(${quoteIdent(col)})::text AS max FROM ${quoteIdent(tbl)}`);
      const value = max.rows[0]?.max;
      if (value != null) values.push(BigInt(value));
    }
    if (values.length === 0) continue;
    const top = values.reduce((a, b) => (a > b ? a : b));
    await client.query('SELECT setval($1::regclass, $2::bigint, true)', [quoteIdent(seq), top.toString()]);
  }
}

/**
 * Restores `file` into the database at `databaseUrl`. Refuses a database that holds any rows
 * unless `force` (then everything in its schema is dropped first), and a database that other
 * sessions are using (the bot must be stopped).
 */
export async function restoreBackup(
  databaseUrl: string,
  file: string,
  options: { force?: boolean; migrationsDir?: string } = {},
): Promise<RestoreSummary> {
  const dir = options.migrationsDir ?? MIGRATIONS_DIR;
  const { manifest } = await readBackup(file);
  const only = await checkMigrations(file, manifest, dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const others = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    const sessions = others.rows[0]?.n ?? 0;
    if (sessions > 0)
      throw new BackupError(`${sessions} other connection(s) use this database: stop the bot (and other skm commands) before restoring.`);
    const occupied = await occupiedTables(client);
    if (occupied.length > 0 && !options.force) {
      const names = occupied.slice(0, 3).join(', ') + (occupied.length > 3 ? ', …' : '');
      throw new BackupError(
        `The database is not empty (${occupied.length} tables hold rows: ${names}). Restore into an empty database, or add --force to delete everything in it first.`,
      );
    }
    // Holds no rows worth keeping now: start from nothing, so the schema is exactly the backup's.
    await emptySchema(client);
    await migrate(databaseUrl, dir, { only });
    await client.query('BEGIN');
    // User triggers off while loading: the backup's pre-aggregates (ResponseDayStat) are loaded
    // as they were, instead of being added to again by the triggers on Response. Foreign keys stay
    // checked; the tables come in their order. Needs table ownership only, not a superuser.
    for (const table of manifest.tables) await client.query(`ALTER TABLE ${quoteIdent(table.name)} DISABLE TRIGGER USER`);
    let copy: ReturnType<typeof copyFrom> | undefined;
    let done: Promise<unknown> = Promise.resolve();
    const info = await readBackup(file, {
      async begin(table) {
        const columns = table.columns.map(quoteIdent).join(', ');
        copy = client.query(copyFrom(`COPY ${quoteIdent(table.name)} (${columns}) FROM STDIN`));
        done = new Promise((resolve, reject) => {
          copy?.on('finish', resolve);
          copy?.on('error', reject);
        });
        done.catch(() => {});
      },
      async data(chunk) {
        if (copy && !copy.write(chunk)) await Promise.race([once(copy, 'drain'), done]);
      },
      async end() {
        copy?.end();
        await done;
        return copy?.rowCount ?? 0;
      },
    }).catch(async (error: unknown) => {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    });
    for (const table of manifest.tables) await client.query(`ALTER TABLE ${quoteIdent(table.name)} ENABLE TRIGGER USER`);
    await resetSequences(client, manifest);
    await client.query('COMMIT');
    const after = await migrate(databaseUrl, dir);
    const rows = Object.values(info.rows).reduce((a, b) => a + b, 0);
    return { tables: manifest.tables.length, rows, migrated: after.applied };
  } finally {
    await client.end().catch(() => {});
  }
}
