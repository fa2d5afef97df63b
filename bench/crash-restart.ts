// Crash trials at scale: `npx tsx bench/crash-restart.ts [count] [seed]` starts `npm start`'s
// entry point on one data folder until `count` starts (100 by default) have answered, each after a
// SIGKILL of Node, the postmaster and/or the backends at a random moment (test/support/crash-trials.ts).
// Exits 1 if any start failed the first time or PostgreSQL outlived a clean exit.
import { runCrashTrials } from '../test/support/crash-trials.js';

const count = Number(process.argv[2] ?? 100);
const seed = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const result = await runCrashTrials({ count, ...(seed === undefined ? {} : { seed }), onProgress: (line) => console.log(line) });
const sorted = [...result.readyMs].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
console.log(
  `seed ${result.seed}: ${result.succeeded} starts answered first time, ${result.failures.length} failed, ${result.interrupted} killed before answering; ` +
    `kills ${JSON.stringify(result.kills)}; median time to answer ${median} ms; PostgreSQL processes left after a clean exit: ${result.leftAfterCleanExit}`,
);
for (const failure of result.failures) console.log(`FAILED start ${failure.start} after ${failure.after}: ${failure.stderr.trim()}`);
process.exitCode = result.failures.length === 0 && result.leftAfterCleanExit === 0 ? 0 : 1;
