// Staff commands that Telegram delivers more than once: the same update three times in a row
// (same update_id), and an update whose confirmation never reached Telegram because the bot died
// right after handling it (the restarted bot gets it again). An agency admin, made one with the
// operator's own `skm admin grant`, records a follow-up plan (/tindaklanjut) and invites an
// official (/undang). Must hold: each command has its effect once (one FollowUp row, one
// Invitation), however often it arrives.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { FakeBotApi } from '../../../test/support/fake-bot-api.js';
import { type ChaosProperty, Verdict } from '../property.js';
import { BotProcess, ROOT } from '../support/bot.js';
import { embeddedUrl, stopPostgres, tempDir, withClient } from '../support/postgres.js';

const ADMIN = 970_000_001;
const DELIVERIES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `skm <args>` as the operator runs it, on the bot's data folder. */
function skm(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'skm.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Resolves once the bot has confirmed every update handed to it (their effects are committed by then). */
async function drained(fake: FakeBotApi, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (fake.unconfirmed > 0) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Resolves true once every check holds (each command's effect is committed). */
async function handled(checks: (() => Promise<boolean>)[], timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results = await Promise.all(checks.map((check) => check()));
    if (results.every(Boolean)) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

interface Command {
  name: string;
  text: (trial: number) => string;
  /** Rows this command's effect created, counted from the database. */
  effects: (url: string, trial: number) => Promise<number>;
}

const plan = (trial: number, how: string) => `rencana chaos ${trial} ${how}: tambah petugas loket`;

const COMMANDS = (how: 'duplicated' | 'redelivered'): Command[] => [
  {
    name: `/tindaklanjut ${how}`,
    text: (trial) => `/tindaklanjut SAMSAT 10 hari ${plan(trial, how)}`,
    effects: (url, trial) =>
      withClient(url, async (c) =>
        Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM "FollowUp" WHERE plan = $1', [plan(trial, how)])).rows[0]!.n),
      ),
  },
  {
    name: `/undang ${how}`,
    text: () => '/undang unit SAMSAT',
    // Counted as the rise in invitations around the command (nothing else creates them here).
    effects: (url) => withClient(url, async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM "Invitation"')).rows[0]!.n)),
  },
];

export const property: ChaosProperty = {
  name: 'staff-redelivery',
  description: `staff commands delivered ${DELIVERIES} times, and redelivered after a bot restart: one effect each`,
  trials: { full: 10, quick: 1 },
  async run({ trials, note }) {
    const verdict = new Verdict();
    const work = await tempDir('staff');
    const pgDir = path.join(work.dir, 'postgres');
    const fake = await FakeBotApi.start({ maxPollMs: 1000 });
    const env = { DATABASE_URL: '', SKM_DATA_DIR: work.dir, SEED_DEMO: 'true' };
    const tally = { commands: 0, deliveries: 0, effects: 0, extra: 0, missing: 0, restarts: 0 };
    let ran = 0;
    let bot: BotProcess | undefined;
    const launch = async () => {
      const outcome = await BotProcess.launch(fake, env);
      if (!outcome.bot) throw new Error(`the bot did not start: exit ${outcome.exit?.code}\n${outcome.exit?.stderrTail}`);
      return outcome.bot;
    };
    try {
      bot = await launch();
      const grant = await skm(['admin', 'grant', '--telegram', String(ADMIN), '--agency', 'MPP-DEMO'], env);
      if (grant.code !== 0) throw new Error(`skm admin grant failed (${grant.code}): ${grant.output}`);
      const url = embeddedUrl(pgDir);
      const record = (label: string, before: number, after: number, expected: number) => {
        tally.commands++;
        tally.effects += after - before;
        if (after - before > expected) tally.extra += after - before - expected;
        if (after - before < expected) tally.missing += expected - (after - before);
        verdict.check(after - before === expected, `${label}: ${after - before} effects, expected ${expected}`);
      };
      for (let trial = 0; trial < trials; trial++) {
        // The same update (same update_id) arrives three times in a row.
        for (const command of COMMANDS('duplicated')) {
          const before = await command.effects(url, trial);
          const updateId = fake.sendText(ADMIN, command.text(trial));
          for (let i = 1; i < DELIVERIES; i++) fake.sendText(ADMIN, command.text(trial), { updateId });
          tally.deliveries += DELIVERIES;
          if (!(await drained(fake))) throw new Error('the bot did not take the duplicated command');
          record(`trial ${trial + 1}, ${command.name}`, before, await command.effects(url, trial), 1);
        }
        // Both handled and answered, and then the bot dies before its next getUpdates confirms them.
        const redelivered = COMMANDS('redelivered');
        const before = await Promise.all(redelivered.map((command) => command.effects(url, trial)));
        // Pushed together, so that the bot takes both in one batch.
        const firstId = fake.sendText(ADMIN, redelivered[0]!.text(trial));
        fake.sendText(ADMIN, redelivered[1]!.text(trial));
        fake.stallConfirmationOf(firstId);
        // Both effects committed means both were handled; the first one's confirmation is stalled,
        // so the bot cannot have confirmed it (nor, with it, anything after it).
        if (!(await handled(redelivered.map((command, i) => async () => (await command.effects(url, trial)) > before[i]!)))) {
          throw new Error('the bot did not handle the commands to be redelivered');
        }
        if (fake.unconfirmed < 2)
          throw new Error(`the bot confirmed a command before its first one's confirmation (${fake.unconfirmed} unconfirmed)`);
        await bot.kill();
        fake.releaseConfirmations();
        bot = await launch();
        tally.restarts++;
        tally.deliveries += 2 * redelivered.length;
        if (!(await drained(fake))) throw new Error('the restarted bot did not take the redelivered commands');
        for (const [i, command] of redelivered.entries()) {
          record(`trial ${trial + 1}, ${command.name}`, before[i]!, await command.effects(url, trial), 1);
        }
        verdict.check(!bot.crashed, `trial ${trial + 1}: the bot exited by itself`);
        ran++;
        note(`trial ${trial + 1}: ${tally.effects} effects from ${tally.commands} commands so far`);
      }
      const code = await bot.stop();
      verdict.check(code === 0, `the bot stopped on SIGTERM with exit code ${code}`);
    } finally {
      fake.releaseConfirmations();
      await bot?.kill();
      await stopPostgres(pgDir);
      await fake.close();
      await work.remove();
    }
    verdict
      .figure('commands', tally.commands)
      .figure('deliveries', tally.deliveries)
      .figure('effects', tally.effects)
      .figure('extra effects', tally.extra)
      .figure('missing effects', tally.missing)
      .figure('restarts', tally.restarts);
    verdict.check(ran === trials && tally.commands === trials * 4, `ran ${ran} of ${trials} trials`);
    return verdict.result(ran);
  },
};
