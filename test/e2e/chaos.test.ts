// A short run of the reliability suite (`npm run chaos`, bench/chaos/) in quick mode: each
// property's own runner against the real program (bin/start.js in its own process, the fake Bot
// API, embedded PostgreSQL), with the quick trial counts. The full run (100 kill trials, 10,000
// hostile updates, 10 s outages) is `npm run chaos`.
//
// Known failures today, each the subject of a fix in progress. Their tests check that the property
// fails for that reason and no other (so they still guard everything else); when the fix lands,
// replace `expectOnlyKnown(...)` by `expectHeld(...)`:
// - kill-during-survey: after PostgreSQL is killed with the bot, the restart may fail at its first
//   try (a stale postmaster.pid whose pid still looks alive is taken for a running server). It is a
//   race, so the test allows it without requiring it;
// - staff-redelivery: a staff command delivered again repeats its effect (FollowUp rows and
//   Invitations per command: 3 for three deliveries, 2 after a restart);
// - hostile-updates: malformed updates are logged at error level with stacks ("telegraf error").
import { describe, expect, it } from 'vitest';
import type { ChaosProperty, PropertyResult } from '../../bench/chaos/property.js';
import { buildOnce } from '../../bench/chaos/support/bot.js';
import { property as hostileUpdates } from '../../bench/chaos/properties/hostile-updates.js';
import { property as killDuringSurvey } from '../../bench/chaos/properties/kill-during-survey.js';
import { property as postgresOutage } from '../../bench/chaos/properties/postgres-outage.js';
import { property as staffRedelivery } from '../../bench/chaos/properties/staff-redelivery.js';

const SEED = 20261201;

async function runQuick(property: ChaosProperty, trials = property.trials.quick): Promise<PropertyResult> {
  await buildOnce();
  return property.run({ trials, quick: true, seed: SEED, note: () => {} });
}

/** The property held: every trial ran, and its failures (if any) are shown in the assertion. */
function expectHeld(result: PropertyResult, trials: number): void {
  expect(result.trials).toBe(trials);
  expect(result.failures).toEqual([]);
  expect(result.passed).toBe(true);
}

/**
 * The property failed only for the known reason (and, with `mustFail`, did fail: the fix has not
 * landed; when it has, this assertion tells the merger to switch to expectHeld).
 */
function expectOnlyKnown(result: PropertyResult, known: readonly RegExp[], { mustFail }: { mustFail: boolean }): void {
  if (mustFail) expect(result.failures.length, 'the known bug seems fixed: use expectHeld').toBeGreaterThan(0);
  const unexpected = result.failures.filter((line) => !known.some((pattern) => pattern.test(line)));
  expect(unexpected).toEqual([]);
}

describe('reliability suite, quick run', () => {
  it('a PostgreSQL outage mid-survey: no crash, the bot serves again without a restart, nothing lost or doubled', async () => {
    const result = await runQuick(postgresOutage);
    expectHeld(result, postgresOutage.trials.quick);
    expect(result.figures).toContainEqual(['lost', '0']);
  }, 120_000);

  it('SIGKILL of the bot, and of the bot with its PostgreSQL, mid-survey: nothing lost or doubled, nobody stuck (known today: a restart may need a second try)', async () => {
    const result = await runQuick(killDuringSurvey);
    expect(result.trials).toBe(killDuringSurvey.trials.quick);
    expect(result.figures).toContainEqual(['lost', '0']);
    expect(result.figures).toContainEqual(['stored twice', '0']);
    expect(result.figures).toContainEqual(['stuck', '0']);
    expectOnlyKnown(result, [/restart attempt 1 exited with code 1/, /restarts needed another try/], { mustFail: false });
  }, 180_000);

  it('staff commands delivered three times, or again after a restart, have one effect each (known to fail today)', async () => {
    const result = await runQuick(staffRedelivery);
    expect(result.trials).toBe(staffRedelivery.trials.quick);
    expect(result.figures).toContainEqual(['missing effects', '0']);
    expectOnlyKnown(result, [/^trial \d+, \/(tindaklanjut|undang) (duplicated|redelivered): [23] effects, expected 1$/], { mustFail: true });
  }, 120_000);

  it('malformed and hostile updates: no crash, no error-level log line, and a citizen completes afterwards (known to fail today: error-level lines)', async () => {
    const result = await runQuick(hostileUpdates, 200);
    expect(result.trials).toBe(200);
    expect(result.figures).toContainEqual(['crashes', '0']);
    expect(result.figures).toContainEqual(['citizen completes afterwards', 'yes']);
    expectOnlyKnown(result, [/error-level log line "telegraf error" \(TypeError: /], { mustFail: true });
  }, 120_000);
});
