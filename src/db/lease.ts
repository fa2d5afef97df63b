// A named lease on the Lease table: at most one process holds it at a time (the outbox sender;
// later the WhatsApp socket). A holder renews it well before it lapses; when a holder dies, its
// lease lapses after the time to live and another process takes it.
//
// Taking is one atomic statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE lapsed or ours), so
// two processes racing for a free lease cannot both win. Times come from the caller's clock:
// hosts sharing a database are assumed to keep their clocks in sync (NTP) to well within a TTL.
import type { Db, Tx } from './client.js';

type Conn = Db | Tx;

/** Takes the lease if it is free, lapsed or already ours. True when we hold it afterwards. */
export async function acquireLease(db: Conn, name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO "Lease" (name, holder, "expiresAt", "updatedAt")
    VALUES (${name}, ${holder}, ${expiresAt}, ${now})
    ON CONFLICT (name) DO UPDATE
      SET holder = EXCLUDED.holder, "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = EXCLUDED."updatedAt"
      WHERE "Lease"."expiresAt" <= ${now} OR "Lease".holder = EXCLUDED.holder
    RETURNING holder`;
  return rows.length === 1;
}

/** Extends a lease we hold. False when it is no longer ours (another process took it). */
export async function renewLease(db: Conn, name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const count = await db.$executeRaw`
    UPDATE "Lease" SET "expiresAt" = ${expiresAt}, "updatedAt" = ${now}
    WHERE name = ${name} AND holder = ${holder}`;
  return count === 1;
}

/** Gives the lease up at once (if we hold it), so another process need not wait for it to lapse. */
export async function releaseLease(db: Conn, name: string, holder: string): Promise<void> {
  await db.$executeRaw`DELETE FROM "Lease" WHERE name = ${name} AND holder = ${holder}`;
}

/** Who holds the lease now, if anyone (a lapsed lease counts as free). */
export async function leaseHolder(db: Conn, name: string, now = new Date()): Promise<string | null> {
  const lease = await db.lease.findUnique({ where: { name } });
  return lease && lease.expiresAt > now ? lease.holder : null;
}
