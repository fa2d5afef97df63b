// Citizens' chat ids are kept only as a keyed hash (HMAC-SHA256): enough to continue a
// conversation and enforce one response per unit, useless without the key (UU PDP: store the
// minimum). The key comes from PSEUDONYM_KEY, or is generated once and kept in the database.
import crypto from 'node:crypto';
import { type Db, sqlOf } from '../db/client.js';

export interface Pseudonymizer {
  chatKey(channel: string, chatId: string): string;
}

export function createPseudonymizer(key: string): Pseudonymizer {
  return {
    chatKey(channel, chatId) {
      return crypto.createHmac('sha256', key).update(`${channel}:${chatId}`).digest('base64url').slice(0, 32);
    },
  };
}

/**
 * PSEUDONYM_KEY when set; otherwise a random key generated on first start and stored. Plain SQL
 * (src/db/sql.ts): it runs before the first prompt of every start.
 */
export async function resolvePseudonymKey(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const sql = sqlOf(db);
  const generated = crypto.randomBytes(32).toString('base64url');
  // Two instances starting on a new database: one key is stored, both read it. The read is a
  // statement of its own, so it sees the key the other stored whichever insert won.
  await sql.execute(`INSERT INTO "AppSetting" (key, value, "updatedAt") VALUES ('pseudonym_key', $1, $2) ON CONFLICT (key) DO NOTHING`, [
    generated,
    new Date(),
  ]);
  const [row] = await sql.query<{ value: string }>(`SELECT value FROM "AppSetting" WHERE key = 'pseudonym_key'`);
  if (!row) throw new Error('the pseudonym key could not be stored');
  return row.value;
}
