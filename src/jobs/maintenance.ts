// Housekeeping that privacy and exactly-once rely on: forget processed update ids after 48 h,
// drop unfinished surveys once expired (partial answers are never kept), and after the retention
// period unlink responses from chat identities and delete idle conversations; delete delivered
// outbox messages (and images no message uses any more) after the outbox retention period; forget
// the WhatsApp identity aliases of people whose conversation is gone; forget the bot's sent WhatsApp
// messages (kept for retry receipts) after WHATSAPP_SENT_RETENTION_HOURS. The maintenance job
// (defs/maintenance.ts) runs this every 15 minutes through the scheduler.
import type { Db } from '../db/client.js';
import type { Pseudonymizer } from '../survey/pseudonym.js';

export interface MaintenanceResult {
  processedUpdates: number;
  expiredDrafts: number;
  unlinkedResponses: number;
  deletedConversations: number;
  deletedOutbox: number;
  deletedAliases: number;
  deletedWhatsAppSent: number;
}

export const PROCESSED_UPDATE_RETENTION_HOURS = 48;

export async function runMaintenance(
  db: Db,
  now: Date,
  retentionDays: number,
  outboxRetentionDays = 90,
  pseudonymizer?: Pseudonymizer,
  whatsAppSentHours = WHATSAPP_SENT_RETENTION_HOURS,
): Promise<MaintenanceResult> {
  const updatesBefore = new Date(now.getTime() - PROCESSED_UPDATE_RETENTION_HOURS * 3_600_000);
  const retentionBefore = new Date(now.getTime() - retentionDays * 86_400_000);
  const processedUpdates = await db.$executeRaw`DELETE FROM "ProcessedUpdate" WHERE "processedAt" < ${updatesBefore}`;
  // Keep the chat's language and consent; forget the unfinished survey.
  const expiredDrafts = await db.$executeRaw`
    UPDATE "Conversation"
    SET state = jsonb_set(jsonb_set(state, '{survey}', 'null'::jsonb), '{step}', '{"kind":"idle"}'::jsonb),
        "expiresAt" = NULL
    WHERE "expiresAt" < ${now}`;
  const unlinkedResponses = await db.$executeRaw`
    UPDATE "Response" SET "respondentKey" = NULL WHERE "respondentKey" IS NOT NULL AND "submittedAt" < ${retentionBefore}`;
  const deletedConversations = await db.$executeRaw`
    DELETE FROM "Conversation" WHERE "updatedAt" < ${retentionBefore} AND "expiresAt" IS NULL`;
  // Only finished messages go: pending, failed and interrupted ones stay for the operator.
  const outboxBefore = new Date(now.getTime() - outboxRetentionDays * 86_400_000);
  const deletedOutbox = await db.$executeRaw`
    DELETE FROM "OutboxMessage" WHERE status IN ('sent', 'cancelled') AND "createdAt" < ${outboxBefore}`;
  if (deletedOutbox > 0) {
    await db.$executeRaw`DELETE FROM "OutboxFile" f WHERE NOT EXISTS (SELECT 1 FROM "OutboxMessage" m WHERE m."fileId" = f.id)`;
  }
  const deletedAliases = pseudonymizer ? await purgeWhatsAppAliases(db, pseudonymizer, retentionBefore) : 0;
  const deletedWhatsAppSent = await pruneWhatsAppSent(db, new Date(now.getTime() - whatsAppSentHours * 3_600_000));
  return { processedUpdates, expiredDrafts, unlinkedResponses, deletedConversations, deletedOutbox, deletedAliases, deletedWhatsAppSent };
}

/** The default of WHATSAPP_SENT_RETENTION_HOURS: a retry receipt comes within minutes, rarely after a day. */
export const WHATSAPP_SENT_RETENTION_HOURS = 24;

/** The bot's sent WhatsApp messages (kept to answer retry receipts) sent before `before`. */
export async function pruneWhatsAppSent(db: Db, before: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM "WhatsAppSentMessage" WHERE "sentAt" < ${before}`;
}

/**
 * WhatsApp aliases (keyed hashes linking a person's phone-number JID and LID) older than the
 * retention period, of people who no longer have a conversation (it is deleted after the same
 * period of silence): the link between their two identities is forgotten too. A person who writes
 * again afterwards starts afresh, like anyone new. Batches of 5,000 per run.
 */
export async function purgeWhatsAppAliases(db: Db, pseudonymizer: Pseudonymizer, before: Date): Promise<number> {
  const old = await db.whatsAppAlias.findMany({
    where: { createdAt: { lt: before } },
    select: { canonicalKey: true },
    distinct: ['canonicalKey'],
    take: 5000,
  });
  if (old.length === 0) return 0;
  const byChatKey = new Map(old.map((a) => [pseudonymizer.chatKey('whatsapp', a.canonicalKey), a.canonicalKey]));
  const alive = await db.conversation.findMany({ where: { channel: 'whatsapp', chatKey: { in: [...byChatKey.keys()] } }, select: { chatKey: true } });
  for (const c of alive) byChatKey.delete(c.chatKey);
  if (byChatKey.size === 0) return 0;
  const { count } = await db.whatsAppAlias.deleteMany({ where: { canonicalKey: { in: [...byChatKey.values()] } } });
  return count;
}
