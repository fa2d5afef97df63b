// WhatsApp inbound benchmark: N simulated citizens complete surveys concurrently through the real
// WhatsAppChannel and SurveyService (createApp's wiring, demo units, a fresh database on the given
// PostgreSQL server), with WhatsApp replaced by the in-process fake socket (test/support): unlike
// the Telegram bench, the bot runs IN THIS PROCESS, so the figures include no network hop and no
// Bot API polling, only the channel, the identity aliases, the survey transaction and the replies.
// Half the citizens write from a LID with their phone number as remoteJidAlt, as WhatsApp does
// now. Each citizen waits for the bot's answer (the message ending in the numbered list) and, like
// a person, takes a moment before replying (think time; 0 = at once, which measures capacity).
//
// Latency: from the moment the fake delivers a message to the channel until the bot's answer to it
// (the message the citizen waits for) is sent.
import { createBenchDatabase } from './database.js';
import { type CrowdResult, driveCrowd } from './inbound.js';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { StaffCommands } from '../src/admin/commands/index.js';
import { usePostgresAuthState } from '../src/channels/whatsapp/auth-state.js';
import { WhatsAppChannel } from '../src/channels/whatsapp/channel.js';
import { loadConfig } from '../src/config/index.js';
import { seedDemo } from '../src/admin/demo-seed.js';
import { translate } from '../src/i18n/index.js';
import { createLogger } from '../src/log.js';
import { BOT_PN, FakeWhatsApp, type SentMessage } from '../test/support/fake-wa-socket.js';

/** NILAI <KODE>, consent, service type, profile (skipped), U1–U9, five maladministration items, suggestion (skipped). */
export const WHATSAPP_SURVEY_MESSAGES = 19;

/** The Telegram bench's figures (`updates` are the messages the citizens sent; `peakRssMb` is this
 * process, bot and crowd together), plus the responses stored. */
export interface WhatsAppInboundResult extends CrowdResult {
  storedResponses: number;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bot's answer a citizen waits for: a question (numbered list) or the closing thanks. */
function awaited(message: SentMessage): boolean {
  const text = message.text ?? '';
  return /\n_Balas dengan angka 1[^\n]*_$/.test(text) || text.includes('sudah kami terima');
}

/** Simulated citizens on one fake WhatsApp; measures message-to-answer latency. */
class Crowd {
  private readonly waiting = new Map<string, (message: SentMessage) => void>();
  readonly latencies: number[] = [];
  updates = 0;

  constructor(
    private readonly wa: FakeWhatsApp,
    private readonly thinkMs: number,
  ) {
    wa.onSent = (message) => {
      if (awaited(message)) this.waiting.get(message.jid)?.(message);
    };
  }

  /** Sends a text and resolves with the bot's answer to it. */
  private ask(jid: string, text: string, alt: string | undefined, timeoutMs = 120_000): Promise<SentMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(jid);
        reject(new Error(`a citizen waited ${timeoutMs} ms for the bot`));
      }, timeoutMs);
      const sent = performance.now();
      this.waiting.set(jid, (message) => {
        clearTimeout(timer);
        this.waiting.delete(jid);
        this.latencies.push(performance.now() - sent);
        resolve(message);
      });
      this.updates++;
      this.wa.text(jid, text, alt ? { alt } : {});
    });
  }

  private think(): Promise<void> {
    // Uniform in [0.5, 1.5] × thinkMs: people do not reply in lockstep.
    return this.thinkMs > 0 ? sleep(this.thinkMs * (0.5 + Math.random())).then(() => {}) : Promise.resolve();
  }

  async citizen(index: number, unit: string): Promise<boolean> {
    const pn = `62812${String(index).padStart(8, '0')}@s.whatsapp.net`;
    const lid = `2147${String(index).padStart(10, '0')}@lid`;
    const [jid, alt] = index % 2 === 0 ? [pn, undefined] : [lid, pn];
    await sleep(Math.random() * this.thinkMs);
    // Consent: 1; service type: 1; profile: 2 (skip); U1–U9: 3 or 4; maladmin: 2 (no); suggestion: 1 (skip).
    const replies = ['1', '1', '2', ...Array.from({ length: 9 }, () => String(3 + (index % 2))), '2', '2', '2', '2', '2', '1'];
    let answer = await this.ask(jid, `NILAI ${unit}`, alt);
    for (const reply of replies) {
      await this.think();
      answer = await this.ask(jid, reply, alt);
    }
    return (answer.text ?? '').includes('sudah kami terima');
  }
}

/** Samples the resident memory every 100 ms until stopped; returns the highest, in MB. */
function sampleRss(): () => number {
  let highest = process.memoryUsage().rss;
  const timer = setInterval(() => (highest = Math.max(highest, process.memoryUsage().rss)), 100);
  return () => {
    clearInterval(timer);
    return Math.max(highest, process.memoryUsage().rss) / (1024 * 1024);
  };
}

/** Runs the crowd once against a fresh database on the server at `pgUrl`. */
export async function runWhatsAppInboundBench(pgUrl: string, options: { citizens?: number; thinkMs?: number } = {}): Promise<WhatsAppInboundResult> {
  const citizens = options.citizens ?? 500;
  const thinkMs = options.thinkMs ?? 2_000;
  const database = await createBenchDatabase(pgUrl, 'skm_bench_wa');
  const log = createLogger('warn');
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  const app = await createApp(config, log, { prepare: (db) => seedDemo(db) });
  const db = app.database.db;
  const wa = new FakeWhatsApp();
  const channel = new WhatsAppChannel({
    db,
    service: app.service,
    staff: new StaffCommands({ db, t: translate, log, botUsername: () => undefined }),
    t: translate,
    log,
    defaultLocale: config.defaultLocale,
    pseudonymizer: app.pseudonymizer,
    socketFactory: wa.factory,
  });
  const peakRss = sampleRss();
  try {
    const auth = await usePostgresAuthState(db, { cache: false });
    Object.assign(auth.state.creds, { registered: true, me: { id: BOT_PN } });
    await auth.saveCreds();
    await channel.start();
    await wa.opened();
    const crowd = new Crowd(wa, thinkMs);
    const figures = await driveCrowd(citizens, crowd, (i, unit) => crowd.citizen(i + 1, unit));
    return { ...figures, storedResponses: await db.response.count(), peakRssMb: peakRss() };
  } finally {
    await channel.stop(10_000);
    await app.close();
    await database.drop();
  }
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** Runs the bench and prints it the way bench/index.ts prints the Telegram one. */
export async function printWhatsAppInboundBench(
  pgUrl: string,
  options: { citizens?: number; thinkMs?: number } = {},
): Promise<WhatsAppInboundResult> {
  const citizens = options.citizens ?? 500;
  const thinkMs = options.thinkMs ?? 2_000;
  console.log(
    `# WhatsApp inbound: ${citizens} citizens × ${WHATSAPP_SURVEY_MESSAGES} messages, think time ${thinkMs} ms ±50 %; ` +
      'bot = WhatsAppChannel + SurveyService IN THIS PROCESS (fake Baileys socket, no network) + PostgreSQL',
  );
  const r = await runWhatsAppInboundBench(pgUrl, { citizens, thinkMs });
  console.log(`  surveys completed      ${r.completed}/${r.citizens} in ${fmt(r.seconds)} s (${fmt(r.surveysPerSecond, 2)} surveys/s)`);
  console.log(`  messages               ${r.updates} (${fmt(r.updatesPerSecond)} messages/s)`);
  console.log(`  latency to the answer  p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms`);
  console.log(`  stored responses       ${r.storedResponses} (expected ${r.completed})`);
  console.log(`  peak RSS (bot + crowd) ${fmt(r.peakRssMb, 0)} MB`);
  return r;
}
