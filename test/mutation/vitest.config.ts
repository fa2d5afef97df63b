// The vitest run StrykerJS uses for mutation testing (npm run mutation): only the tests that
// exercise the mutated core, so that each mutant reruns seconds of tests, not the whole suite with
// its child processes. MUTATION_TESTS=scoring,engine (a comma-separated list of the groups below)
// narrows it further when only some modules are mutated: every database test file builds its own
// database, which a mutant it covers pays for again.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const GROUPS: Record<string, { files: string[]; database: boolean }> = {
  scoring: { files: ['test/unit/scoring.test.ts', 'test/unit/period.test.ts', 'test/unit/period-words.test.ts'], database: false },
  engine: {
    files: [
      'test/unit/engine.test.ts',
      'test/unit/engine-lenient.test.ts',
      'test/unit/engine-commands.test.ts',
      'test/unit/engine-steps.test.ts',
      'test/unit/answer-match.test.ts',
    ],
    database: false,
  },
  admin: {
    files: [
      'test/integration/staff-authorisation.test.ts',
      'test/integration/staff-claims.test.ts',
      'test/integration/staff-invitations.test.ts',
      'test/integration/staff-people.test.ts',
    ],
    database: true,
  },
  jobs: { files: ['test/integration/jobs.test.ts', 'test/integration/job-runner.test.ts'], database: true },
  // The runner's own tests only: jobs.test.ts renders charts and builds summaries for every mutant
  // it covers (hours on two cores); these check the runner's rules with jobs declared in the test.
  runner: { files: ['test/integration/job-runner.test.ts'], database: true },
};

const chosen = (process.env.MUTATION_TESTS ?? Object.keys(GROUPS).join(',')).split(',').map((name) => {
  const group = GROUPS[name.trim()];
  if (!group) throw new Error(`MUTATION_TESTS: unknown group "${name}" (known: ${Object.keys(GROUPS).join(', ')})`);
  return group;
});

export default defineConfig({
  root: ROOT,
  test: {
    include: chosen.flatMap((g) => g.files),
    globalSetup: chosen.some((g) => g.database) ? ['test/mutation/global-setup.ts'] : [],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
