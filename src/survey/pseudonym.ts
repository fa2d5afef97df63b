// Citizens' chat ids are kept only as a keyed hash (HMAC-SHA256): enough to continue a
// conversation and enforce one response per unit, useless without the key (UU PDP: store the
// minimum). The key comes from PSEUDONYM_KEY, or is generated once and kept in the database.
import crypto from 'node:crypto';
import type { Db } from '../db/client.js';

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

/** PSEUDONYM_KEY when set; otherwise a random key generated on first start and stored. */
export async function resolvePseudonymKey(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const generated = crypto.randomBytes(32).toString('base64url');
  await db.appSetting.createMany({ data: [{ key: 'pseudonym_key', value: generated }], skipDuplicates: true });
  const row = await db.appSetting.findUniqueOrThrow({ where: { key: 'pseudonym_key' } });
  return row.value;
}
