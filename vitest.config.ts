import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The mutation run's sandbox copy of the project (npm run mutation), while it exists.
    exclude: [...configDefaults.exclude, 'test/mutation/.stryker-tmp/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only add contention on the shared PostgreSQL.
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent' },
  },
});
