// A short run of the reliability suite (`npm run chaos`, bench/chaos/) in quick mode: each
// property's own runner against the real program (bin/start.js in its own process, the fake Bot
// API, embedded PostgreSQL), with the quick trial counts. The full run (100 kill trials, 10,000
// hostile updates, 10 s outages) is `npm run chaos`.

import { describe, expect, it } from 'vitest';
import type { ChaosProperty, PropertyResult } from '../../bench/chaos/property.js';
import { buildOnce } from '../../bench/chaos/support/bot.js';
import { property as flood } from '../../bench/chaos/properties/flood.js';
import { property as hostileUpdates } from '../../bench/chaos/properties/hostile-updates.js';
import { property as webhook } from '../../bench/chaos/properties/webhook.js';
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

describe('reliability suite, quick run', () => {
  it('a PostgreSQL outage mid-survey: no crash, the bot serves again without a restart, nothing lost or doubled', async () => {
    const result = await runQuick(postgresOutage);
    expectHeld(result, postgresOutage.trials.quick);
    expect(result.figures).toContainEqual(['lost', '0']);
  }, 120_000);

  it('SIGKILL of the bot, and of the bot with its PostgreSQL, mid-survey: nothing lost or doubled, nobody stuck, every restart works at the first try', async () => {
    const result = await runQuick(killDuringSurvey);
    expectHeld(result, killDuringSurvey.trials.quick);
    expect(result.figures).toContainEqual(['lost', '0']);
    expect(result.figures).toContainEqual(['stored twice', '0']);
    expect(result.figures).toContainEqual(['stuck', '0']);
  }, 180_000);

  it('staff commands delivered three times, or again after a restart, have one effect each', async () => {
    const result = await runQuick(staffRedelivery);
    expectHeld(result, staffRedelivery.trials.quick);
    expect(result.figures).toContainEqual(['missing effects', '0']);
  }, 120_000);

  it('malformed and hostile updates: no crash, no error-level log line, and a citizen completes afterwards', async () => {
    const result = await runQuick(hostileUpdates, 200);
    expectHeld(result, 200);
    expect(result.figures).toContainEqual(['crashes', '0']);
    expect(result.figures).toContainEqual(['citizen completes afterwards', 'yes']);
  }, 120_000);

  it('hostile webhook requests: each refused with its status (or ignored), none has an effect, a citizen completes by POSTs', async () => {
    const result = await runQuick(webhook, 60);
    expectHeld(result, 60);
    expect(result.figures).toContainEqual(['refused but claimed', '0']);
  }, 120_000);

  it('one chat flooding: the others complete, the flood gets few answers and one slow-down note', async () => {
    const result = await runQuick(flood, 300);
    expectHeld(result, 300);
    expect(result.figures).toContainEqual(['citizens completed', '5/5']);
  }, 120_000);
});
