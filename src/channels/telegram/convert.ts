// Telegram updates in, channel-neutral events out; engine output in, Bot API payloads out.
// Nothing else in the project knows what a Telegram update looks like.
import type { InlineKeyboardMarkup, Update } from 'telegraf/types';
import type { InboundEvent, Locale, OutMessage } from '../../survey/types.js';
import { textEvent } from '../text.js';

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

/** Null for updates the citizen bot ignores (groups, channels, edits, member changes...). */
export function fromUpdate(update: Update): TelegramInbound | null {
  if ('callback_query' in update) {
    const query = update.callback_query;
    const message = query.message;
    if (message && message.chat.type !== 'private') return null;
    const chatId = String(message?.chat.id ?? query.from.id);
    const data = 'data' in query && typeof query.data === 'string' ? query.data : '';
    return {
      updateId: update.update_id,
      chatId,
      event: { kind: 'choice', token: data },
      localeHint: localeOf(query.from.language_code),
      callback: { id: query.id, messageId: message?.message_id },
    };
  }
  if ('message' in update) {
    const message = update.message;
    if (message.chat.type !== 'private') return null;
    const localeHint = localeOf(message.from?.language_code);
    const base = { updateId: update.update_id, chatId: String(message.chat.id), localeHint, fromName: message.from?.first_name };
    if ('text' in message && typeof message.text === 'string') return { ...base, event: textEvent(message.text) };
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
