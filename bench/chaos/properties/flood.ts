// One chat floods the bot (long polling) with messages at about 1,000 a second, in bursts of 50
// every 50 ms, while a few citizens rate their units. Must hold: every citizen completes with
// exactly one response stored; the flooding chat gets only a few answers and at most one "please
// slow down" note a minute; the bot's memory stays bounded; no error-level log line; the process
// never dies. Here `trials` counts the flood's messages. (How much the flood slows the others is
// measured by `npm run bench`.)
import path from 'node:path';
import { FakeBotApi } from '../../../test/support/fake-bot-api.js';
import { type ChaosProperty, randomSource, Verdict } from '../property.js';
import { BotProcess } from '../support/bot.js';
import { embeddedUrl, stopPostgres, tempDir } from '../support/postgres.js';
import { Crowd, PSEUDONYM_KEY, responsesPerChat } from '../support/survey.js';

const CITIZENS = 5;
const FLOODER = 964_999_999;
/** Flood messages sent at once, every BURST ms (about 1,000 a second). */
const BURST = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const property: ChaosProperty = {
  name: 'flood',
  description: 'one chat sends thousands of messages at ~1,000/s: others complete, the flood gets few answers, memory bounded',
  trials: { full: 5_000, quick: 600 },
  async run({ trials, seed, note }) {
    const random = randomSource(seed + 13);
    const verdict = new Verdict();
    const work = await tempDir('flood');
    const pgDir = path.join(work.dir, 'postgres');
    const fake = await FakeBotApi.start({ maxPollMs: 500, perChatPerSecond: 1_000_000, globalPerSecond: 1_000_000 });
    const env = { DATABASE_URL: '', SKM_DATA_DIR: work.dir, SEED_DEMO: 'true', PSEUDONYM_KEY, PORT: '0' };
    let bot: BotProcess | undefined;
    let sent = 0;
    let peakRssMb = 0;
    let completed: number;
    let answered: number;
    let notes: number;
    const started = Date.now();
    try {
      const outcome = await BotProcess.launch(fake, env);
      if (!outcome.bot) throw new Error(`the bot did not start: exit ${outcome.exit?.code}\n${outcome.exit?.stderrTail}`);
      bot = outcome.bot;
      const running = bot;
      const chatIds = Array.from({ length: CITIZENS }, (_, i) => 965_000_000 + i);
      const crowd = new Crowd(fake, chatIds, random);
      const rating = crowd.rate({ patienceMs: 10_000, maxRecoveries: 3, deadline: Date.now() + 180_000 });
      const flooding = (async () => {
        // About 1,000 a second, in bursts larger than the chat's queue: the bot may take only the
        // first few of each burst, however fast it is. (Evenly spaced messages, 10 every 10 ms, made
        // the number answered depend on the machine: a bot twice as fast answered twice as many.)
        while (sent < trials && !running.crashed) {
          for (let i = 0; i < BURST && sent < trials; i++, sent++) {
            fake.sendText(FLOODER, `spam ${sent}`);
            if ((sent + 1) % 1000 === 0) note(`${sent + 1} flood messages sent`);
          }
          peakRssMb = Math.max(peakRssMb, running.rssMb());
          await sleep(BURST);
        }
      })();
      const [outcomes] = await Promise.all([rating, flooding]);
      // Let the bot take what is still queued.
      const drain = Date.now() + 60_000;
      while (fake.unconfirmed > 0 && !running.crashed && Date.now() < drain) {
        peakRssMb = Math.max(peakRssMb, running.rssMb());
        await sleep(50);
      }
      const stored = await responsesPerChat(embeddedUrl(pgDir), chatIds);
      completed = outcomes.filter((o, i) => o.thanked && stored.get(chatIds[i]!) === 1).length;
      verdict.check(completed === CITIZENS, `${completed} of ${CITIZENS} citizens completed with one response stored`);
      const texts = fake.messages(FLOODER).map((m) => m.text ?? '');
      answered = texts.length;
      notes = texts.filter((t) => t.includes('terlalu cepat') || t.includes('too fast')).length;
      const minutes = Math.ceil((Date.now() - started) / 60_000);
      verdict.check(notes >= 1 && notes <= minutes, `${notes} slow-down notes in ${minutes} minute(s)`);
      verdict.check(answered <= Math.max(50, trials * 0.2), `the flooding chat got ${answered} answers for ${trials} messages`);
      if (!running.crashed) {
        const code = await running.stop();
        verdict.check(code === 0, `the bot stopped on SIGTERM with exit code ${code}`);
      }
      verdict.check(!running.crashed, `the bot exited by itself (code ${running.child.exitCode})`);
    } finally {
      await bot?.kill();
      await stopPostgres(pgDir);
      await fake.close();
      await work.remove();
    }
    const errors = bot?.errorLines() ?? [];
    verdict.check(errors.length === 0, `${errors.length} error-level log lines, e.g. ${errors[0]?.raw.slice(0, 200) ?? ''}`);
    verdict.check(peakRssMb < 300, `peak RSS ${peakRssMb.toFixed(0)} MB (bound: 300 MB)`);
    verdict
      .figure('flood messages', sent)
      .figure('answered', answered)
      .figure('slow-down notes', notes)
      .figure('citizens completed', `${completed}/${CITIZENS}`)
      .figure('error lines', errors.length)
      .figure('peak RSS', `${peakRssMb.toFixed(0)} MB`);
    verdict.check(sent === trials, `sent ${sent} of ${trials} messages`);
    return verdict.result(sent);
  },
};
