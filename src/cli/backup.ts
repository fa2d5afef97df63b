// `skm backup` and `skm restore`: the operator's way to save and bring back every rating without
// pg_dump. Returns null for a command that is not one of these.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { BackupError, createBackup, defaultBackupName } from '../db/backup.js';
import { launchEmbeddedFor } from '../db/index.js';
import { restoreBackup } from '../db/restore.js';
import { createLogger } from '../log.js';
import { type CliIo, UsageError, parseWithPositionals } from './common.js';

/**
 * Runs `work` on DATABASE_URL, or on the embedded PostgreSQL (shared with a bot that is running
 * it). Unlike the other commands, it applies no migrations: a backup must show the database as it
 * is, and a restore chooses which migrations to apply.
 */
async function onDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.databaseUrl) return work(config.databaseUrl);
  const launch = await launchEmbeddedFor(config.dataDir, createLogger(config.logLevel ?? 'warn', undefined, config.logFormat));
  const embedded = await launch.ready;
  try {
    return await work(launch.url);
  } finally {
    await embedded.stop();
  }
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A BackupError is the operator's to fix: one line and exit code 2. */
async function operatorErrors(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BackupError) {
      io.err(`skm: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

export async function runBackupCommands(command: string, sub: string | undefined, rest: string[], io: CliIo): Promise<number | null> {
  const args = sub === undefined ? rest : [sub, ...rest];
  if (command === 'backup') {
    const { values, positionals } = parseWithPositionals(args, { out: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]} (write the file with --out <file>).`);
    if (values.out === '') throw new UsageError('--out needs a file name.');
    const out = path.resolve(values.out ?? defaultBackupName());
    // Checked before any database is started; createBackup checks again when it creates the file.
    if (existsSync(out)) throw new UsageError(`${out} already exists: choose another --out (a backup never overwrites a file).`);
    return operatorErrors(io, async () => {
      const summary = await onDatabase((url) => createBackup(url, out));
      io.out(`Backup written: ${summary.file} (${summary.tables} tables, ${summary.rows} rows, ${size(summary.bytes)}).`);
      return 0;
    });
  }
  if (command === 'restore') {
    const { values, positionals } = parseWithPositionals(args, { force: { type: 'boolean' } });
    const [given] = positionals;
    if (positionals.length !== 1 || !given) throw new UsageError('Give one backup file: skm restore <file> [--force]');
    const file = path.resolve(given);
    return operatorErrors(io, async () => {
      const summary = await onDatabase((url) => restoreBackup(url, file, { force: values.force === true }));
      const newer = summary.migrated.length > 0 ? `; then applied ${summary.migrated.length} newer migration(s): ${summary.migrated.join(', ')}` : '';
      io.out(`Restored ${summary.rows} rows in ${summary.tables} tables from ${file}${newer}.`);
      return 0;
    });
  }
  return null;
}
