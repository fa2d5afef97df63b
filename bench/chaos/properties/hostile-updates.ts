// Malformed and hostile updates (see support/hostile.ts: callbacks without `from`, `message: null`,
// missing chats, huge texts, unknown update types, wrong types, emoji and control characters,
// forged callback data, negative and huge ids, and update_ids delivered twice) fed to the real bot
// at LOG_LEVEL=info. Must hold: the process never dies, no log line at error level or above (pino
// level ≥ 50: a malformed update is the sender's problem, not an operator's alarm), and a normal
// citizen completes a survey afterwards. Here `trials` counts updates.
import path from 'node:path';
import { FakeBotApi } from '../../../test/support/fake-bot-api.js';
import { type ChaosProperty, randomSource, Verdict } from '../property.js';
import { BotProcess } from '../support/bot.js';
import { hostileUpdate } from '../support/hostile.js';
import { embeddedUrl, stopPostgres, tempDir } from '../support/postgres.js';
import { aCitizenCompletes, PSEUDONYM_KEY } from '../support/survey.js';

const CHATS = 25;
/** Updates waiting for the bot at most: the flood is fast, but not a memory test. */
const WINDOW = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const property: ChaosProperty = {
  name: 'hostile-updates',
  description: 'malformed and hostile updates: no crash, no error-level log line, a citizen completes afterwards',
  trials: { full: 10_000, quick: 300 },
  async run({ trials, seed, note }) {
    const random = randomSource(seed + 7);
    const verdict = new Verdict();
    const work = await tempDir('hostile');
    const pgDir = path.join(work.dir, 'postgres');
    const fake = await FakeBotApi.start({ maxPollMs: 1000 });
    const env = { DATABASE_URL: '', SKM_DATA_DIR: work.dir, SEED_DEMO: 'true', PSEUDONYM_KEY };
    let bot: BotProcess | undefined;
    let sent = 0;
    let duplicates = 0;
    let completed = false;
    try {
      const outcome = await BotProcess.launch(fake, env);
      if (!outcome.bot) throw new Error(`the bot did not start: exit ${outcome.exit?.code}\n${outcome.exit?.stderrTail}`);
      bot = outcome.bot;
      const earlier: Record<string, unknown>[] = [];
      const deadline = Date.now() + 20 * 60_000;
      while (sent < trials && !bot.crashed && Date.now() < deadline) {
        if (fake.unconfirmed >= WINDOW) {
          await sleep(5);
          continue;
        }
        if (earlier.length > 0 && random() < 0.05) {
          // The very same update again, update_id included: Telegram redelivering it.
          fake.pushUpdate(earlier[Math.floor(random() * earlier.length)]!);
          duplicates++;
        } else {
          const update = hostileUpdate(random, 960_000_000 + Math.floor(random() * CHATS));
          const updateId = fake.pushUpdate(update);
          if (earlier.length < 500) earlier.push({ ...update, update_id: updateId });
        }
        sent++;
        if (sent % 1000 === 0) note(`${sent} updates sent, ${bot.errorLines().length} error lines so far`);
      }
      const drainDeadline = Date.now() + 120_000;
      while (fake.unconfirmed > 0 && !bot.crashed && Date.now() < drainDeadline) await sleep(20);
      verdict.check(fake.unconfirmed === 0 || bot.crashed, `${fake.unconfirmed} updates still not taken after 2 minutes`);

      if (!bot.crashed) {
        const chatId = 961_000_000 + (seed % 1000);
        const citizen = await aCitizenCompletes(fake, embeddedUrl(pgDir), chatId, random);
        completed = citizen.completed;
        verdict.check(completed, `a normal citizen afterwards: ${citizen.why}`);
      }
      verdict.check(!bot.crashed, `the bot exited by itself (code ${bot.child.exitCode}): ${bot.otherStderr.slice(-3).join(' | ')}`);
      if (!bot.crashed) {
        const code = await bot.stop();
        verdict.check(code === 0, `the bot stopped on SIGTERM with exit code ${code}`);
      }
    } finally {
      await bot?.kill();
      await stopPostgres(pgDir);
      await fake.close();
      await work.remove();
    }
    const errors = bot?.errorLines() ?? [];
    const byMessage = new Map<string, number>();
    for (const line of errors) {
      const key = `"${line.msg}" (${errorMessage(line.raw)})`;
      byMessage.set(key, (byMessage.get(key) ?? 0) + 1);
    }
    for (const [key, n] of [...byMessage].sort((a, b) => b[1] - a[1])) verdict.check(false, `${n} × error-level log line ${key}`);
    const stacks = errors.filter((l) => l.raw.includes('"stack"')).length;
    verdict
      .figure('updates', sent)
      .figure('duplicates', duplicates)
      .figure('crashes', bot?.crashed ? 1 : 0)
      .figure('error lines', errors.length)
      .figure('with stacks', stacks)
      .figure('warn lines', bot?.lines.filter((l) => l.level === 40).length ?? 0)
      .figure('other stderr lines', bot?.otherStderr.length ?? 0)
      .figure('citizen completes afterwards', completed ? 'yes' : 'no');
    verdict.check(sent === trials, `sent ${sent} of ${trials} updates`);
    return verdict.result(sent);
  },
};

/** The logged error's own message (pino's `err.message`), for grouping. */
function errorMessage(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { err?: { type?: string; message?: string } };
    return `${parsed.err?.type ?? 'no err'}: ${(parsed.err?.message ?? '').slice(0, 700)}`;
  } catch {
    return 'unparsed';
  }
}
