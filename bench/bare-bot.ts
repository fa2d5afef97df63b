// The baseline of the inbound benchmark: a telegraf bot that answers every update with one
// sendMessage (with a keyboard, so that the simulated citizens can go on tapping) and nothing
// else. Run as its own process, like the real bot: TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT.
import { Telegraf } from 'telegraf';

const token = process.env.TELEGRAM_BOT_TOKEN ?? '';
const apiRoot = process.env.TELEGRAM_API_ROOT ?? '';
const closingAfter = Number(process.env.BARE_CLOSING_AFTER ?? '18');

const bot = new Telegraf(token, { telegram: { apiRoot, webhookReply: false } });
// The citizens take a question's buttons for the next one only if their `<seq>:` grows.
const keyboard = (seq: number) => ({
  reply_markup: {
    inline_keyboard: [[1, 2, 3, 4].map((value) => ({ text: String(value), callback_data: `${seq}:${value}` }))],
  },
});
const taps = new Map<number, number>();
bot.on('message', async (ctx) => {
  taps.set(ctx.chat.id, 0);
  await ctx.telegram.sendMessage(ctx.chat.id, 'ok', keyboard(1));
});
bot.on('callback_query', async (ctx) => {
  const chatId = ctx.chat?.id ?? ctx.from.id;
  const n = (taps.get(chatId) ?? 0) + 1;
  taps.set(chatId, n);
  // The last tap of a survey gets a closing text, like the real bot's thank-you.
  await ctx.telegram.sendMessage(chatId, n === closingAfter ? 'Terima kasih, sudah kami terima' : 'ok', keyboard(n + 1));
});
process.once('SIGTERM', () => bot.stop('SIGTERM'));
process.once('SIGINT', () => bot.stop('SIGINT'));
await bot.launch();
