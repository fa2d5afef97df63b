import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadPrismaOver } from '../../src/db/client.js';
import { lazyPrisma } from '../../src/db/lazy-prisma.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { type TestDatabase, createTestDatabase } from '../support/db.js';

describe('lazyPrisma: a Prisma client whose runtime loads at its first query', () => {
  let t: TestDatabase;
  let pool: pg.Pool;
  let loads: number;
  let db: PrismaClient;
  const made: PrismaClient[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(2);
  });
  afterAll(async () => {
    await t.drop();
  });

  function fresh(): PrismaClient {
    pool = new pg.Pool({ connectionString: t.url, max: 3 });
    loads = 0;
    db = lazyPrisma(
      async () => {
        loads += 1;
        return await loadPrismaOver(pool);
      },
      () => pool.end(),
    );
    made.push(db);
    return db;
  }

  afterEach(async () => {
    for (const client of made.splice(0)) await client.$disconnect().catch(() => {});
    await t.db.agency.deleteMany({ where: { code: { startsWith: 'LAZY' } } });
  });

  const agency = (code: string) => ({ data: { code, name: `Dinas ${code}` } });
  const codes = async () => (await t.db.agency.findMany({ where: { code: { startsWith: 'LAZY' } }, orderBy: { code: 'asc' } })).map((a) => a.code);

  it('loads nothing until a query is awaited, then loads once for queries that came together', async () => {
    fresh();
    const delegate = db.agency;
    const counting = delegate.count();
    expect(loads).toBe(0);
    const results = await Promise.all([counting, db.agency.create(agency('LAZY1')), db.serviceUnit.count()]);
    expect(loads).toBe(1);
    expect(results[0]).toBe(0);
    expect(results[1]).toMatchObject({ code: 'LAZY1', name: 'Dinas LAZY1' });
    // Once loaded, the client is Prisma's own, and a delegate taken earlier still works.
    expect(await db.agency.count({ where: { code: 'LAZY1' } })).toBe(1);
    expect(await delegate.count({ where: { code: 'LAZY1' } })).toBe(1);
    expect(loads).toBe(1);
  });

  it('runs a query made before the runtime loaded once, however often it is awaited, and never if it is not', async () => {
    fresh();
    const never = db.agency.create(agency('LAZY0'));
    const twice = db.agency.create(agency('LAZY2'));
    await twice;
    await twice;
    await twice.then((made) => made.code);
    expect(await codes()).toEqual(['LAZY2']);
    expect(never).toBeDefined();
  });

  it('takes raw SQL as a tagged template or as text with parameters', async () => {
    fresh();
    expect(await db.$queryRaw<{ n: number }[]>`SELECT ${41}::int + 1 AS n`).toEqual([{ n: 42 }]);
    fresh();
    expect(await db.$executeRawUnsafe(`INSERT INTO "Agency" (code, name, "updatedAt") VALUES ($1, $2, now())`, 'LAZY3', 'Dinas')).toBe(1);
    expect(await codes()).toEqual(['LAZY3']);
  });

  it('batches queries made before the runtime loaded in one transaction: all or none', async () => {
    fresh();
    const [first, second] = await db.$transaction([db.agency.create(agency('LAZY4')), db.agency.create(agency('LAZY5'))]);
    expect([first.code, second.code]).toEqual(['LAZY4', 'LAZY5']);
    fresh();
    // The second breaks the code's uniqueness: the first is rolled back with it.
    await expect(db.$transaction([db.agency.create(agency('LAZY6')), db.agency.create(agency('LAZY4'))])).rejects.toThrow(/Unique constraint/);
    expect(await codes()).toEqual(['LAZY4', 'LAZY5']);
    expect(loads).toBe(1);
  });

  it('runs an interactive transaction as Prisma does, rolled back on a throw', async () => {
    fresh();
    await expect(
      db.$transaction(async (tx) => {
        await tx.agency.create(agency('LAZY7'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const made = await db.$transaction(async (tx) => (await tx.agency.create(agency('LAZY8'))).code);
    expect(made).toBe('LAZY8');
    expect(await codes()).toEqual(['LAZY8']);
  });

  it('passes a failing query’s error on as it is', async () => {
    fresh();
    await db.agency.create(agency('LAZY9'));
    fresh();
    await expect(db.agency.create(agency('LAZY9'))).rejects.toMatchObject({ code: 'P2002' });
    await expect(db.agency.findUniqueOrThrow({ where: { code: 'LAZYX' } }).catch((error: { code?: string }) => error.code)).resolves.toBe('P2025');
  });

  it('ends the pool without loading anything when it disconnects before its first query', async () => {
    fresh();
    await db.$disconnect();
    expect(loads).toBe(0);
    expect(pool.ended).toBe(true);
  });

  it('disconnects the loaded client (which ends the pool) after a query', async () => {
    fresh();
    await db.$connect();
    expect(loads).toBe(1);
    await db.$disconnect();
    expect(pool.ended).toBe(true);
  });

  it('says what to do when a client method other than a query is used before the runtime loaded', async () => {
    fresh();
    expect(() => db.$on('query' as never, () => {})).toThrow('db.$on before Prisma has loaded: await db.$connect() first');
    await db.$connect();
    expect(() => db.$extends({})).not.toThrow();
  });
});
