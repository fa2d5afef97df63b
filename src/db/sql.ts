// Plain SQL over the same connection pool as Prisma, for the paths where Prisma's per-query cost
// shows: a citizen's update (a few statements, each a tap), and what runs before the first prompt
// of a start (the pseudonym key, the demo seed). Prisma compiles and wraps every query (about a
// fifth of the bot's CPU per update under load, measured with `npm run bench`; its first queries
// after a start cost more still); node-postgres sends it as it is. Everything else keeps using
// Prisma.
//
// The rules Prisma kept for us, kept here:
//  - timestamps: the schema's DateTime columns are `timestamp(3)` without time zone, holding UTC.
//    Dates are sent as UTC ISO strings (PostgreSQL ignores the zone for such a column) and read
//    back as UTC, whatever the server's TZ is;
//  - a transaction waits at most `acquireMs` for a connection and runs each statement at most
//    `statementMs` (a lock held elsewhere cannot hang an update), then rolls back.
//
// Round trips are what an update costs on a small server (every one is a socket write and a wait
// for PostgreSQL), so a transaction pipelines: the pool's connections run in node-postgres's
// pipeline mode, BEGIN goes out with the first statement, and writes whose result the caller does
// not need (`send`) go out with whatever follows, the COMMIT included. A tap is two round trips
// (claim; state write + COMMIT) instead of four. A failed write fails the transaction: it is
// rolled back, and `transaction` rejects with that write's error. Each statement text is prepared
// once per connection (StatementNames below), so PostgreSQL does not parse and plan it again on
// every update.
import type { CustomTypesConfig, Pool, PoolClient, QueryConfig } from 'pg';
import pg from './pg.js';

/** Runs statements: the pool (each statement on its own connection) or one transaction's connection. */
export interface SqlRunner {
  query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** The number of rows a statement changed. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
}

/** Statements inside one transaction. */
export interface TxRunner extends SqlRunner {
  /**
   * Sends a write whose result nobody waits for: it goes out at once, pipelined with the
   * statements after it and the COMMIT. If it fails, the transaction is rolled back and
   * `transaction` rejects with its error.
   */
  send(text: string, values?: readonly unknown[]): void;
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
const TYPES: CustomTypesConfig = { getTypeParser: typeParser };

function param(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Names for parameterised statements, so that PostgreSQL parses and plans each text once per
 * connection and afterwards only binds and runs it (node-postgres keeps track of what each
 * connection has prepared). On a citizen's update that is about a quarter of PostgreSQL's CPU
 * (`npm run bench`). The texts are fixed strings of this code; only the first `max` distinct ones
 * get a name, so that a text built at run time can never make every connection keep an
 * ever-growing set of prepared statements: further texts run unnamed, as before.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly max = 200) {}

  of(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.max) {
      name = `skm_${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/** A parameterised statement as node-postgres takes it, with our dates and type parsers. */
function statement(text: string, values: readonly unknown[], names: StatementNames): QueryConfig {
  const name = names.of(text);
  return { ...(name === undefined ? {} : { name }), text, values: values.map(param), types: TYPES };
}

class Runner implements SqlRunner {
  constructor(
    private readonly target: Pool | PoolClient,
    protected readonly names: StatementNames,
  ) {}

  async query<R extends object>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const result = this.target.query<R>(statement(text, values, this.names));
    this.issued();
    return (await result).rows;
  }

  async execute(text: string, values: readonly unknown[] = []): Promise<number> {
    const result = this.target.query(statement(text, values, this.names));
    this.issued();
    return (await result).rowCount ?? 0;
  }

  /** A statement whose answer we wait for has just been issued. */
  protected issued(): void {}
}

/** A socket that can hold writes back and send them as one (node's Writable cork/uncork). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/** One transaction's connection: its statements, and the writes sent without waiting. */
class Transaction extends Runner implements TxRunner {
  /** Statements sent without waiting for them (BEGIN among them), each settled without throwing. */
  private readonly unawaited: Promise<void>[] = [];
  /** The first of them that failed. */
  private failure: { error: unknown } | undefined;

  /** The connection's socket, while statements are held back to go out in one write (see hold). */
  private held: Corkable | undefined;

  constructor(
    private readonly client: PoolClient,
    names: StatementNames,
  ) {
    super(client, names);
  }

  /**
   * Holds what is written next until the next statement whose answer we wait for: BEGIN then goes
   * out with the first statement in one write, and the sent writes with the COMMIT. Each write
   * wakes the server's backend; one per round trip halves those wake-ups (and our system calls).
   * Everything that waits for the server (query, execute, commit, rollback) lets it go first, so
   * nothing held can stall the transaction.
   */
  private hold(): void {
    if (this.held) return;
    const stream = (this.client as unknown as { connection?: { stream?: Partial<Corkable> } }).connection?.stream;
    if (typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') return;
    const corkable = stream as Corkable;
    corkable.cork();
    this.held = corkable;
  }

  private flush(): void {
    const held = this.held;
    this.held = undefined;
    held?.uncork();
  }

  /** What was held goes out with the statement just issued. */
  protected override issued(): void {
    this.flush();
  }

  /** A statement sent without waiting; its failure is kept for the end of the transaction. */
  private unawaitedQuery(text: string, values?: readonly unknown[]): void {
    this.hold();
    const sent = values === undefined ? this.client.query(text) : this.client.query(statement(text, values, this.names));
    this.unawaited.push(
      sent.then(
        () => {},
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  begin(statementMs: number): void {
    // LOCAL: the time-out ends with the transaction.
    this.unawaitedQuery(`BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.round(statementMs))}`);
  }

  send(text: string, values: readonly unknown[] = []): void {
    this.unawaitedQuery(text, values);
  }

  /** The error the transaction failed with: the first unawaited statement's, else `error`. */
  cause(error: unknown): unknown {
    return this.failure ? this.failure.error : error;
  }

  async commit(): Promise<void> {
    const commit = this.client.query('COMMIT');
    this.flush();
    // Pipelined: all were answered before the COMMIT is.
    await Promise.all(this.unawaited);
    const result = await commit;
    if (this.failure) throw this.failure.error;
    // PostgreSQL answers COMMIT with ROLLBACK when a statement before it failed; the check above
    // has that failure, this one makes sure nothing committed unnoticed otherwise.
    if (result.command !== 'COMMIT') throw new Error(`transaction ended with ${result.command ?? 'no command'}, not COMMIT`);
  }

  /** Rolls back; settles every statement sent before, so none is left on the connection. */
  async rollback(): Promise<void> {
    const rollback = this.client.query('ROLLBACK');
    this.flush();
    await Promise.all(this.unawaited);
    await rollback;
  }
}

export interface TransactionOptions {
  /** Longest a statement may run (a lock wait included), in ms. */
  statementMs: number;
}

export class Sql implements SqlRunner {
  private readonly runner: Runner;

  private readonly names = new StatementNames();

  constructor(readonly pool: Pool) {
    this.runner = new Runner(pool, this.names);
  }

  query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]> {
    return this.runner.query<R>(text, values);
  }

  execute(text: string, values?: readonly unknown[]): Promise<number> {
    return this.runner.execute(text, values);
  }

  /**
   * Opens `count` connections of the pool, every one it may hold by default (each is a login), so
   * that a burst of work does not wait for them.
   */
  async connectAll(count = this.pool.options.max ?? 10): Promise<void> {
    const clients = await Promise.all(Array.from({ length: Math.min(count, this.pool.options.max ?? 10) }, () => this.pool.connect()));
    try {
      await Promise.all(clients.map((client) => client.query('SELECT 1')));
    } finally {
      for (const client of clients) client.release();
    }
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: TxRunner) => Promise<T>, options: TransactionOptions): Promise<T> {
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
    const tx = new Transaction(client, this.names);
    // Not awaited: it goes out with the first statement of `work`. If it failed, so does that
    // statement (the connection is gone), and the failure is BEGIN's.
    tx.begin(options.statementMs);
    try {
      const result = await work(tx);
      await tx.commit();
      release(false);
      return result;
    } catch (error) {
      try {
        await tx.rollback();
        release(false);
      } catch {
        // The connection is gone or unusable: it does not go back to the pool.
        release(true);
      }
      throw tx.cause(error);
    }
  }
}
