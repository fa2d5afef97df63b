// Malformed and hostile Telegram updates: what a buggy client, a forged request to a webhook, or a
// future Bot API version may hand the bot. Each generator returns an update without its update_id
// (the fake Bot API numbers them, as Telegram does; duplicates reuse an earlier one on purpose).
type Update = Record<string, unknown>;
type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const HUGE_IDS = [-1, -100_1234567890, 0, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e20, -(2 ** 63)] as const;
const ODD_VALUES: readonly unknown[] = [null, true, 'abc', '', [], {}, -1, 1.5, 1e308, { id: 'x' }, ['nested', ['deep']]];
const TEXTS = [
  '\u0000\u0001\u0002\u001b[31mmerah\u001b[0m',
  '🙏🏽👨‍👩‍👧‍👦🇮🇩'.repeat(50),
  '\u202e\u200b\u200d\ufeff terbalik',
  '\ud800 lone surrogate',
  '/start u_' + 'A'.repeat(300),
  '/start i_' + '💥'.repeat(40),
  '/start u_../../etc/passwd',
  '/start u_DUKCAPIL\'; DROP TABLE "Response"; --',
  '/daftar ' + '\u0000'.repeat(20),
  '/skor DUKCAPIL bulan ini',
  '/tindaklanjut SAMSAT 10 hari bukan staf',
  '/undang admin MPP-DEMO',
  '/bahasa zz',
  '/' + 'x'.repeat(200),
  '/',
  '   ',
  '\n\n\n',
  '9'.repeat(400),
  '-1',
  '3.5',
  '<b>tebal</b> *miring* [tautan](http://127.0.0.1/)',
  '%s%s%s%n ${process.exit(1)} {{constructor.constructor}}',
] as const;

function text(random: Random): string {
  const r = random();
  if (r < 0.04) return 'x'.repeat(100_000);
  if (r < 0.08) return '😀'.repeat(5_000);
  if (r < 0.5) return pick(random, TEXTS);
  const length = 1 + Math.floor(random() * 60);
  return Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join('');
}

function callbackData(random: Random): unknown {
  const r = random();
  if (r < 0.2) return Array.from({ length: 1 + Math.floor(random() * 64) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
  if (r < 0.35) return Buffer.from(Array.from({ length: 40 }, () => Math.floor(random() * 256))).toString('base64');
  if (r < 0.5) return `q:${Math.floor(random() * 99)}:${Math.floor(random() * 9)}:${'z'.repeat(Math.floor(random() * 80))}`;
  if (r < 0.6) return '';
  if (r < 0.7) return 'x'.repeat(5000);
  if (r < 0.8) return pick(random, ODD_VALUES);
  return `${Math.floor(random() * 1e6)}|${pick(random, ['consent', 'u1', 'svc', 'mal', 'lang', 'erase'])}|${pick(random, ['yes', '4', '-1', 'NaN'])}`;
}

function chat(random: Random, chatId: number): Record<string, unknown> {
  const r = random();
  if (r < 0.1) return { id: pick(random, HUGE_IDS), type: 'private' };
  if (r < 0.2) return { id: chatId, type: pick(random, ['group', 'supergroup', 'channel', 'sekte', '']) };
  if (r < 0.25) return { id: String(chatId), type: 'private' };
  if (r < 0.3) return { id: pick(random, ODD_VALUES), type: 'private' };
  return { id: chatId, type: 'private', first_name: 'Warga' };
}

function from(random: Random, chatId: number): unknown {
  const r = random();
  if (r < 0.1) return pick(random, ODD_VALUES);
  if (r < 0.2)
    return {
      id: pick(random, HUGE_IDS),
      is_bot: random() < 0.5,
      first_name: text(random).slice(0, 300),
      language_code: pick(random, ['id', 'en', 'zz', '', 42]),
    };
  return { id: chatId, is_bot: false, first_name: 'Warga', language_code: 'id' };
}

function message(random: Random, chatId: number): unknown {
  const r = random();
  if (r < 0.05) return null;
  if (r < 0.1) return pick(random, ODD_VALUES);
  const base: Record<string, unknown> = {
    message_id: random() < 0.1 ? pick(random, HUGE_IDS) : Math.floor(random() * 1e6),
    date: random() < 0.1 ? 'kemarin' : Math.floor(Date.now() / 1000),
    chat: chat(random, chatId),
    from: from(random, chatId),
  };
  if (r < 0.15) delete base.chat;
  if (r < 0.18) delete base.from;
  const kind = random();
  if (kind < 0.55) base.text = random() < 0.1 ? pick(random, ODD_VALUES) : text(random);
  else if (kind < 0.65)
    base.sticker = { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false };
  else if (kind < 0.72) base.photo = random() < 0.5 ? [] : [{ file_id: 'p', file_unique_id: 'p', width: -1, height: 1e9 }];
  else if (kind < 0.78) base.location = { latitude: 'utara', longitude: null };
  else if (kind < 0.84) {
    base.text = text(random);
    base.entities = [{ type: 'bot_command', offset: -5, length: 1e6 }, pick(random, ODD_VALUES)];
  } else if (kind < 0.9) base.new_chat_members = [from(random, chatId)];
  // else: a message with no content at all
  return base;
}

function callbackQuery(random: Random, chatId: number): unknown {
  const r = random();
  const query: Record<string, unknown> = {
    id: random() < 0.1 ? pick(random, ODD_VALUES) : `hostile-${Math.floor(random() * 1e9)}`,
    from: from(random, chatId),
    chat_instance: 'ci',
    data: callbackData(random),
    message:
      random() < 0.15
        ? pick(random, ODD_VALUES)
        : { message_id: random() < 0.2 ? pick(random, HUGE_IDS) : 1, date: random() < 0.2 ? 0 : 1, chat: chat(random, chatId) },
  };
  if (r < 0.15) delete query.from;
  if (r > 0.85) delete query.message;
  if (random() < 0.05) delete query.data;
  return query;
}

const UNKNOWN_KINDS = [
  'edited_message',
  'channel_post',
  'my_chat_member',
  'chat_join_request',
  'poll_answer',
  'message_reaction',
  'business_message',
  'update_dari_masa_depan',
] as const;

/** One hostile update for a chat id (the harness spreads them over a few chats). */
export function hostileUpdate(random: Random, chatId: number): Update {
  const r = random();
  if (r < 0.45) return { message: message(random, chatId) };
  if (r < 0.8) return { callback_query: callbackQuery(random, chatId) };
  if (r < 0.9) return { [pick(random, UNKNOWN_KINDS)]: random() < 0.5 ? message(random, chatId) : pick(random, ODD_VALUES) };
  if (r < 0.95) return {};
  return { message: message(random, chatId), callback_query: callbackQuery(random, chatId) };
}
