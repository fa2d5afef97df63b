// PostgreSQL for the mutation run's database tests: the same embedded server as the main suite's
// setup (test/support/global-setup.ts), without bundling dist/ (no test here starts bin/start.js).
import type { TestProject } from 'vitest/node';
import { provideDatabase } from '../support/global-setup.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  return await provideDatabase(project, 'skm-mutation-pg-');
}
