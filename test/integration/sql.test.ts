// The plain-SQL path the citizen's updates run on (src/db/sql.ts): timestamps stay UTC whatever the
// process's time zone, a failed transaction leaves nothing behind and gives its connection back, and
// a statement stuck on a lock ends at the time-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, sqlOf } from '../../src/db/client.js';
import { StatementNames } from '../../src/db/sql.js';
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

  it('fails the transaction when a write sent without waiting fails: nothing of it commits, its error is the one thrown', async () => {
    const sql = sqlOf(t.db);
    await sql.execute(`INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt") VALUES ('telegram', 'taken', now())`);
    // More failures than the pool (2) has connections: a connection left mid-transaction would hang the next one.
    for (let i = 0; i < 3; i++) {
      const error: unknown = await sql
        .transaction(
          async (tx) => {
            await tx.execute(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'sent-before', 'v1', 'id')`);
            tx.send(`INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt") VALUES ($1, $2, now())`, ['telegram', 'taken']);
            tx.send(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'sent-after', 'v1', 'id')`);
            return 'done';
          },
          { statementMs: 5_000 },
        )
        .catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('23505');
    }
    // A statement awaited after the failed write fails too ("transaction aborted"), yet the error
    // the transaction rejects with is the write's: the cause, not its echo.
    const echoed: unknown = await sql
      .transaction(
        async (tx) => {
          tx.send(`INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt") VALUES ($1, $2, now())`, ['telegram', 'taken']);
          return tx.query(`SELECT 1 AS one`);
        },
        { statementMs: 5_000 },
      )
      .catch((e: unknown) => e);
    expect((echoed as { code?: string }).code).toBe('23505');
    expect(await t.db.consent.count({ where: { chatKey: { in: ['sent-before', 'sent-after'] } } })).toBe(0);

    const sent = await sql.transaction(
      async (tx) => {
        tx.send(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'sent-kept', 'v1', 'id')`);
        return 'sent';
      },
      { statementMs: 5_000 },
    );
    expect(sent).toBe('sent');
    expect(await t.db.consent.count({ where: { chatKey: 'sent-kept' } })).toBe(1);
  });

  it('pipelines a transaction: BEGIN goes out with the first statement, the writes sent with the COMMIT', async () => {
    const sql = sqlOf(t.db);
    // Watch both connections of the pool (2) at the socket: what is written, in which turn of the
    // transaction, and how many answers had come back by then. Pipelined statements go out
    // together, before the answer to any of them, and in one write to the socket (`flushes`: the
    // stream's own writes to the system, one each unless held back and sent as one).
    type Stream = {
      write: (...args: unknown[]) => boolean;
      on: (event: 'data', listener: () => void) => void;
      _write: (...args: unknown[]) => void;
      _writev: (...args: unknown[]) => void;
    };
    const clients = [await sql.pool.connect(), await sql.pool.connect()];
    const streams = clients.map((c) => (c as unknown as { connection: { stream: Stream } }).connection.stream);
    for (const c of clients) c.release();
    const writes: { turn: number; answers: number }[] = [];
    let turn = 0;
    let answers = 0;
    const originals = streams.map((stream) => stream.write.bind(stream));
    const lowLevel = streams.map((stream) => ({ write: stream._write, writev: stream._writev }));
    const flushes: number[] = [];
    const count = () => answers++;
    streams.forEach((stream, i) => {
      stream.on('data', count);
      stream.write = (...args: unknown[]) => {
        writes.push({ turn, answers });
        return originals[i]!(...args);
      };
      stream._write = (...args: unknown[]) => {
        flushes.push(turn);
        lowLevel[i]!.write.apply(stream, args);
      };
      stream._writev = (...args: unknown[]) => {
        flushes.push(turn);
        lowLevel[i]!.writev.apply(stream, args);
      };
    });
    try {
      await sql.transaction(
        async (tx) => {
          turn = 1;
          await tx.query(`SELECT 1 AS one`);
          turn = 2;
          tx.send(`INSERT INTO "Consent" (channel, "chatKey", "textVersion", locale) VALUES ('telegram', 'piped', 'v1', 'id')`);
          tx.send(`UPDATE "Consent" SET locale = 'en' WHERE "chatKey" = 'piped'`);
        },
        { statementMs: 5_000 },
      );
    } finally {
      streams.forEach((stream, i) => {
        stream.write = originals[i]!;
        stream._write = lowLevel[i]!.write;
        stream._writev = lowLevel[i]!.writev;
        (stream as unknown as { off: (event: string, listener: () => void) => void }).off('data', count);
      });
    }
    const answersBy = (turns: number[]) => new Set(writes.filter((w) => turns.includes(w.turn)).map((w) => w.answers));
    expect(writes.filter((w) => w.turn === 0)).not.toHaveLength(0);
    expect(writes.filter((w) => w.turn === 2)).not.toHaveLength(0);
    // BEGIN (turn 0) and the first statement (turn 1): no answer in between.
    expect(answersBy([0, 1]).size).toBe(1);
    // The two writes and the COMMIT: no answer in between either (without pipelining each waits
    // for the one before).
    expect(answersBy([2]).size).toBe(1);
    expect([...answersBy([2])][0]).toBeGreaterThan([...answersBy([0, 1])][0]!);
    // One write to the socket for BEGIN and the first statement, one for the two writes and the
    // COMMIT: each write wakes the server's backend.
    expect(flushes).toEqual([1, 2]);
    expect((await t.db.consent.findFirstOrThrow({ where: { chatKey: 'piped' } })).locale).toBe('en');
  });

  it('prepares a statement once per connection: later runs of the same text only bind and run it', async () => {
    const sql = sqlOf(t.db);
    const text = `SELECT count(*)::int AS n FROM "Consent" WHERE "chatKey" = $1`;
    const prepared = await sql.transaction(
      async (tx) => {
        const counts = [
          await tx.query<{ n: number }>(text, ['kept']),
          await tx.query<{ n: number }>(text, ['nobody']),
          await tx.query<{ n: number }>(text, ['kept']),
        ];
        expect(counts.map((rows) => rows[0]?.n)).toEqual([1, 0, 1]);
        // The same connection: its prepared statements, with how often each was planned and run.
        return await tx.query<{ name: string; plans: number }>(
          `SELECT name, (generic_plans + custom_plans)::int AS plans FROM pg_prepared_statements WHERE statement = $1`,
          [text],
        );
      },
      { statementMs: 5_000 },
    );
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.name).toMatch(/^skm_\d+$/);
    expect(prepared[0]!.plans).toBe(3);
  });

  it('opens as many of its connections as asked beforehand (no more than the pool holds), idle for the work after', async () => {
    const db = createDb(t.url, 4);
    try {
      const { pool } = sqlOf(db);
      await sqlOf(db).connectAll(3);
      expect([pool.totalCount, pool.idleCount]).toEqual([3, 3]);
      await sqlOf(db).connectAll();
      expect([pool.totalCount, pool.idleCount]).toEqual([4, 4]);
      await sqlOf(db).connectAll(10);
      expect(pool.totalCount).toBe(4);
    } finally {
      await db.$disconnect();
    }
  });

  it('names only so many distinct statement texts; further ones run unnamed', () => {
    const names = new StatementNames(2);
    const a = names.of('SELECT 1');
    const b = names.of('SELECT 2');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    expect(names.of('SELECT 3')).toBeUndefined();
    expect(names.of('SELECT 1')).toBe(a);
    expect(names.of('SELECT 3')).toBeUndefined();
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
