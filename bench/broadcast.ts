// Broadcast benchmark: the weekly summary going out to 10,000 officials at once. A fresh database
// gets 10,000 staff users and one summary-sized message (~1,500 characters) for each, queued in
// one transaction as the weekly job does; the real OutboxSender delivers them through telegraf to
// the fake Bot API, which answers 429 to anything beyond `limit` messages in any second or more
// than one per chat per second. Each text carries a unique marker, so a message delivered twice
// or never is counted.
import { createBenchDatabase } from './database.js';
import { performance } from 'node:perf_hooks';
import { type Db, createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { OutboxSender } from '../src/outbox/sender.js';
import { type OutgoingMessage, enqueue } from '../src/outbox/store.js';
import { TelegramTransport } from '../src/channels/telegram/transport.js';
import { FakeBotApi } from '../test/support/fake-bot-api.js';

export interface BroadcastOptions {
  /** Officials, one message each (default 10,000). */
  messages?: number;
  /** The Bot API's global limit in messages per second, and the sender's (default 300). */
  limit?: number;
}

export interface BroadcastResult {
  messages: number;
  seconds: number;
  rate: number;
  limit: number;
  tooMany: number;
  duplicates: number;
  lost: number;
  /** Resident memory when sending starts (after the setup filled the queue). */
  rssBeforeMb: number;
  /** Highest resident memory sampled while sending. */
  sendingRssMb: number;
  /** Peak resident memory of the whole run, setup included. */
  peakRssMb: number;
}

const MARKER = /\[bench:(\d+)\]/;
const UNITS = ['DUKCAPIL', 'DPMPTSP', 'SAMSAT', 'BPJSKES', 'IMIGRASI', 'RSUD', 'PUSKESMAS', 'KECAMATAN'];

/** A weekly summary as an official reads it, about 1,500 characters, with its marker first. */
function summaryText(index: number): string {
  const lines = [
    `[bench:${index}] Ringkasan mingguan Survei Kepuasan Masyarakat, pekan 2026-W47 (16–22 November 2026).`,
    '',
    'Indeks Kepuasan Masyarakat (IKM) seluruh unit: 82,47 (B, Baik), naik 1,2 poin dari pekan sebelumnya.',
    'Responden pekan ini: 1.284 (target sampel bulanan 384; tercapai 71 %).',
    '',
  ];
  for (const [i, unit] of UNITS.entries()) {
    const ikm = (76 + ((index + i * 7) % 17) * 0.83).toFixed(2).replace('.', ',');
    lines.push(`• ${unit}: IKM ${ikm}, ${40 + ((index + i) % 90)} responden; unsur terendah U${1 + ((index + i) % 9)} (waktu pelayanan).`);
  }
  lines.push('', 'Zona merah: tidak ada. Zona kuning: SAMSAT (3 pekan berturut-turut di bawah 76,61).');
  lines.push('Pengaduan maladministrasi baru: 2 (pungutan di luar ketentuan, penundaan berlarut). Tindak lanjut diharapkan dalam 14 hari.');
  lines.push('Saran terbanyak: ruang tunggu lebih sejuk, antrean daring, informasi persyaratan yang lebih jelas di papan pengumuman.');
  lines.push('', 'Rincian per unsur: /unsur. Menjeda ringkasan mingguan: /berhenti.');
  return lines.join('\n');
}

const MB = 1024 * 1024;

function peakRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

/** Samples the resident memory every 100 ms until stopped; returns the highest, in MB. */
function sampleRss(): () => number {
  let highest = process.memoryUsage().rss;
  const timer = setInterval(() => (highest = Math.max(highest, process.memoryUsage().rss)), 100);
  return () => {
    clearInterval(timer);
    return Math.max(highest, process.memoryUsage().rss) / MB;
  };
}

/** One summary per official, queued in one transaction as the weekly job does. */
async function queueSummaries(db: Db, count: number): Promise<void> {
  const staff = await insertOfficials(db, count);
  const messages: OutgoingMessage[] = staff.map((s, i) => ({ channel: 'telegram', chatId: s.externalId, staffUserId: s.id, text: summaryText(i) }));
  await db.$transaction((tx) => enqueue(tx, null, messages), { timeout: 120_000 });
}

async function insertOfficials(db: Db, count: number): Promise<{ id: number; externalId: string }[]> {
  for (let start = 0; start < count; start += 1_000) {
    const end = Math.min(count, start + 1_000);
    const data = [];
    for (let i = start; i < end; i++) data.push({ channel: 'telegram', externalId: String(500_000_000 + i) });
    await db.staffUser.createMany({ data });
  }
  return db.staffUser.findMany({ select: { id: true, externalId: true }, orderBy: { id: 'asc' } });
}

export async function broadcast(pgUrl: string, options: BroadcastOptions = {}): Promise<BroadcastResult> {
  const count = options.messages ?? 10_000;
  const limit = options.limit ?? 300;
  const database = await createBenchDatabase(pgUrl, 'skm_bench_outbox');
  await migrate(database.url);
  const db = createDb(database.url, 20);
  const fake = await FakeBotApi.start({ globalPerSecond: limit, perChatPerSecond: 1 });
  const delivered = new Uint16Array(count);
  fake.onMessage = (_chatId, message) => {
    const marker = MARKER.exec(message.text ?? '');
    if (marker) delivered[Number(marker[1])]!++;
  };
  const sender = new OutboxSender({
    db,
    transports: { telegram: new TelegramTransport({ token: fake.token, apiRoot: fake.apiRoot }) },
    limits: { telegram: { globalPerSecond: limit } },
    log: createLogger(process.env.LOG_LEVEL ?? 'warn'),
    concurrency: 64,
    batchSize: 500,
    pollMs: 500,
  });
  try {
    await queueSummaries(db, count);

    const rssBefore = process.memoryUsage().rss / MB;
    const rss = sampleRss();
    const started = performance.now();
    await sender.start();
    await sender.drain(Math.max(120_000, (count / limit) * 4_000));
    const seconds = (performance.now() - started) / 1000;
    const sendingRssMb = rss();

    const notSent = await db.outboxMessage.findMany({ where: { status: { not: 'sent' } }, select: { text: true } });
    const lostMarkers = new Set<number>();
    for (const row of notSent) lostMarkers.add(Number(MARKER.exec(row.text)?.[1]));
    delivered.forEach((n, i) => n === 0 && lostMarkers.add(i));
    return {
      messages: count,
      seconds,
      rate: count / seconds,
      limit,
      tooMany: fake.stats.tooMany,
      duplicates: delivered.filter((n) => n > 1).length,
      lost: lostMarkers.size,
      rssBeforeMb: rssBefore,
      sendingRssMb,
      peakRssMb: peakRssMb(),
    };
  } finally {
    await sender.stop(10_000);
    await fake.close();
    await db.$disconnect();
    await database.drop();
  }
}

export async function runBroadcastBench(pgUrl: string, options: BroadcastOptions = {}): Promise<void> {
  const count = options.messages ?? 10_000;
  const limit = options.limit ?? 300;
  console.log(
    `# Broadcast: ${count} officials × one summary (~1,500 chars) through the outbox sender; ` +
      `fake Bot API at ${limit} msg/s globally and 1 msg/s per chat (429 beyond), embedded PostgreSQL`,
  );
  const r = await broadcast(pgUrl, { messages: count, limit });
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  console.log(`  messages               ${r.messages} in ${fmt(r.seconds)} s`);
  console.log(`  rate                   ${fmt(r.rate)} msg/s; ratio to the limit ${fmt(r.rate / r.limit, 2)} (aim ≥ 0.85)`);
  console.log(`  429s received          ${r.tooMany} (${fmt((100 * r.tooMany) / r.messages, 2)} % of messages; aim < 0.5 %)`);
  console.log(`  duplicates             ${r.duplicates} (must be 0)`);
  console.log(`  lost                   ${r.lost} (must be 0)`);
  console.log(
    `  peak RSS               ${fmt(r.sendingRssMb)} MB while sending (${fmt(r.rssBeforeMb)} MB when it started); ${fmt(r.peakRssMb)} MB over the run ` +
      '(sender, fake Bot API, setup and benchmark in one process)',
  );
}
