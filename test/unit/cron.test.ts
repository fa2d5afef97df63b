import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cronProblem, nextFire, previousFire } from '../../src/jobs/cron.js';

const HOUR = 3_600_000;

describe('cron expressions in an agency time zone', () => {
  it('fires Monday 08:00 local at the right UTC instant in each Indonesian zone', () => {
    const after = new Date('2026-11-18T00:00:00Z'); // a Wednesday
    expect(nextFire('0 8 * * 1', 'Asia/Jayapura', after)?.toISOString()).toBe('2026-11-22T23:00:00.000Z'); // WIT +09
    expect(nextFire('0 8 * * 1', 'Asia/Makassar', after)?.toISOString()).toBe('2026-11-23T00:00:00.000Z'); // WITA +08
    expect(nextFire('0 8 * * 1', 'Asia/Jakarta', after)?.toISOString()).toBe('2026-11-23T01:00:00.000Z'); // WIB +07
    expect(nextFire('0 8 * * 1', 'Asia/Pontianak', after)?.toISOString()).toBe('2026-11-23T01:00:00.000Z'); // WIB too
  });

  it('agrees with node-cron on the next runs', () => {
    for (const [expression, tz] of [
      ['0 8 * * 1', 'Asia/Jayapura'],
      ['30 7 * * 1-5', 'Asia/Jakarta'],
      ['0 9 * * *', 'Asia/Makassar'],
      ['15 */6 1,15 * *', 'Asia/Jakarta'],
    ] as const) {
      const task = cron.createTask(expression, () => {}, { timezone: tz });
      const now = new Date();
      const expected = task.getNextRuns(3).map((d) => d.toISOString());
      const ours: string[] = [];
      let at = now;
      for (let i = 0; i < 3; i++) {
        at = nextFire(expression, tz, at)!;
        ours.push(at.toISOString());
      }
      expect(ours, `${expression} ${tz}`).toEqual(expected);
    }
  });

  it('finds the latest fire at or before an instant, within the look-back', () => {
    const mondayWib = new Date('2026-11-23T01:00:00Z');
    expect(previousFire('0 8 * * 1', 'Asia/Jakarta', mondayWib, 48 * HOUR)?.toISOString()).toBe(mondayWib.toISOString());
    const tuesday = new Date('2026-11-24T05:00:00Z');
    expect(previousFire('0 8 * * 1', 'Asia/Jakarta', tuesday, 48 * HOUR)?.toISOString()).toBe(mondayWib.toISOString());
    // Thursday: Monday's fire is older than 48 h.
    expect(previousFire('0 8 * * 1', 'Asia/Jakarta', new Date('2026-11-26T05:00:00Z'), 48 * HOUR)).toBeNull();
    // One minute before the fire: last week's.
    expect(previousFire('0 8 * * 1', 'Asia/Jakarta', new Date('2026-11-23T00:59:00Z'), 8 * 24 * HOUR)?.toISOString()).toBe(
      '2026-11-16T01:00:00.000Z',
    );
    expect(previousFire('0 9 * * *', 'Asia/Jayapura', new Date('2026-11-23T00:30:00Z'), 24 * HOUR)?.toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('explains what is wrong with a bad expression', () => {
    expect(cronProblem('0 8 * * 1')).toBeNull();
    expect(cronProblem('0 8 * *')).toMatch(/five fields/);
    expect(cronProblem('0 0 8 * * 1')).toMatch(/five fields/);
    expect(cronProblem('61 8 * * 1')).toMatch(/61/);
    expect(cronProblem('')).toMatch(/five fields/);
    expect(cronProblem('a b c d e')).not.toBeNull();
  });
});
