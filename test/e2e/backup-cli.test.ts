// `skm backup` and `skm restore` as an operator runs them: separate processes on DATABASE_URL, a
// clear line and exit code 2 for a non-empty database, a tampered file or a bad argument.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../support/db.js';
import { fillEveryTable, snapshot } from '../support/every-table.js';
import { runTs } from '../support/run.js';

const CLI = 'src/cli/index.ts';
let source: TestDatabase;
let target: { url: string; drop(): Promise<void> };
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-backup-cli-'));
  source = await createTestDatabase(2);
  await fillEveryTable(source.db);
  target = await createEmptyDatabase('skm_restore_cli');
});

afterAll(async () => {
  await source?.drop();
  await target?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('skm backup and skm restore', () => {
  it('backs up one database and restores it into another through the real entry point', async () => {
    const file = path.join(dir, 'nightly.skmbak');
    const backup = await runTs(CLI, ['backup', '--out', file], { env: { DATABASE_URL: source.url } });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backup written: .*nightly\.skmbak \(\d+ tables, \d+ rows, [\d.]+ KiB\)\.\n$/);

    const restore = await runTs(CLI, ['restore', file], { env: { DATABASE_URL: target.url } });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^Restored \d+ rows in \d+ tables from /);
    expect(await snapshot(target.url)).toEqual(await snapshot(source.url));

    const refused = await runTs(CLI, ['restore', file], { env: { DATABASE_URL: target.url } });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^skm: The database is not empty .*add --force/);

    // A session on the database (the bot, say) stops even a forced restore.
    const bot = new pg.Client({ connectionString: target.url });
    await bot.connect();
    try {
      const busy = await runTs(CLI, ['restore', file, '--force'], { env: { DATABASE_URL: target.url } });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/other connection\(s\) use this database: stop the bot/);
    } finally {
      await bot.end();
    }
    const forced = await runTs(CLI, ['restore', '--force', file], { env: { DATABASE_URL: target.url } });
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    // Six processes, each loading the CLI through tsx: slow on a busy machine, not a speed check.
  }, 180_000);

  it('refuses a tampered file with one clear line', async () => {
    const file = path.join(dir, 'tamper.skmbak');
    const text = zlib.gunzipSync(await fs.readFile(path.join(dir, 'nightly.skmbak'))).toString('utf8');
    const changed = text.replace('Samsat', 'Samsak');
    expect(changed).not.toBe(text);
    await fs.writeFile(file, zlib.gzipSync(Buffer.from(changed, 'utf8')));
    const empty = await createEmptyDatabase('skm_restore_cli');
    try {
      const tampered = await runTs(CLI, ['restore', file], { env: { DATABASE_URL: empty.url } });
      expect(tampered.code).toBe(2);
      expect(tampered.stderr).toMatch(/^skm: .*tamper\.skmbak is damaged: its checksum does not match/);
      expect(tampered.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await empty.drop();
    }
  }, 60_000);

  it('bad arguments and an existing --out file give exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['restore'], /Give one backup file/],
      [['restore', 'a.skmbak', 'b.skmbak'], /Give one backup file/],
      [['restore', 'a.skmbak', '--yes'], /Unknown option '--yes'/],
      [['backup', 'extra'], /Unexpected argument: extra/],
      [['backup', '--out', path.join(dir, 'nightly.skmbak')], /already exists/],
    ];
    for (const [argv, message] of cases) {
      const err: string[] = [];
      expect(await runCli(argv, { out: () => {}, err: (t) => err.push(t) }), argv.join(' ')).toBe(2);
      expect(err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });
});
