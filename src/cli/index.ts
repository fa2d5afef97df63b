// `skm` (also `npm run skm -- ...`): the operator's command line. Bad arguments print a clear
// message and exit with code 2; a failure at run time exits with 1.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { type Database, openDatabase, seedDemo } from '../db/index.js';
import { createLogger } from '../log.js';
import { ReportError, formatUnitReportText, unitReport } from '../reports/unit-report.js';
import { parsePeriod } from '../scoring/index.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

const USAGE = `Usage: skm <command>

  skm db migrate                                      apply pending database migrations
  skm seed demo                                       add the demo MPP and its units
  skm report --unit <CODE> --period <PERIOD> [--format text|json]
                                                      one unit's IKM for a period
PERIOD: 2026-W47, 2026-11, 2026-Q4 (or 2026-TW4), 2026-S2, 2026
Without DATABASE_URL the embedded PostgreSQL in SKM_DATA_DIR is used.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

async function withDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = createLogger(config.logLevel ?? 'warn');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, log });
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      if (command) {
        io.out(USAGE);
        return 0;
      }
      io.err(USAGE);
      return 2;
    }
    if (command === 'db' && sub === 'migrate') {
      if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}`);
      await withDatabase(async () => {});
      io.out('Database is up to date.');
      return 0;
    }
    if (command === 'seed' && sub === 'demo') {
      if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}`);
      const result = await withDatabase((database) => seedDemo(database.db));
      io.out(`Demo data ready: agency ${result.agency} with ${result.units} units.`);
      return 0;
    }
    if (command === 'report') {
      const args = sub === undefined ? rest : [sub, ...rest];
      let values: { unit?: string | undefined; period?: string | undefined; format?: string | undefined };
      try {
        values = parseArgs({
          args,
          options: { unit: { type: 'string' }, period: { type: 'string' }, format: { type: 'string' } },
          allowPositionals: false,
        }).values;
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (!values.unit) throw new UsageError('Missing --unit <CODE>.');
      if (!values.period) throw new UsageError('Missing --period <PERIOD> (e.g. 2026-11).');
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError(`Unknown --format "${format}": use text or json.`);
      if (!parsePeriod(values.period)) {
        throw new UsageError(`Unknown period "${values.period}". Use 2026-W47, 2026-11, 2026-Q4 (or 2026-TW4), 2026-S2 or 2026.`);
      }
      if (!/^[A-Za-z0-9-]{1,20}$/.test(values.unit)) throw new UsageError(`"${values.unit}" is not a unit code (A-Z, 0-9, -; at most 20).`);
      const unit = values.unit;
      const period = values.period;
      const report = await withDatabase((database) => unitReport(database.db, unit, period));
      io.out(format === 'json' ? JSON.stringify(report, null, 2) : formatUnitReportText(report));
      return 0;
    }
    throw new UsageError(`Unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ReportError) {
      io.err(`skm: ${error.message}`);
      if (error instanceof UsageError) io.err(USAGE);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    io.err(`skm: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && /(?:cli[\\/]index\.ts|bin[\\/]skm\.js)$/.test(process.argv[1]);
if (isMain) {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}
