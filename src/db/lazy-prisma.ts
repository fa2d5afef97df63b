// A Prisma client whose runtime loads at its first query. Loading Prisma's runtime (its client
// and the driver adapter) costs about 100 ms of CPU; a first start loads skm-bot's modules while
// initdb runs on the other core of a small server and slows it, and the terminal demo's citizen
// never needs Prisma at all (their path runs on plain SQL, see sql.ts).
//
// Until the runtime has loaded, a query is a LaterQuery: like Prisma's own queries it runs when it
// is first awaited, once, and a batch `$transaction([...])` makes it on the loaded client, so it
// is batched the same way. Once loaded, the client is used directly.
import type { PrismaClient } from '../generated/prisma/client.js';

type Call = (...args: unknown[]) => unknown;

/** The raw-SQL methods that, like a model's, return a query. */
const RAW = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

/** A query made before Prisma's runtime has loaded (see the top of this file). */
export class LaterQuery implements PromiseLike<unknown> {
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly client: () => Promise<PrismaClient>,
    /** Makes the query on the loaded client, without running it. */
    readonly make: (db: PrismaClient) => unknown,
  ) {}

  then<A = unknown, B = never>(
    onfulfilled?: ((value: unknown) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#running ??= this.client().then((db) => this.make(db));
    return this.#running.then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<unknown> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<unknown> {
    return this.then().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return 'PrismaPromise';
  }
}

/**
 * A client that loads with `load` at its first query (or `$connect()`). `end` is what
 * `$disconnect()` does when it never loaded: the loaded client would have ended the same pool.
 */
export function lazyPrisma(load: () => Promise<PrismaClient>, end: () => Promise<void>): PrismaClient {
  let loaded: PrismaClient | undefined;
  let loading: Promise<PrismaClient> | undefined;
  const client = () => (loading ??= load().then((db) => (loaded = db)));
  const query = (make: (db: PrismaClient) => unknown) => new LaterQuery(client, make);
  const delegates = new Map<string, object>();
  const delegate = (model: string) => {
    let found = delegates.get(model);
    if (!found) {
      found = new Proxy(
        {},
        {
          get(_target, method) {
            if (typeof method === 'symbol' || method === 'then') return undefined;
            return (...args: unknown[]) => query((db) => (Reflect.get(db, model) as Record<string, Call>)[method]!(...args));
          },
        },
      );
      delegates.set(model, found);
    }
    return found;
  };
  const early: Record<string, Call> = {
    $connect: async () => {
      await (await client()).$connect();
    },
    $disconnect: async () => {
      if (loading === undefined) return await end();
      const db = await loading.catch(() => undefined);
      await (db ? db.$disconnect() : end());
    },
    $transaction: async (queries: unknown, options?: unknown) => {
      const db = await client();
      const made = Array.isArray(queries) ? queries.map((q: unknown) => (q instanceof LaterQuery ? q.make(db) : q)) : queries;
      return await (db.$transaction as Call)(made, options);
    },
  };
  return new Proxy({} as PrismaClient, {
    get(_target, property) {
      if (loaded) {
        const value: unknown = Reflect.get(loaded, property);
        return typeof value === 'function' ? (value as Call).bind(loaded) : value;
      }
      if (typeof property === 'symbol' || property === 'then') return undefined;
      if (property in early) return early[property];
      if (RAW.has(property)) return (...args: unknown[]) => query((db) => (Reflect.get(db, property) as Call).apply(db, args));
      if (property.startsWith('$')) {
        return () => {
          throw new Error(`db.${property} before Prisma has loaded: await db.$connect() first`);
        };
      }
      return delegate(property);
    },
  });
}
