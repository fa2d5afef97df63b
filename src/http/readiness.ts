// Readiness for GET /readyz: the database answers, every migration this code ships is applied, and
// each running channel is connected. Checked at most once a second, however often it is probed.
import type { Db } from '../db/client.js';
import { knownMigrations } from '../db/migrate.js';
import type { Readiness } from './server.js';

const CACHE_MS = 1000;
const DB_TIMEOUT_MS = 2000;

export function readinessCheck(db: Db, channels: Record<string, () => boolean>): () => Promise<Readiness> {
  const names = knownMigrations();
  names.catch(() => {});
  let cached: { at: number; value: Promise<Readiness> } | undefined;
  const check = async (): Promise<Readiness> => {
    const checks: Record<string, boolean> = {};
    try {
      const wanted = await names;
      const rows = await withTimeout(
        db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_skm_migrations" WHERE name = ANY(${wanted}::text[])`,
        DB_TIMEOUT_MS,
      );
      checks.database = true;
      checks.migrations = Number(rows[0]?.n ?? 0) === wanted.length;
    } catch {
      checks.database = false;
      checks.migrations = false;
    }
    for (const [name, connected] of Object.entries(channels)) checks[name] = connected();
    return { ready: Object.values(checks).every(Boolean), checks };
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= CACHE_MS) cached = { at: now, value: check() };
    return cached.value;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
