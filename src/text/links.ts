// Telegram deep links: t.me/<bot>?start=<payload> opens the bot and sends "/start <payload>".
// Payloads in use: u_<UNITCODE> (rate a unit) and i_<code> (join as staff with an invitation).

export function telegramStartLink(botUsername: string, payload: string): string {
  const bot = botUsername.startsWith('@') ? botUsername.slice(1) : botUsername;
  return `https://t.me/${bot}?start=${payload}`;
}
