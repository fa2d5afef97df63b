// What the bot sent on WhatsApp, kept by message id (table WhatsAppSentMessage) so that a retry
// receipt can be answered. A recipient's phone that cannot decrypt a message (common on a first
// message, while a new Signal session is set up) asks for it again; Baileys then calls the
// socket's `getMessage` for the original, re-encrypts and re-sends it. Without the original the
// retry is dropped and the person sees "Waiting for this message" for good. An unknown id is
// answered with `undefined`, never with an empty message: an empty one would use the retry up.
//
// Only the bot's own messages are kept (replies, officials' messages, captions; a message whose
// key is not fromMe is refused), as the message proto in JSON (bytes as base64, 64-bit numbers as
// strings). PostgreSQL rather than memory: after a restart, or on the instance that took the
// socket over, a late retry is still answered. The maintenance job deletes rows after
// WHATSAPP_SENT_RETENTION_HOURS (src/jobs/maintenance.ts).
import { proto, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../log.js';
import { scrubbed } from './socket.js';

/** The message proto as stored: a JSON object that proto.Message.fromObject reads back. */
export function toStoredMessage(message: proto.IMessage): Prisma.InputJsonObject {
  return proto.Message.toObject(proto.Message.fromObject(message), { longs: String, bytes: String });
}

export class SentMessageStore {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Keeps what the socket reported as sent. Never throws: a reply that went out is not failed
   * because it could not be kept (it only cannot be re-sent on a retry then).
   */
  async remember(sent: readonly (WAMessage | undefined)[]): Promise<void> {
    const rows: { id: string; message: Prisma.InputJsonObject; sentAt: Date }[] = [];
    for (const message of sent) {
      const id = message?.key.id;
      // Only the bot's own messages: a citizen's text must never be kept here.
      if (!message || !id || message.key.fromMe !== true || !message.message) continue;
      const stored = toStoredMessage(message.message);
      if (Object.keys(stored).length === 0) continue;
      rows.push({ id, message: stored, sentAt: new Date(this.clock()) });
    }
    if (rows.length === 0) return;
    try {
      await this.db.whatsAppSentMessage.createMany({ data: rows, skipDuplicates: true });
    } catch (error) {
      this.log.warn(
        { err: scrubbed(error), messages: rows.length },
        'WhatsApp: could not keep sent messages; a retry receipt for them cannot be answered',
      );
    }
  }

  /** Baileys' `getMessage`: the original of a message the bot sent, or undefined when it is not kept. */
  readonly getMessage = async (key: WAMessageKey): Promise<proto.IMessage | undefined> => {
    if (!key.id) return undefined;
    try {
      const row = await this.db.whatsAppSentMessage.findUnique({ where: { id: key.id }, select: { message: true } });
      if (!row || typeof row.message !== 'object' || row.message === null || Array.isArray(row.message)) return undefined;
      if (Object.keys(row.message).length === 0) return undefined;
      return proto.Message.fromObject(row.message);
    } catch (error) {
      this.log.warn({ err: scrubbed(error) }, 'WhatsApp: could not read a sent message for a retry');
      return undefined;
    }
  };
}
