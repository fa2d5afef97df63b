// A simulated citizen who behaves like a person through a bot restart: answers whatever question
// the bot shows last (by button, or by typing the number or a suggestion), and when no reply
// comes while the bot is up, taps the same button again, then types `/start u_<UNIT>` (which
// resumes an unfinished rating, or says it is already done). Knows nothing of the bot's state
// beyond the messages in its chat, exactly as a citizen would.
import type { FakeBotApi, FakeMessage } from '../../../test/support/fake-bot-api.js';

export const THANKS = 'sudah kami terima';
export const ALREADY_RATED = 'Bapak/Ibu sudah menilai';

export interface CitizenOutcome {
  chatId: number;
  unit: string;
  /** The bot said "thank you, received". */
  thanked: boolean;
  /** The bot said "you already rated this unit today" (its thank-you was lost in a crash). */
  alreadyRated: boolean;
  /** Updates this citizen sent (taps, texts, /start). */
  steps: number;
  /** Steps sent since `markRestart()` (the last restart the citizen lived through). */
  stepsAfterRestart: number;
  /** Times the citizen had to re-tap or /start because no reply came. */
  recoveries: number;
  /** Why the citizen gave up, when neither thanked nor alreadyRated. */
  stuck?: string;
}

export interface CitizenWorld {
  fake: FakeBotApi;
  /** False while the bot is down (killed, restarting): patience does not run out then. */
  botUp(): boolean;
  random: () => number;
}

export interface CitizenLimits {
  /** How long a person waits for a reply from a running bot before trying again. */
  patienceMs: number;
  /** Re-taps and /starts before the citizen counts as stuck. */
  maxRecoveries: number;
  /** Wall-clock limit for the whole survey. */
  deadline: number;
}

type Button = { text: string; callback_data: string };

export function buttonsOf(message: FakeMessage | undefined): Button[] {
  const markup = message?.reply_markup as { inline_keyboard?: Button[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Action = { kind: 'tap'; messageId: number; data: string } | { kind: 'text'; text: string };

export class Citizen {
  private seen = 0;
  private steps = 0;
  private stepsAfterRestart = 0;
  private recoveries = 0;
  private last: Action | undefined;

  constructor(
    private readonly world: CitizenWorld,
    readonly chatId: number,
    readonly unit: string,
  ) {}

  /** The bot was restarted: steps from now on count as steps after restart. */
  markRestart(): void {
    this.stepsAfterRestart = 0;
  }

  private send(action: Action): void {
    this.steps++;
    this.stepsAfterRestart++;
    this.last = action;
    if (action.kind === 'tap') this.world.fake.tapButton(this.chatId, action.messageId, action.data);
    else this.world.fake.sendText(this.chatId, action.text);
  }

  /** Waits for new messages in the chat; they are settled when none arrived for 40 ms. */
  private async fresh(limits: CitizenLimits): Promise<FakeMessage[] | 'timeout' | 'deadline'> {
    let waited = 0;
    let tick = Date.now();
    for (;;) {
      const all = this.world.fake.messages(this.chatId);
      if (all.length > this.seen) {
        let count: number;
        do {
          count = this.world.fake.messages(this.chatId).length;
          await sleep(40);
        } while (this.world.fake.messages(this.chatId).length > count);
        const now = this.world.fake.messages(this.chatId);
        const news = now.slice(this.seen);
        this.seen = now.length;
        return news;
      }
      if (Date.now() > limits.deadline) return 'deadline';
      await sleep(20);
      const now = Date.now();
      // Patience runs only while the bot is up: nobody blames a bot for a power cut.
      if (this.world.botUp()) waited += now - tick;
      tick = now;
      if (waited >= limits.patienceMs) return 'timeout';
    }
  }

  /** What a person taps or types for the question the bot shows. */
  private answer(question: FakeMessage): Action {
    const buttons = buttonsOf(question);
    const text = question.text ?? '';
    const tap = (b: Button | undefined): Action => ({ kind: 'tap', messageId: question.message_id, data: (b ?? buttons[0]!).callback_data });
    const labelled = (label: string) => buttons.find((b) => b.text === label);
    const random = this.world.random;
    if (labelled('Saya setuju')) return tap(labelled('Saya setuju'));
    if (labelled('Ya') && labelled('Tidak')) return tap(labelled(random() < 0.1 ? 'Ya' : 'Tidak'));
    if (labelled('Lewati')) {
      if (/saran/i.test(text) && random() < 0.3) return { kind: 'text', text: 'Antrean sudah cukup cepat, terima kasih 🙏' };
      return tap(labelled('Lewati'));
    }
    if (/^Pertanyaan \d\/9/.test(text) && buttons.length === 4) {
      const pick = 2 + Math.floor(random() * 2);
      // Some people type the number instead of tapping.
      return random() < 0.2 ? { kind: 'text', text: String(pick + 1) } : tap(buttons[pick]);
    }
    return tap(buttons[0]);
  }

  /** Rates the unit from /start to the thank-you (or until stuck). */
  async rate(limits: CitizenLimits): Promise<CitizenOutcome> {
    const outcome = (extra: Partial<CitizenOutcome>): CitizenOutcome => ({
      chatId: this.chatId,
      unit: this.unit,
      thanked: false,
      alreadyRated: false,
      steps: this.steps,
      stepsAfterRestart: this.stepsAfterRestart,
      recoveries: this.recoveries,
      ...extra,
    });
    const start: Action = { kind: 'text', text: `/start u_${this.unit}` };
    this.send(start);
    let retapped = false;
    for (;;) {
      const news = await this.fresh(limits);
      if (news === 'deadline') return outcome({ stuck: 'deadline passed' });
      if (news === 'timeout') {
        if (this.recoveries >= limits.maxRecoveries) return outcome({ stuck: `no reply after ${this.recoveries} re-tries` });
        this.recoveries++;
        // First the same tap or text again, as a person would; then /start, which shows where we are.
        if (!retapped && this.last && this.last.kind === 'tap') {
          retapped = true;
          this.send(this.last);
        } else {
          retapped = false;
          this.send(start);
        }
        continue;
      }
      if (news.some((m) => (m.text ?? '').includes(THANKS))) return outcome({ thanked: true });
      if (news.some((m) => (m.text ?? '').includes(ALREADY_RATED))) return outcome({ alreadyRated: true });
      const question = news.filter((m) => buttonsOf(m).length > 0).at(-1);
      // A note or an edit without a new question: keep waiting (patience decides).
      if (!question) continue;
      retapped = false;
      this.send(this.answer(question));
    }
  }
}
