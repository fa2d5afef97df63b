// The plain-SQL path the citizen's updates run on (src/db/sql.ts): timestamps stay UTC whatever the
// process's time zone, a failed transaction leaves nothing behind and gives its connection back, and
// a statement stuck on a lock ends at the time-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOf } from '../../src/db/client.js';
import { isDatabaseUnavailable } from '../../src/db/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
const savedTz = process.env.TZ;

beforeAll(async () => {
  // A server in Jakarta: node-postgres would read and write wall-clock time there.
  process.env.TZ = 'Asia/Jakarta';
  t = await createTestDatabase(2);
});
afterAll(async () => {
  process.env.TZ = savedTz;
  await t?.drop();
});

describe('plain SQL beside Prisma', () => {
  it('writes and reads timestamps as UTC, the same instants Prisma sees', async () => {
    expect(new Date('2026-11-29T00:00:00Z').getHours()).toBe(7);
    const sql = sqlOf(t.db);
    const at = new Date('2026-11-29T01:02:03.456Z');
    await sql.execute(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale, "givenAt") VALUES ($1, $2, $3, $4, $5)`, [
      'telegram',
      'tz-a',
      'v1',
      'id',
      at,
    ]);
    const viaPrisma = await t.db.consent.findFirstOrThrow({ where: { chatKey: 'tz-a' } });
    expect(viaPrisma.givenAt.toISOString()).toBe(at.toISOString());
    const viaSql = await sql.query<{ givenAt: Date }>(`SELECT "givenAt" FROM "Consent" WHERE "chatKey" = $1`, ['tz-a']);
    expect(viaSql).toHaveLength(1);
    expect(viaSql[0]!.givenAt.toISOString()).toBe(at.toISOString());

    const other = new Date('2026-11-30T23:59:59.999Z');
    await t.db.consent.create({ data: { channel: 'telegram', chatKey: 'tz-b', textVersion: 'v1', locale: 'id', givenAt: other } });
    const back = await sql.query<{ givenAt: Date }>(`SELECT "givenAt" FROM "Consent" WHERE "chatKey" = $1`, ['tz-b']);
    expect(back[0]?.givenAt.toISOString()).toBe(other.toISOString());
  });

  it('rolls a failed transaction back and gives its connection back to the pool', async () => {
    const sql = sqlOf(t.db);
    // More failures than the pool (2) has connections: a leaked connection would hang the next one.
    for (let i = 0; i < 5; i++) {
      await expect(
        sql.transaction(
          async (tx) => {
            await tx.execute(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'rolled-back', 'v1', 'id')`);
            throw new Error('our own fault');
          },
          { statementMs: 5_000 },
        ),
      ).rejects.toThrow('our own fault');
    }
    const committed = await sql.transaction(
      async (tx) => tx.execute(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'kept', 'v1', 'id')`),
      { statementMs: 5_000 },
    );
    expect(committed).toBe(1);
    expect(await t.db.consent.count({ where: { chatKey: 'rolled-back' } })).toBe(0);
    expect(await t.db.consent.count({ where: { chatKey: 'kept' } })).toBe(1);
  });

  it('ends a statement stuck on a lock at the time-out, and the lock holder is unaffected', async () => {
    const sql = sqlOf(t.db);
    await sql.execute(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'locked', 'v1', 'id')`);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = sql.transaction(
      async (tx) => {
        await tx.query(`SELECT id FROM "Consent" WHERE "chatKey" = 'locked' FOR UPDATE`);
        locked();
        await held;
        return tx.execute(`UPDATE "Consent" SET locale = 'en' WHERE "chatKey" = 'locked'`);
      },
      { statementMs: 30_000 },
    );
    await isLocked;
    const waiter = sql.transaction(async (tx) => tx.execute(`UPDATE "Consent" SET locale = 'id' WHERE "chatKey" = 'locked'`), { statementMs: 200 });
    const error: unknown = await waiter.catch((e: unknown) => e);
    release();
    expect((error as { code?: string }).code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(await holder).toBe(1);
    expect((await t.db.consent.findFirstOrThrow({ where: { chatKey: 'locked' } })).locale).toBe('en');
  });

  it('survives its connection being cut between two statements, and the pool serves again', async () => {
    const sql = sqlOf(t.db);
    const cut = sql.transaction(
      async (tx) => {
        const [me] = await tx.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
        // Another connection ends this one, as a server restart would, while no statement runs.
        await sql.query(`SELECT pg_terminate_backend($1)`, [me!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return tx.query(`SELECT 1 AS one`);
      },
      { statementMs: 5_000 },
    );
    const error: unknown = await cut.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
    for (let i = 0; i < 3; i++) expect(await sql.query<{ one: number }>(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});
