// Plain SQL over the same connection pool as Prisma, for the one path where Prisma's per-query
// cost shows: a citizen's update (a few statements, each a tap). Prisma compiles and wraps every
// query (about a fifth of the bot's CPU per update under load, measured with `npm run bench`);
// node-postgres sends it as it is. Everything else keeps using Prisma.
//
// The rules Prisma kept for us, kept here:
//  - timestamps: the schema's DateTime columns are `timestamp(3)` without time zone, holding UTC.
//    Dates are sent as UTC ISO strings (PostgreSQL ignores the zone for such a column) and read
//    back as UTC, whatever the server's TZ is;
//  - a transaction waits at most `acquireMs` for a connection and runs each statement at most
//    `statementMs` (a lock held elsewhere cannot hang an update), then rolls back.
import pg from 'pg';

/** Runs statements: the pool (each statement on its own connection) or one transaction's connection. */
export interface SqlRunner {
  query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** The number of rows a statement changed. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
}

const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** Reads `timestamp without time zone` as UTC (node-postgres would read it as local time). */
function typeParser(oid: number): (value: string) => unknown {
  if (oid === TIMESTAMP) return (value) => new Date(`${value.replace(' ', 'T')}Z`);
  if (oid === TIMESTAMPTZ) return (value) => new Date(value);
  // Everything else as node-postgres reads it (text format: these queries never ask for binary).
  return pg.types.getTypeParser(oid, 'text') as (value: string) => unknown;
}
const TYPES: pg.CustomTypesConfig = { getTypeParser: typeParser };

function param(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

class Runner implements SqlRunner {
  constructor(private readonly target: pg.Pool | pg.PoolClient) {}

  async query<R extends object>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const result = await this.target.query<R>({ text, values: values.map(param), types: TYPES });
    return result.rows;
  }

  async execute(text: string, values: readonly unknown[] = []): Promise<number> {
    const result = await this.target.query({ text, values: values.map(param), types: TYPES });
    return result.rowCount ?? 0;
  }
}

export interface TransactionOptions {
  /** Longest a statement may run (a lock wait included), in ms. */
  statementMs: number;
}

export class Sql implements SqlRunner {
  private readonly runner: Runner;

  constructor(readonly pool: pg.Pool) {
    this.runner = new Runner(pool);
  }

  query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]> {
    return this.runner.query<R>(text, values);
  }

  execute(text: string, values?: readonly unknown[]): Promise<number> {
    return this.runner.execute(text, values);
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: SqlRunner) => Promise<T>, options: TransactionOptions): Promise<T> {
    const client = await this.pool.connect();
    // A connection that breaks while no statement of ours is running (the server stopped) says so
    // with an 'error' event, which would end the process if no one listened while it is checked
    // out; the next statement then fails, and the connection is not given back.
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    const release = (destroy: boolean) => {
      client.removeListener('error', onError);
      client.release(destroy || broken);
    };
    try {
      // One round trip: BEGIN and the statement time-out (LOCAL: it ends with the transaction).
      await client.query(`BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementMs))}`);
    } catch (error) {
      release(true);
      throw error;
    }
    try {
      const result = await work(new Runner(client));
      await client.query('COMMIT');
      release(false);
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
        release(false);
      } catch {
        // The connection is gone or unusable: it does not go back to the pool.
        release(true);
      }
      throw error;
    }
  }
}
