// Telegram updates in, channel-neutral events out; engine output in, Bot API payloads out.
// Nothing else in the project knows what a Telegram update looks like.
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { InboundEvent, Locale, OutMessage } from '../../survey/types.js';
import { cleanText, textEvent } from '../text.js';

const optionalClean = (value: string | undefined): string | undefined => (value === undefined ? undefined : cleanText(value));

export interface TelegramInbound {
  updateId: number;
  chatId: string;
  event: InboundEvent;
  localeHint: Locale | undefined;
  /** The sender's first name: stored only for staff who join with an invitation. */
  fromName?: string | undefined;
  /** Set for button taps: the query to answer and the message that carried the button. */
  callback?: { id: string; messageId: number | undefined };
}

const UNSUPPORTED_KINDS = [
  'sticker',
  'photo',
  'video',
  'video_note',
  'voice',
  'audio',
  'document',
  'animation',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
  'game',
  'story',
] as const;

function localeOf(languageCode: string | undefined): Locale | undefined {
  if (!languageCode) return undefined;
  return languageCode.toLowerCase().startsWith('id') ? 'id' : 'en';
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** A chat or user id: Telegram's are integers below 2^53. */
const id = (value: unknown): string | undefined => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined);

/** An update id: a non-negative integer (Telegram's grow by one from a random start). */
export function updateIdOf(update: unknown): number | undefined {
  const value = isObj(update) ? update.update_id : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Null for updates the citizen bot ignores (groups, channels, edits, member changes...) and for
 * anything malformed. Reads the raw JSON defensively: a webhook body is whatever was POSTed, and a
 * field that Telegram always sends may still be missing or of another type. Never throws.
 */
export function fromUpdate(update: unknown): TelegramInbound | null {
  const updateId = updateIdOf(update);
  if (updateId === undefined || !isObj(update)) return null;
  if ('callback_query' in update) {
    const query = update.callback_query;
    if (!isObj(query)) return null;
    const from = isObj(query.from) ? query.from : undefined;
    const message = isObj(query.message) ? query.message : undefined;
    const chat = message && isObj(message.chat) ? message.chat : undefined;
    if (chat && chat.type !== 'private') return null;
    const chatId = id(chat?.id) ?? id(from?.id);
    const queryId = str(query.id);
    if (chatId === undefined || queryId === undefined || queryId === '') return null;
    const messageId = typeof message?.message_id === 'number' && Number.isSafeInteger(message.message_id) ? message.message_id : undefined;
    return {
      updateId,
      chatId,
      event: { kind: 'choice', token: cleanText(str(query.data) ?? '') },
      localeHint: localeOf(str(from?.language_code)),
      callback: { id: queryId, messageId },
    };
  }
  if ('message' in update) {
    const message = update.message;
    if (!isObj(message) || !isObj(message.chat) || message.chat.type !== 'private') return null;
    const chatId = id(message.chat.id);
    if (chatId === undefined) return null;
    const from = isObj(message.from) ? message.from : undefined;
    const base = { updateId, chatId, localeHint: localeOf(str(from?.language_code)), fromName: optionalClean(str(from?.first_name)) };
    const text = str(message.text);
    if (text !== undefined) return { ...base, event: textEvent(text) };
    const what = UNSUPPORTED_KINDS.find((kind) => kind in message) ?? 'other';
    return { ...base, event: { kind: 'unsupported', what } };
  }
  return null;
}

export function keyboard(message: OutMessage): { reply_markup: InlineKeyboardMarkup } | undefined {
  if (!message.choices || message.choices.length === 0) return undefined;
  return {
    reply_markup: {
      inline_keyboard: message.choices.map((row) => row.map((choice) => ({ text: choice.label, callback_data: choice.token }))),
    },
  };
}
