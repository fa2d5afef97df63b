// Links that open the bot: Telegram deep links (t.me/<bot>?start=<payload> opens the bot and sends
// "/start <payload>"; payloads in use: u_<UNITCODE> to rate a unit, i_<code> to join as staff) and
// the wa.me link with "NILAI <CODE>" typed in. Light on purpose: the bot's web pages use them, and
// the poster module (pdf-lib, qrcode) must not load with the bot for that.
import { WHATSAPP_NUMBER_PATTERN } from '../config/index.js';

export function telegramStartLink(botUsername: string, payload: string): string {
  const bot = botUsername.startsWith('@') ? botUsername.slice(1) : botUsername;
  return `https://t.me/${bot}?start=${payload}`;
}

/** Telegram usernames: 5–32 characters, a letter first, then letters, digits and '_'; bots end in "bot". */
const BOT_USERNAME = /^[A-Za-z][A-Za-z0-9_]{4,31}$/;
/** As the unit import stores codes (upper case); the engine reads `u_<CODE>` back from /start. */
const UNIT_CODE = /^[A-Z0-9-]{1,20}$/;

/** The wa.me link that opens a chat with the bot's number with "NILAI <CODE>" typed in. */
export function whatsappLink(number: string, unitCode: string): string {
  if (!WHATSAPP_NUMBER_PATTERN.test(number)) throw new RangeError(`${JSON.stringify(number)} is not a WhatsApp number in international form`);
  if (!UNIT_CODE.test(unitCode.toUpperCase())) throw new RangeError(`unit code ${JSON.stringify(unitCode)} is not valid`);
  return `https://wa.me/${number}?text=${encodeURIComponent(`NILAI ${unitCode.toUpperCase()}`)}`;
}

/**
 * `https://t.me/<bot>?start=u_<CODE>`: opens the bot and starts the survey for that unit.
 * A leading '@' on the username is accepted and dropped.
 */
export function telegramDeepLink(botUsername: string, unitCode: string): string {
  const bot = botUsername.startsWith('@') ? botUsername.slice(1) : botUsername;
  if (!BOT_USERNAME.test(bot) || !/bot$/i.test(bot)) {
    throw new RangeError(
      `bot username ${JSON.stringify(botUsername)} is not valid: 5–32 letters, digits or '_', starting with a letter and ending in "bot"`,
    );
  }
  if (!UNIT_CODE.test(unitCode)) {
    throw new RangeError(`unit code ${JSON.stringify(unitCode)} is not valid: 1–20 characters A–Z, 0–9 or '-'`);
  }
  return telegramStartLink(bot, `u_${unitCode}`);
}
