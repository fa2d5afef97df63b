// Shared by the properties that disturb citizens mid-survey: a crowd of simulated citizens on the
// fake Bot API, a trigger at the n-th message the bot sends them (a "random moment" measured in
// progress, so it means the same on a fast or a loaded machine), and the verdict from what the
// database holds for each of them.
import { createPseudonymizer } from '../../../src/survey/pseudonym.js';
import type { FakeBotApi } from '../../../test/support/fake-bot-api.js';
import { Citizen, type CitizenLimits, type CitizenOutcome } from './citizen.js';
import { withClient } from './postgres.js';

/** The demo MPP's units (src/db/seed.ts), rated in turn. */
export const UNITS = ['DUKCAPIL', 'DPMPTSP', 'SAMSAT', 'BPJSKES', 'IMIGRASI'] as const;

/** Fixed so that the harness can find each citizen's responses (they are stored under this HMAC). */
export const PSEUDONYM_KEY = 'chaos-suite-pseudonym-key-0123456789abcdef';

/** Roughly the messages one survey takes (greeting, consent, questions, closing). */
export const MESSAGES_PER_SURVEY = 20;

export class Crowd {
  /** False while the bot is down: citizens' patience does not run out then. */
  up = true;
  private sent = 0;
  private readonly waiters: { at: number; resolve: () => void }[] = [];
  readonly citizens: Citizen[];

  constructor(
    readonly fake: FakeBotApi,
    chatIds: readonly number[],
    random: () => number,
  ) {
    const world = { fake, botUp: () => this.up, random };
    this.citizens = chatIds.map((id, i) => new Citizen(world, id, UNITS[i % UNITS.length]!));
    const mine = new Set(chatIds.map(String));
    fake.onMessage = (chatId) => {
      if (!mine.has(chatId)) return;
      this.sent++;
      for (const waiter of this.waiters.filter((w) => this.sent >= w.at)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    };
  }

  /** Resolves once the bot has sent `n` messages to this crowd. */
  afterMessages(n: number): Promise<void> {
    if (this.sent >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at: n, resolve }));
  }

  rate(limits: CitizenLimits): Promise<CitizenOutcome[]> {
    return Promise.all(this.citizens.map((c) => c.rate(limits)));
  }

  markRestart(): void {
    for (const c of this.citizens) c.markRestart();
  }
}

/**
 * One ordinary citizen rates a unit after a property's fault: true when thanked with exactly one
 * response stored; otherwise `why` says what happened instead.
 */
export async function aCitizenCompletes(
  fake: FakeBotApi,
  databaseUrl: string,
  chatId: number,
  random: () => number,
): Promise<{ completed: boolean; why: string }> {
  const crowd = new Crowd(fake, [chatId], random);
  const [citizen] = await crowd.rate({ patienceMs: 5000, maxRecoveries: 3, deadline: Date.now() + 120_000 });
  const stored = (await responsesPerChat(databaseUrl, [chatId])).get(chatId) ?? 0;
  return {
    completed: citizen!.thanked && stored === 1,
    why: `${citizen!.thanked ? 'thanked' : (citizen!.stuck ?? 'not thanked')}, ${stored} responses stored`,
  };
}

/** How many Response rows each chat has. */
export async function responsesPerChat(url: string, chatIds: readonly number[]): Promise<Map<number, number>> {
  const pseudonym = createPseudonymizer(PSEUDONYM_KEY);
  const keyOf = new Map(chatIds.map((id) => [pseudonym.chatKey('telegram', String(id)), id]));
  const rows = await withClient(url, (client) =>
    client.query<{ key: string; n: string }>(
      'SELECT "respondentKey" AS key, count(*) AS n FROM "Response" WHERE "respondentKey" = ANY($1) GROUP BY 1',
      [[...keyOf.keys()]],
    ),
  );
  const counts = new Map(chatIds.map((id) => [id, 0]));
  for (const row of rows.rows) counts.set(keyOf.get(row.key)!, Number(row.n));
  return counts;
}

export interface SurveyTally {
  citizens: number;
  /** Told "received" or "already rated", and exactly one row stored. */
  completed: number;
  /** Told "received" (or "already rated") but no row stored. */
  lost: number;
  /** More than one row for one citizen. */
  doubled: number;
  /** Gave up: no thank-you within the allowed re-tries and time. */
  stuck: number;
  recoveries: number;
  maxStepsAfterRestart: number;
  problems: string[];
}

export function emptyTally(): SurveyTally {
  return { citizens: 0, completed: 0, lost: 0, doubled: 0, stuck: 0, recoveries: 0, maxStepsAfterRestart: 0, problems: [] };
}

/** Adds one trial's citizens to the tally; `label` names the trial in problem lines. */
export function tallySurveys(tally: SurveyTally, label: string, outcomes: readonly CitizenOutcome[], rows: Map<number, number>): void {
  for (const o of outcomes) {
    const stored = rows.get(o.chatId) ?? 0;
    tally.citizens++;
    tally.recoveries += o.recoveries;
    tally.maxStepsAfterRestart = Math.max(tally.maxStepsAfterRestart, o.stepsAfterRestart);
    const done = o.thanked || o.alreadyRated;
    if (done && stored === 0) {
      tally.lost++;
      tally.problems.push(
        `${label}: citizen ${o.chatId} (${o.unit}) was told "${o.thanked ? 'received' : 'already rated'}" but no response is stored`,
      );
    }
    if (stored > 1) {
      tally.doubled++;
      tally.problems.push(`${label}: citizen ${o.chatId} (${o.unit}) has ${stored} responses stored`);
    }
    if (!done) {
      tally.stuck++;
      tally.problems.push(`${label}: citizen ${o.chatId} (${o.unit}) stuck: ${o.stuck ?? 'unknown'} (${o.steps} steps, ${stored} stored)`);
    }
    if (done && stored === 1) tally.completed++;
  }
}
