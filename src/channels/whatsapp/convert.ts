// WhatsApp messages in, channel-neutral events out; engine output in, WhatsApp texts out.
// Nothing else in the project knows what a Baileys message looks like.
//
// WhatsApp has no buttons here, so choices are a numbered list ("Balas dengan angka 1–4"), and
// the engine already takes the number or the label's text as the answer. Commands may be typed
// as on Telegram (`/batal`) or as bare words (`BATAL`, `NILAI DUKCAPIL`, `DAFTAR <kode>`): the
// QR posters open `wa.me/<number>?text=NILAI%20<KODE>`, which starts the same survey as
// Telegram's `/start u_<KODE>`.
import {
  getContentType,
  isHostedLidUser,
  isHostedPnUser,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  normalizeMessageContent,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { InboundEvent, Locale, OutMessage, Translate } from '../../survey/types.js';
import { cleanText, parseCommand } from '../text.js';

export interface WhatsAppInbound {
  /** Where the message came from, as received: replies go here. */
  remoteJid: string;
  /** The sender's other identity (LID for a phone-number JID, or the reverse), when Baileys knows it. */
  altJid: string | undefined;
  messageId: string;
  event: InboundEvent;
  /** The sender's WhatsApp profile name: stored only for staff who join with an invitation. */
  pushName: string | undefined;
  /** A typed first word and the rest, tried as a staff command for staff (`SKOR DUKCAPIL`). */
  word: { command: string; arg: string } | undefined;
}

/** Bare words citizens may type instead of a slash command; the value says whether an argument may follow. */
const CITIZEN_WORDS: Record<string, 'none' | 'optional'> = {
  nilai: 'optional',
  daftar: 'optional',
  bahasa: 'optional',
  batal: 'none',
  ulang: 'none',
  bantuan: 'none',
  privasi: 'none',
  hapusdata: 'none',
};

/** Message kinds that carry nothing the survey can read (answered with the re-ask). */
const UNSUPPORTED: Record<string, string> = {
  imageMessage: 'photo',
  stickerMessage: 'sticker',
  audioMessage: 'audio',
  videoMessage: 'video',
  ptvMessage: 'video_note',
  documentMessage: 'document',
  locationMessage: 'location',
  liveLocationMessage: 'location',
  contactMessage: 'contact',
  contactsArrayMessage: 'contact',
  pollCreationMessage: 'poll',
  pollCreationMessageV2: 'poll',
  pollCreationMessageV3: 'poll',
  eventMessage: 'event',
  groupInviteMessage: 'invite',
  productMessage: 'product',
  orderMessage: 'order',
};

/** Not a message from a person to answer: protocol notes, reactions, key distribution, poll votes. */
const SILENT = new Set([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'senderKeyDistributionMessage',
  'messageContextInfo',
  'callLogMesssage',
  'bcallMessage',
]);

/** Only one-to-one chats with people: no groups, broadcasts, status updates, newsletters. */
export function isPersonJid(jid: string): boolean {
  if (isJidGroup(jid) || isJidStatusBroadcast(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)) return false;
  return Boolean(isPnUser(jid) || isLidUser(jid) || isHostedPnUser(jid) || isHostedLidUser(jid));
}

/** Typed text to an event: slash commands, the bare command words, or plain text. */
export function textToEvent(raw: string): InboundEvent {
  const text = cleanText(raw);
  const trimmed = text.trim();
  const command = trimmed.startsWith('/') ? parseCommand(trimmed) : bareWord(trimmed);
  if (!command) return { kind: 'text', text };
  // NILAI <KODE> is the WhatsApp deep link: the same event as Telegram's /start u_<KODE>.
  if (command.command === 'nilai') return { kind: 'command', command: 'start', arg: command.arg ? `u_${command.arg}` : '' };
  return { kind: 'command', ...command };
}

function bareWord(text: string): { command: string; arg: string } | null {
  const match = /^([A-Za-z]{4,12})(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) return null;
  const command = match[1]!.toLowerCase();
  const arg = (match[2] ?? '').trim();
  const rule = CITIZEN_WORDS[command];
  if (!rule || (rule === 'none' && arg !== '')) return null;
  return { command, arg };
}

/** The first word of a text and the rest (for staff commands typed without a slash). */
function firstWord(text: string): { command: string; arg: string } | undefined {
  const match = /^\/?([A-Za-z]{3,20})(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: match[1]!.toLowerCase(), arg: (match[2] ?? '').trim() } : undefined;
}

/** The text of a message, if it is a text (a plain or an extended text message). */
function textOf(content: NonNullable<WAMessage['message']>): string | undefined {
  if (typeof content.conversation === 'string') return content.conversation;
  if (typeof content.extendedTextMessage?.text === 'string') return content.extendedTextMessage.text;
  return undefined;
}

/** Null for messages the bot does not answer (own, groups, broadcasts, status, protocol notes...). */
export function fromMessage(message: WAMessage): WhatsAppInbound | null {
  const key = message.key;
  const remoteJid = key?.remoteJid;
  if (!key || key.fromMe || !remoteJid || !key.id || !isPersonJid(remoteJid)) return null;
  const content = normalizeMessageContent(message.message);
  if (!content) return null;
  const type = getContentType(content);
  if (!type || SILENT.has(type)) return null;
  const alt = key.remoteJidAlt && isPersonJid(key.remoteJidAlt) ? key.remoteJidAlt : undefined;
  const base = { remoteJid, altJid: alt, messageId: key.id, pushName: message.pushName ? cleanText(message.pushName) : undefined };
  const text = textOf(content);
  if (text !== undefined) return { ...base, event: textToEvent(text), word: firstWord(cleanText(text)) };
  return { ...base, event: { kind: 'unsupported', what: UNSUPPORTED[type] ?? 'other' }, word: undefined };
}

/** One engine message as WhatsApp text: the text, then its choices numbered, then how to answer. */
export function renderMessage(message: OutMessage, locale: Locale, t: Translate): string {
  const labels = (message.choices ?? []).flat().map((c) => c.label);
  if (labels.length === 0) return message.text;
  const list = labels.map((label, i) => `${i + 1}. ${label}`);
  const how = labels.length === 1 ? t(locale, 'whatsapp.replyOne') : t(locale, 'whatsapp.replyNumber', { max: labels.length });
  return [message.text, '', ...list, '', `_${how}_`].join('\n');
}
