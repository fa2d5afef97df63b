// Replies that always arrive on WhatsApp: every message the bot sends is kept by id in PostgreSQL
// so that a retry receipt (a phone that could not decrypt it) is answered with the original, also
// by a restarted channel; unknown ids get undefined; a citizen's text is never kept; the store is
// pruned after its time; the retry counter outlives a socket; and a session that keeps being
// replaced by another holder stops the reconnects and alerts the admins once. Real WhatsAppChannel,
// SurveyService, OutboxSender and PostgreSQL; only WhatsApp itself is the in-process fake.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DisconnectReason, DEFAULT_CONNECTION_CONFIG, type WAMessage } from '@whiskeysockets/baileys';
import { StaffCommands } from '../../src/admin/commands/index.js';
import { createInvitation } from '../../src/admin/staff.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { MAX_REPLACED_RECONNECTS } from '../../src/channels/whatsapp/connection.js';
import { WhatsAppChannel, type WhatsAppChannelOptions } from '../../src/channels/whatsapp/channel.js';
import { RetryCounterCache } from '../../src/channels/whatsapp/retry-counter.js';
import { SentMessageStore } from '../../src/channels/whatsapp/sent-store.js';
import { leaseHolder } from '../../src/db/lease.js';
import { translate } from '../../src/i18n/index.js';
import { runMaintenance } from '../../src/jobs/maintenance.js';
import { createLogger } from '../../src/log.js';
import { enqueue } from '../../src/outbox/store.js';
import { createPseudonymizer } from '../../src/survey/pseudonym.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBoom, storeLinkedSession, FakeWhatsApp, ManualSleeps } from '../support/fake-wa-socket.js';
import { createTestService, silentLog } from '../support/service.js';

let t: TestDatabase;
const channels: WhatsAppChannel[] = [];
const PSEUDONYMIZER = createPseudonymizer('test-key-test-key-test-key-test-key');
const CITIZEN = '6281234500070@s.whatsapp.net';

beforeAll(async () => {
  t = await createTestDatabase(10);
  await seedDemo(t.db);
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  await t.db.$executeRawUnsafe(
    'TRUNCATE "Lease", "WhatsAppAuth", "WhatsAppAlias", "WhatsAppSentMessage", "Conversation", "ProcessedUpdate", "Response", "Consent", "StaffUser", "OutboxMessage", "OutboxFile" RESTART IDENTITY CASCADE',
  );
});
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.stop(2_000);
});

async function startChannel(wa: FakeWhatsApp, options: Partial<WhatsAppChannelOptions> = {}): Promise<WhatsAppChannel> {
  const channel = new WhatsAppChannel({
    db: t.db,
    service: createTestService(t.db).service,
    staff: new StaffCommands({ db: t.db, t: translate, log: silentLog, botUsername: () => undefined }),
    t: translate,
    log: silentLog,
    defaultLocale: 'id',
    pseudonymizer: PSEUDONYMIZER,
    socketFactory: wa.factory,
    ...options,
  });
  channels.push(channel);
  await channel.start();
  return channel;
}

async function connected(options: Partial<WhatsAppChannelOptions> = {}): Promise<{ wa: FakeWhatsApp; channel: WhatsAppChannel }> {
  await storeLinkedSession(t.db);
  const wa = new FakeWhatsApp();
  const channel = await startChannel(wa, options);
  await wa.opened();
  return { wa, channel };
}

/** A person writes and waits for the answers. */
async function say(wa: FakeWhatsApp, channel: WhatsAppChannel, text: string, from = CITIZEN): Promise<WAMessage> {
  const message = wa.text(from, text);
  await channel.idle();
  return message;
}

async function storedTexts(): Promise<string[]> {
  const rows = await t.db.$queryRaw<{ id: string; message: string }[]>`SELECT id, message::text AS message FROM "WhatsAppSentMessage" ORDER BY id`;
  return rows.map((r) => `${r.id} ${r.message}`);
}

describe('retry receipts', () => {
  it("a retry receipt for the bot's reply is answered with the original, also by a channel started again", async () => {
    const { wa, channel } = await connected();
    await say(wa, channel, 'NILAI DUKCAPIL');
    const replies = wa.sentTo(CITIZEN);
    expect(replies.length).toBeGreaterThan(0);
    const first = replies[0]!;
    expect(first.id).toMatch(/^BOT/);
    expect(first.text).toBeTruthy();

    // A restart: a new channel (and a new WhatsApp connection) with nothing in memory.
    await channel.stop();
    channels.splice(0);
    const wa2 = new FakeWhatsApp();
    await startChannel(wa2);
    const socket = await wa2.opened();
    for (const reply of replies) {
      const original = await socket.retryReceipt(CITIZEN, reply.id!);
      expect(original?.extendedTextMessage?.text).toBe(reply.text);
    }
    expect(wa2.resent.map((r) => r.id)).toEqual(replies.map((r) => r.id));
  });

  it('an unknown id, or the id of what a citizen wrote, gets undefined: never an empty message', async () => {
    const { wa, channel } = await connected();
    const written = await say(wa, channel, 'NILAI DUKCAPIL');
    expect(wa.sentTo(CITIZEN).length).toBeGreaterThan(0);
    const socket = wa.current!;
    expect(await socket.retryReceipt(CITIZEN, 'NEVER-SENT')).toBeUndefined();
    expect(await socket.retryReceipt(CITIZEN, written.key.id!)).toBeUndefined();
    expect(wa.resent).toEqual([]);
  });

  it("a citizen's text is never kept; only the bot's own messages are", async () => {
    const { wa, channel } = await connected();
    await say(wa, channel, 'NILAI DUKCAPIL');
    await say(wa, channel, 'rahasia warga 4711 tidak boleh disimpan');
    await say(wa, channel, '1');
    await say(wa, channel, 'pelayanan KTP sangat lambat kata Budi');
    const stored = await storedTexts();
    const sentIds = wa.sentTo(CITIZEN).map((m) => m.id);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).toHaveLength(sentIds.length);
    expect(stored.every((row) => sentIds.includes(row.split(' ')[0]))).toBe(true);
    expect(stored.join('\n')).not.toMatch(/rahasia warga|4711|kata Budi|6281234500070/);

    // The guard itself: a message that is not the bot's own is refused even when handed over.
    const store = new SentMessageStore(t.db, silentLog);
    await store.remember([
      { key: { remoteJid: CITIZEN, fromMe: false, id: 'CITIZEN1' }, message: { conversation: 'rahasia warga' } },
      { key: { remoteJid: CITIZEN, fromMe: true, id: 'EMPTY1' }, message: {} },
    ]);
    expect(await t.db.whatsAppSentMessage.count({ where: { id: { in: ['CITIZEN1', 'EMPTY1'] } } })).toBe(0);
  });

  it("officials' messages from the outbox and chart captions are kept too, with the media fields intact", async () => {
    const { wa, channel } = await connected({ outbox: { perMinute: 20, perChatPerMinute: 5, sender: { pollMs: 50, leaseTtlMs: 3_000 } } });
    const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'SAMSAT' } });
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId: unit.id }, { createdById: null });
    const jid = '6281234500071@s.whatsapp.net';
    await say(wa, channel, `/daftar ${code}`, jid);
    const user = await t.db.staffUser.findFirstOrThrow({ where: { externalId: jid } });
    const before = wa.sentTo(jid).length;
    await enqueue(t.db, null, [
      { channel: 'whatsapp', chatId: jid, staffUserId: user.id, text: 'Ringkasan mingguan SKM' },
      {
        channel: 'whatsapp',
        chatId: jid,
        staffUserId: user.id,
        text: 'Grafik IKM',
        photo: { filename: 'ikm.png', content: Buffer.from('89504e47', 'hex') },
      },
    ]);
    const sent = (await wa.waitForSent(jid, before + 2, 10_000)).slice(before);
    await waitFor(async () => (await t.db.whatsAppSentMessage.count({ where: { id: { in: sent.map((m) => m.id!) } } })) === 2);
    const text = await wa.current!.retryReceipt(jid, sent[0]!.id!);
    expect(text?.extendedTextMessage?.text).toBe('Ringkasan mingguan SKM');
    const image = await wa.current!.retryReceipt(jid, sent[1]!.id!);
    expect(image?.imageMessage?.caption).toBe('Grafik IKM');
    expect(image?.imageMessage?.mimetype).toBe('image/png');
  });

  it('bytes and 64-bit numbers of a media message survive the store unchanged', async () => {
    const store = new SentMessageStore(t.db, silentLog);
    const mediaKey = Buffer.from([0, 1, 2, 254, 255]);
    await store.remember([
      {
        key: { remoteJid: CITIZEN, fromMe: true, id: 'MEDIA1' },
        message: { documentMessage: { fileName: 'skor.csv', mediaKey, fileLength: 123_456_789_012, caption: 'Ekspor' } },
      },
    ]);
    const back = await store.getMessage({ remoteJid: CITIZEN, id: 'MEDIA1' });
    expect(Buffer.from(back!.documentMessage!.mediaKey!)).toEqual(mediaKey);
    expect(String(back!.documentMessage!.fileLength)).toBe('123456789012');
    expect(back!.documentMessage!.caption).toBe('Ekspor');
  });

  it('the store is pruned by the maintenance job after its time (24 h by default, configurable)', async () => {
    const sentAt = Date.parse('2026-11-20T08:00:00Z');
    const store = new SentMessageStore(t.db, silentLog, () => sentAt);
    await store.remember([{ key: { remoteJid: CITIZEN, fromMe: true, id: 'OLD1' }, message: { conversation: 'Terima kasih' } }]);
    const hours = (h: number) => new Date(sentAt + h * 3_600_000);

    expect((await runMaintenance(t.db, hours(23), 365)).deletedWhatsAppSent).toBe(0);
    expect(await store.getMessage({ id: 'OLD1' })).toBeDefined();
    // A shorter setting (WHATSAPP_SENT_RETENTION_HOURS=6) prunes sooner.
    expect((await runMaintenance(t.db, hours(7), 365, 90, undefined, 48)).deletedWhatsAppSent).toBe(0);
    expect((await runMaintenance(t.db, hours(7), 365, 90, undefined, 6)).deletedWhatsAppSent).toBe(1);
    expect(await store.getMessage({ id: 'OLD1' })).toBeUndefined();

    await store.remember([{ key: { remoteJid: CITIZEN, fromMe: true, id: 'OLD2' }, message: { conversation: 'Terima kasih' } }]);
    expect((await runMaintenance(t.db, hours(25), 365)).deletedWhatsAppSent).toBe(1);
    expect(await t.db.whatsAppSentMessage.count()).toBe(0);
  });
});

describe('the retry counter', () => {
  it("every socket gets the same counter and Baileys' maximum retry count, so a reconnect does not start the counts afresh", async () => {
    const { wa } = await connected({ reconnect: { baseMs: 1, maxMs: 1 } });
    wa.current!.closeWith(new FakeBoom('lost', DisconnectReason.connectionLost));
    await wa.socketCount(2);
    const [a, b] = wa.sockets;
    expect(a!.options.msgRetryCounterCache).toBeInstanceOf(RetryCounterCache);
    expect(b!.options.msgRetryCounterCache).toBe(a!.options.msgRetryCounterCache);
    expect(a!.options.maxMsgRetryCount).toBe(DEFAULT_CONNECTION_CONFIG.maxMsgRetryCount);
    expect(typeof a!.options.getMessage).toBe('function');
  });

  it('is bounded: the oldest entries go beyond its size, and entries expire after their time', () => {
    let now = 0;
    const cache = new RetryCounterCache(3, 1_000, () => now);
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    cache.set('a', 2); // used again: now the newest
    cache.set('d', 1);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get<number>('a')).toBe(2);
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
    cache.del('c');
    cache.flushAll();
    expect(cache.size).toBe(0);
  });
});

describe('a session replaced by another holder', () => {
  it('repeated connectionReplaced stops the reconnects, releases the lease, says what ends it and alerts the admins once', async () => {
    await storeLinkedSession(t.db);
    const wa = new FakeWhatsApp();
    const sleeps = new ManualSleeps();
    const lines: string[] = [];
    const replaced: number[] = [];
    const RENEW = 7_777;
    const isBackoff = (ms: number) => ms !== RENEW;
    const channel = await startChannel(wa, {
      log: createLogger('info', { write: (line: string) => void lines.push(line) }),
      sleep: sleeps.sleep,
      random: () => 0.5,
      lease: { ttlMs: 600_000, renewMs: RENEW },
      reconnect: { baseMs: 1_000, maxMs: 300_000 },
      onReplaced: () => void replaced.push(1),
    });
    await wa.opened();
    for (let i = 1; i <= MAX_REPLACED_RECONNECTS; i++) {
      wa.current!.closeWith(new FakeBoom('Stream Errored (conflict)', DisconnectReason.connectionReplaced));
      await sleeps.next(isBackoff);
      sleeps.release(isBackoff);
      await wa.opened();
    }
    expect(wa.sockets).toHaveLength(MAX_REPLACED_RECONNECTS + 1);
    expect(replaced).toEqual([]);

    wa.current!.closeWith(new FakeBoom('Stream Errored (conflict)', DisconnectReason.connectionReplaced));
    await waitFor(() => replaced.length > 0);
    await channel.done();
    expect(replaced).toEqual([1]);
    expect(channel.gaveUp).toBe(true);
    expect(channel.isLeaseHolder).toBe(false);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBeNull();
    expect(sleeps.has(isBackoff)).toBe(false);
    expect(wa.sockets).toHaveLength(MAX_REPLACED_RECONNECTS + 1);
    const said = lines.filter((l) => l.includes('keeps being replaced'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('Linked devices');
  });

  it('a replacement now and then (after a long peaceful connection) keeps reconnecting', async () => {
    await storeLinkedSession(t.db);
    let now = Date.parse('2026-11-20T08:00:00Z');
    const wa = new FakeWhatsApp();
    const replaced: number[] = [];
    const channel = await startChannel(wa, {
      clock: () => now,
      reconnect: { baseMs: 1, maxMs: 1 },
      onReplaced: () => void replaced.push(1),
    });
    await wa.opened();
    for (let i = 0; i < MAX_REPLACED_RECONNECTS + 2; i++) {
      now += 11 * 60_000; // open for 11 minutes before the next takeover
      const count = wa.sockets.length;
      wa.current!.closeWith(new FakeBoom('Stream Errored (conflict)', DisconnectReason.connectionReplaced));
      await wa.socketCount(count + 1);
      await wa.opened();
    }
    expect(replaced).toEqual([]);
    expect(channel.gaveUp).toBe(false);
    expect(channel.isLeaseHolder).toBe(true);
  });
});

async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
