import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only add contention on the shared PostgreSQL.
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent' },
  },
});
