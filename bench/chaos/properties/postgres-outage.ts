// The operator's PostgreSQL (DATABASE_URL) goes away mid-survey for 10 s (2.5 s in quick mode) and
// comes back on the same address, while five citizens keep tapping; they get apologies meanwhile
// and try again as people do. Must hold: the bot process never exits, it serves again without a
// restart, and no rating is lost or stored twice.
import path from 'node:path';
import { FakeBotApi } from '../../../test/support/fake-bot-api.js';
import { type ChaosProperty, randomSource, Verdict } from '../property.js';
import { BotProcess } from '../support/bot.js';
import { ControlledPostgres, tempDir } from '../support/postgres.js';
import { Crowd, emptyTally, MESSAGES_PER_SURVEY, PSEUDONYM_KEY, responsesPerChat, tallySurveys } from '../support/survey.js';

const CITIZENS = 5;
const PATIENCE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const property: ChaosProperty = {
  name: 'postgres-outage',
  description: `PostgreSQL stopped for 10 s (quick: 2.5 s) while ${CITIZENS} citizens rate: no crash, serves again without restart, nothing lost`,
  trials: { full: 3, quick: 1 },
  async run({ trials, quick, seed, note }) {
    const outageMs = quick ? 2500 : 10_000;
    const random = randomSource(seed + 13);
    const verdict = new Verdict();
    const tally = emptyTally();
    const work = await tempDir('outage');
    const server = await ControlledPostgres.start(path.join(work.dir, 'pg'));
    const fake = await FakeBotApi.start({ maxPollMs: 1000 });
    const env = { DATABASE_URL: server.url, SEED_DEMO: 'true', PSEUDONYM_KEY };
    let bot: BotProcess | undefined;
    let ran = 0;
    const backAfter: number[] = [];
    try {
      const outcome = await BotProcess.launch(fake, env);
      if (!outcome.bot) throw new Error(`the bot did not start: exit ${outcome.exit?.code}\n${outcome.exit?.stderrTail}`);
      bot = outcome.bot;
      const pid = bot.pid;
      for (let trial = 0; trial < trials && !bot.crashed; trial++) {
        const label = `trial ${trial + 1}`;
        const chatIds = Array.from({ length: CITIZENS }, (_, k) => 930_000_000 + (seed % 1000) * 1000 + trial * CITIZENS + k);
        const crowd = new Crowd(fake, chatIds, random);
        const at = 1 + Math.floor(random() * CITIZENS * MESSAGES_PER_SURVEY * 0.6);
        const surveys = crowd.rate({
          patienceMs: PATIENCE_MS,
          // People keep trying through the outage, and a few times more after it.
          maxRecoveries: Math.ceil(outageMs / PATIENCE_MS) + 6,
          deadline: Date.now() + 180_000 + outageMs,
        });
        await Promise.race([crowd.afterMessages(at), surveys]);
        await server.stop();
        const errorsBefore = bot.errorLines().length;
        await sleep(outageMs);
        await server.start();
        const restored = Date.now();
        const sentBefore = fake.allMessages().length;
        void (async () => {
          while (fake.allMessages().length === sentBefore && Date.now() - restored < 60_000) await sleep(10);
          if (fake.allMessages().length > sentBefore) backAfter.push(Date.now() - restored);
        })();
        const outcomes = await surveys;
        tallySurveys(tally, label, outcomes, await responsesPerChat(server.url, chatIds));
        ran++;
        note(
          `${label}: outage after ${at} messages; ${bot.errorLines().length - errorsBefore} error lines during it; ${tally.completed}/${tally.citizens} completed so far`,
        );
      }
      verdict.check(
        !bot.crashed && bot.pid === pid,
        `the bot exited during the outage (code ${bot.child.exitCode}): ${bot.otherStderr.slice(-12).join(' | ')}`,
      );
      if (!bot.crashed) {
        const code = await bot.stop();
        verdict.check(code === 0, `the bot stopped on SIGTERM with exit code ${code}`);
      }
    } finally {
      await bot?.kill();
      await server.stop();
      await fake.close();
      await work.remove();
    }
    verdict
      .figure('outage', `${outageMs / 1000} s`)
      .figure('citizens', tally.citizens)
      .figure('completed', tally.completed)
      .figure('lost', tally.lost)
      .figure('stored twice', tally.doubled)
      .figure('stuck', tally.stuck)
      .figure('crashes', bot?.crashed ? 1 : 0)
      .figure('re-tries by citizens', tally.recoveries)
      .figure('first reply after PostgreSQL came back', backAfter.length > 0 ? `${Math.max(...backAfter)} ms (worst)` : 'n/a');
    verdict.failures.push(...tally.problems);
    verdict.check(ran === trials && tally.citizens === ran * CITIZENS, `ran ${ran} of ${trials} trials`);
    verdict.check(
      tally.lost === 0 && tally.doubled === 0 && tally.stuck === 0,
      `${tally.lost} lost, ${tally.doubled} stored twice, ${tally.stuck} stuck`,
    );
    return verdict.result(ran);
  },
};
