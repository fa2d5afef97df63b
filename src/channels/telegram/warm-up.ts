// Before the first update: telegraf's Bot API client (node-fetch, Node's HTTP client, JSON both
// ways) runs its calls against a server of its own on 127.0.0.1, so that V8 has compiled that code
// when a crowd arrives. A bot restarted after an outage gets every update queued meanwhile at
// once, and each one costs three or four Bot API calls (getUpdates, sendMessage,
// answerCallbackQuery, editMessageText). On a cold process those calls cost about twice their
// later CPU, which kept the bot near a full core for the first seconds of a wave of 500 /start
// (`npm run bench`). Nothing leaves the machine: the client's API root is the local server, and
// its token is a dummy.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Telegram } from 'telegraf';
import { telegrafSignal } from './retry.js';

/** A call that has not answered after this long fails the warm-up (it never should: the server is ours). */
const CALL_TIMEOUT_MS = 5_000;
const CONCURRENCY = 10;

/** A sent message as the Bot API returns it: the shape, not the content, is what matters. */
const MESSAGE = {
  message_id: 1,
  date: 1_796_000_000,
  chat: { id: 1, type: 'private', first_name: 'Warga' },
  from: { id: 2, is_bot: true, first_name: 'SKM' },
  text: 'Apakah Bapak/Ibu bersedia mengisi survei? '.repeat(4),
  reply_markup: { inline_keyboard: [[{ text: 'Ya, saya setuju', callback_data: '0:1' }], [{ text: 'Tidak', callback_data: '0:0' }]] },
};

/** A getUpdates answer with a few taps and a /start, as a busy bot gets them. */
function updates(first: number): unknown[] {
  return Array.from({ length: 5 }, (_, i) =>
    i === 0
      ? { update_id: first + i, message: { ...MESSAGE, message_id: first + i, text: '/start u_WARMUP', reply_markup: undefined } }
      : {
          update_id: first + i,
          callback_query: {
            id: String(first + i),
            from: { id: 1, is_bot: false, first_name: 'Warga' },
            message: MESSAGE,
            chat_instance: '1',
            data: '3:4',
          },
        },
  );
}

function answer(method: string, nextUpdate: number): unknown {
  switch (method) {
    case 'getUpdates':
      return updates(nextUpdate);
    case 'answerCallbackQuery':
      return true;
    default:
      return MESSAGE;
  }
}

/**
 * Runs `rounds` rounds of getUpdates, sendMessage (with buttons), answerCallbackQuery and
 * editMessageText, ten at a time, through telegraf's client against a local server. Resolves with
 * the calls made and the milliseconds taken; rejects if a call fails.
 */
export async function warmUpBotApiClient(options: { rounds: number }): Promise<{ calls: number; ms: number }> {
  const started = performance.now();
  let served = 0;
  const server = http.createServer((request, response) => {
    const method = (request.url ?? '').split('/').pop() ?? '';
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({ ok: true, result: answer(method, served++) });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  const telegram = new Telegram('0:warm-up', { apiRoot: `http://127.0.0.1:${port}` });
  const signal = () => ({ signal: telegrafSignal(AbortSignal.timeout(CALL_TIMEOUT_MS)) });
  let calls = 0;
  let round = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (round++ < options.rounds) {
          await telegram.callApi('getUpdates', { offset: round, limit: 100, timeout: 0 }, signal());
          await telegram.callApi('sendMessage', { chat_id: 1, text: MESSAGE.text, reply_markup: MESSAGE.reply_markup }, signal());
          await telegram.callApi('answerCallbackQuery', { callback_query_id: String(round) }, signal());
          await telegram.callApi('editMessageText', { chat_id: 1, message_id: 1, text: MESSAGE.text }, signal());
          calls += 4;
        }
      }),
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { calls, ms: performance.now() - started };
}
