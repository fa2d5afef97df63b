// Shared by the CLI's command modules: argument parsing, usage errors, a database for one command.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { type Database, openDatabase } from '../db/index.js';
import { createLogger } from '../log.js';

/** Where a command writes: its output, and its messages to the operator. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export function parseOptions<T extends Record<string, { type: 'string' }>>(args: string[], options: T): { [K in keyof T]?: string | undefined } {
  try {
    return parseArgs({ args, options, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Options with flags (boolean) and positional arguments. */
export function parseWithPositionals<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
    return { values: values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string }, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
  /** False for a mistake the message alone explains (the usage text would bury it). */
  readonly usage: boolean;

  constructor(message: string, options: { usage?: boolean } = {}) {
    super(message);
    this.usage = options.usage ?? true;
  }
}

export async function withDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = createLogger(config.logLevel ?? 'warn', undefined, config.logFormat);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, log });
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

/** Rows as columns as wide as their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

/** A whole-number option from `min` to `max`, or undefined when not given. */
export function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`);
  return n;
}
