// The reference-data cache the citizen's transaction reads (src/survey/catalog.ts): a crowd's first
// taps that all miss it at once share one read instead of each running it on a pooled connection;
// a shared read that fails leaves each to read for itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { sqlOf } from '../../src/db/client.js';
import type { SqlRunner } from '../../src/db/sql.js';
import { Catalog } from '../../src/survey/catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(async () => {
  await t?.drop();
});

/** A reader that counts its statements, and can fail the first `failures` of them. */
function countingReader(failures = 0): SqlRunner & { statements: number } {
  const sql = sqlOf(t.db);
  const reader = {
    statements: 0,
    async query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]> {
      reader.statements++;
      if (reader.statements <= failures) throw new Error('connection lost');
      await new Promise((resolve) => setTimeout(resolve, 20));
      return sql.query<R>(text, values);
    },
    execute: (text: string, values?: readonly unknown[]) => sql.execute(text, values),
  };
  return reader;
}

describe('catalog misses', () => {
  it('fifty concurrent misses of one unit share one read', async () => {
    const catalog = new Catalog(t.db);
    const reader = countingReader();
    const units = await Promise.all(Array.from({ length: 50 }, () => catalog.unitByCode('dukcapil', reader)));
    expect(units).toHaveLength(50);
    expect(units.every((u) => u?.code === 'DUKCAPIL' && u.serviceTypes.length > 0)).toBe(true);
    // The unit and its service types: two statements, not a hundred.
    expect(reader.statements).toBe(2);
    const choices = await Promise.all(Array.from({ length: 50 }, () => catalog.unitChoices(30, reader)));
    expect(choices.every((c) => c.length === choices[0]!.length && c.length > 0)).toBe(true);
    expect(reader.statements).toBe(3);
  });

  it('a shared read that fails leaves each caller to read for itself', async () => {
    const catalog = new Catalog(t.db);
    const reader = countingReader(1);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => catalog.unitByCode('SAMSAT', reader)));
    expect(results).toHaveLength(5);
    expect(results[0]!.status).toBe('rejected');
    expect(results.slice(1).every((r) => r.status === 'fulfilled' && r.value?.code === 'SAMSAT')).toBe(true);
  });
});
