// Simulated citizens on one fake Bot API: each completes a whole survey by tapping the bot's
// buttons, like a person (with think time), and the crowd measures update-to-reply latency. Works
// the same whether the bot polls or takes updates by webhook (the fake POSTs them then).
import { performance } from 'node:perf_hooks';
import type { FakeBotApi, FakeMessage } from './fake-bot-api.js';

/** /start, consent, service type, profile (skipped), U1–U9, five maladministration items, suggestion (skipped). */
export const SURVEY_UPDATES = 19;

export function buttons(message: FakeMessage): string[] {
  const markup = message.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Simulated citizens on one fake server; measures update-to-reply latency. */
export class Crowd {
  private readonly waiting = new Map<string, (message: FakeMessage) => boolean>();
  private readonly deliveredAt = new Map<number, number>();
  private readonly lastUpdateOf = new Map<string, number>();
  readonly latencies: number[] = [];
  /** The same latencies by the update's place in the survey (0 = /start, 1 = consent, ...). */
  readonly latenciesByStep: number[][] = Array.from({ length: SURVEY_UPDATES }, () => []);
  private readonly stepOf = new Map<string, number>();
  updates = 0;

  constructor(
    private readonly fake: FakeBotApi,
    private readonly thinkMs: number,
    /** Chaos: the share of updates delivered twice (same update id), and of taps made twice (a new update). */
    private readonly chaos: { duplicates: number; doubleTaps: number } = { duplicates: 0, doubleTaps: 0 },
  ) {
    fake.onDelivered = (updates) => {
      const now = performance.now();
      // From its first hand-out: a bot that is offered an update again while it is still in hand
      // (long polling confirms only what is stored and answered) must not look faster for it.
      for (const u of updates) if (!this.deliveredAt.has(u.update_id)) this.deliveredAt.set(u.update_id, now);
    };
    fake.onMessage = (chatId, message) => {
      const listener = this.waiting.get(chatId);
      if (listener?.(message)) this.waiting.delete(chatId);
    };
  }

  /** Resolves with the next message for the chat that matches `wanted`. */
  private next(chatId: number, wanted: (m: FakeMessage) => boolean, timeoutMs = 60_000): Promise<FakeMessage> {
    const key = String(chatId);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`citizen ${chatId} waited ${timeoutMs} ms for the bot`));
      }, timeoutMs);
      this.waiting.set(key, (message) => {
        if (!wanted(message)) return false;
        clearTimeout(timer);
        const updateId = this.lastUpdateOf.get(key);
        const delivered = updateId === undefined ? undefined : this.deliveredAt.get(updateId);
        if (delivered !== undefined) {
          const latency = performance.now() - delivered;
          this.latencies.push(latency);
          this.latenciesByStep[this.stepOf.get(key) ?? 0]?.push(latency);
          this.deliveredAt.delete(updateId!);
        }
        resolve(message);
        return true;
      });
    });
  }

  private think(): Promise<void> {
    // Uniform in [0.5, 1.5] × thinkMs: people do not tap in lockstep.
    return this.thinkMs > 0 ? sleep(this.thinkMs * (0.5 + Math.random())).then(() => {}) : Promise.resolve();
  }

  async citizen(chatId: number, unit: string): Promise<boolean> {
    // A question carries its sequence number in its buttons; a copy of one already answered (a
    // reply sent again for a re-delivered update) is not the next question.
    let answeredSeq = -1;
    const seqOf = (m: FakeMessage) => Number((buttons(m)[0] ?? '').split(':')[0]);
    const hasButtons = (m: FakeMessage) => buttons(m).length > 0 && seqOf(m) > answeredSeq;
    const key = String(chatId);
    await sleep(Math.random() * this.thinkMs);
    let reply = this.next(chatId, hasButtons);
    this.stepOf.set(key, 0);
    this.lastUpdateOf.set(key, this.fake.sendText(chatId, `/start u_${unit}`));
    this.updates++;
    for (let i = 1; i < SURVEY_UPDATES; i++) {
      const message = await reply;
      const choices = buttons(message);
      // Consent: agree; service type: first; profile: skip; U1–U9: 3 or 4; maladmin: no; suggestion: skip.
      let pick = 0;
      if (i === 3) pick = 1;
      else if (i >= 4 && i <= 12) pick = 2 + (chatId % 2);
      else if (i >= 13 && i <= 17) pick = 1;
      const last = i === SURVEY_UPDATES - 1;
      if (last) pick = 0;
      await this.think();
      reply = this.next(chatId, last ? (m) => (m.text ?? '').startsWith('Terima kasih') : hasButtons);
      const data = choices[pick] ?? choices[0]!;
      answeredSeq = seqOf(message);
      const updateId = this.fake.tapButton(chatId, message.message_id, data);
      this.lastUpdateOf.set(key, updateId);
      this.stepOf.set(key, i);
      this.updates++;
      if (Math.random() < this.chaos.duplicates) this.fake.redeliver(updateId);
      if (Math.random() < this.chaos.doubleTaps) this.fake.tapButton(chatId, message.message_id, data);
    }
    const thanks = await reply;
    return (thanks.text ?? '').includes('sudah kami terima');
  }
}
