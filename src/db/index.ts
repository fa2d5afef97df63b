// Database capability: connection (external or embedded PostgreSQL), migrations, demo seed.
import path from 'node:path';
import type { Logger } from '../log.js';
import { type Db, createDb } from './client.js';
import { type EmbeddedDb, startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

export type { Db, Tx } from './client.js';
export { createDb } from './client.js';
export { migrate, MigrationError } from './migrate.js';
export { seedDemo, DEMO_AGENCY, DEMO_UNITS } from './seed.js';
export { startEmbeddedPostgres, freePort } from './embedded.js';

export interface Database {
  db: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in `<dataDir>/postgres` when it is
 * unset; applies pending migrations either way.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  log: Logger;
}): Promise<Database> {
  let embedded: EmbeddedDb | undefined;
  let url = options.databaseUrl;
  if (!url) {
    const dataDir = path.join(options.dataDir, 'postgres');
    options.log.info({ dataDir }, 'DATABASE_URL not set: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir, onLog: (line) => options.log.debug({ pg: line.trim() }, 'postgres') });
    url = embedded.url;
  }
  try {
    const result = await migrate(url);
    if (result.applied.length > 0) options.log.info({ applied: result.applied }, 'database migrated');
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const db = createDb(url, options.poolSize);
  return {
    db,
    url,
    embedded: embedded !== undefined,
    async close() {
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
