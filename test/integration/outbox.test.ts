// The outbox end to end: rows queued with enqueue() on a real PostgreSQL, delivered by the
// OutboxSender through telegraf's Telegram client to the fake Bot API on 127.0.0.1, with the
// failures the real Bot API gives (429, 5xx, dropped connections, 403, 400) injected there.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { createLogger } from '../../src/log.js';
import { TelegramError } from 'telegraf';
import { acquireLease, leaseHolder, renewLease } from '../../src/db/lease.js';
import { OutboxSender, type OutboxSenderOptions } from '../../src/outbox/sender.js';
import { type OutgoingMessage, enqueue, formatOutboxList, listOutbox, retryOutbox } from '../../src/outbox/store.js';
import { TelegramTransport, classifyForOutbox as classifyTelegramError, photoFileId } from '../../src/channels/telegram/transport.js';
import type { OutboxTransport } from '../../src/outbox/transport.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi, type FakeBotApiOptions } from '../support/fake-bot-api.js';

let t: TestDatabase;
let fake: FakeBotApi | undefined;
const senders: OutboxSender[] = [];
const log = createLogger('silent');

beforeAll(async () => {
  t = await createTestDatabase(10);
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  await t.db.$executeRawUnsafe('TRUNCATE "OutboxMessage", "OutboxFile", "Lease", "StaffUser" RESTART IDENTITY CASCADE');
});
afterEach(async () => {
  for (const sender of senders.splice(0)) await sender.stop(2_000);
  await fake?.close();
  fake = undefined;
});

async function newFake(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  fake = await FakeBotApi.start(options);
  return fake;
}

function telegram(api: FakeBotApi): OutboxTransport {
  return new TelegramTransport({ token: api.token, apiRoot: api.apiRoot, requestTimeoutMs: 5_000 });
}

/** A sender tuned for tests: quick polls, short backoff and lease, generous limits unless given. */
async function startSender(api: FakeBotApi, options: Partial<OutboxSenderOptions> = {}): Promise<OutboxSender> {
  const sender = new OutboxSender({
    db: t.db,
    transports: { telegram: telegram(api) },
    limits: { telegram: { globalPerSecond: 200, perChatPerSecond: 20, marginMs: 20 } },
    log,
    pollMs: 50,
    leaseTtlMs: 3_000,
    leaseRetryMs: 100,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
    ...options,
  });
  senders.push(sender);
  await sender.start();
  return sender;
}

function text(chatId: string, body: string, staffUserId?: number): OutgoingMessage {
  return { channel: 'telegram', chatId, text: body, ...(staffUserId !== undefined ? { staffUserId } : {}) };
}

async function rows() {
  return t.db.outboxMessage.findMany({ orderBy: { id: 'asc' } });
}

function textsIn(api: FakeBotApi, chatId: string): (string | undefined)[] {
  return api.messages(chatId).map((m) => m.text ?? m.caption);
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('queueing', () => {
  it('stores a chart sent to many officials once, and queues nothing when the transaction rolls back', async () => {
    const chart = { filename: 'ikm.png', content: PNG };
    const messages = Array.from({ length: 1_000 }, (_, i) => ({ ...text(String(1_000 + i), 'Grafik IKM'), photo: chart }));
    expect(await t.db.$transaction((tx) => enqueue(tx, null, messages))).toBe(1_000);
    // The same bytes queued again by a later run (another Buffer) reuse the stored file.
    await enqueue(t.db, null, [{ ...text('999', 'Grafik IKM'), photo: { filename: 'ikm.png', content: Buffer.from(PNG) } }]);
    const files = await t.db.outboxFile.findMany();
    expect(files).toHaveLength(1);
    expect(files[0]!.contentType).toBe('image/png');
    expect(await t.db.outboxMessage.count({ where: { kind: 'photo', fileId: files[0]!.id } })).toBe(1_001);

    await expect(
      t.db.$transaction(async (tx) => {
        await enqueue(tx, null, [text('1', 'never')]);
        throw new Error('the job failed');
      }),
    ).rejects.toThrow('the job failed');
    expect(await t.db.outboxMessage.count({ where: { chatId: '1' } })).toBe(0);
  });
});

describe('delivery', () => {
  it('delivers each chat its messages in order, one at a time, a chart after its text', async () => {
    const api = await newFake({ perChatPerSecond: 5 });
    const messages: OutgoingMessage[] = [];
    for (let i = 1; i <= 4; i++) for (const chat of ['101', '102', '103']) messages.push(text(chat, `${chat} #${i}`));
    messages.push({ ...text('101', 'chart caption'), photo: { filename: 'ikm.png', content: PNG } });
    await enqueue(t.db, null, messages);
    const sender = await startSender(api, { limits: { telegram: { perChatPerSecond: 5, marginMs: 30 } } });
    await sender.drain(15_000);

    expect(textsIn(api, '101')).toEqual(['101 #1', '101 #2', '101 #3', '101 #4', 'chart caption']);
    expect(textsIn(api, '102')).toEqual(['102 #1', '102 #2', '102 #3', '102 #4']);
    expect(textsIn(api, '103')).toEqual(['103 #1', '103 #2', '103 #3', '103 #4']);
    // The fake answers 429 to a chat written to faster than 5/s: spacing held everywhere.
    expect(api.stats.tooMany).toBe(0);
    const all = await rows();
    expect(all).toHaveLength(13);
    expect(all.every((r) => r.status === 'sent' && r.attempts === 1 && r.sentAt !== null)).toBe(true);
  });

  it("waits out a 429's retry_after for that chat, then delivers the message once", async () => {
    const api = await newFake();
    api.failNext('sendMessage', { code: 429, retryAfter: 1, chatId: '201' });
    await enqueue(t.db, null, [text('201', 'ringkasan'), text('202', 'lain')]);
    const sender = await startSender(api);
    await sender.drain(10_000);

    const calls = api.calls.filter((c) => c.chatId === '201');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(textsIn(api, '201')).toEqual(['ringkasan']);
    expect(textsIn(api, '202')).toEqual(['lain']);
    const [first] = await rows();
    // A 429 is not the message's fault: it does not count as an attempt.
    expect(first).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('waits the whole retry_after when it is longer than the 1 s fallback', async () => {
    const api = await newFake();
    api.failNext('sendMessage', { code: 429, retryAfter: 3, chatId: '211' });
    await enqueue(t.db, null, [text('211', 'ringkasan')]);
    const sender = await startSender(api);
    await sender.drain(15_000);

    const calls = api.calls.filter((c) => c.chatId === '211');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // A lower bound only: the pause starts when the 429 has come back, after the fake stamped the call.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2_900);
    expect(textsIn(api, '211')).toEqual(['ringkasan']);
  });

  it('retries a server error with backoff and delivers the message once', async () => {
    const api = await newFake();
    api.failNext('sendMessage', { code: 502 }, 2);
    await enqueue(t.db, null, [text('301', 'ringkasan')]);
    const sender = await startSender(api);
    await sender.drain(10_000);

    expect(api.callsOf('sendMessage').map((c) => c.status)).toEqual([502, 502, 200]);
    expect(textsIn(api, '301')).toEqual(['ringkasan']);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('retries after the connection dropped without an answer and delivers once', async () => {
    const api = await newFake();
    api.dropNext('sendMessage');
    await enqueue(t.db, null, [text('401', 'ringkasan')]);
    const sender = await startSender(api);
    await sender.drain(10_000);

    expect(api.callsOf('sendMessage').map((c) => c.status)).toEqual([0, 200]);
    expect(textsIn(api, '401')).toEqual(['ringkasan']);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it("a 403 cancels the row and the chat's later rows, marks the official blocked, and leaves other chats alone", async () => {
    const api = await newFake();
    const blocked = await t.db.staffUser.create({ data: { channel: 'telegram', externalId: '501' } });
    const other = await t.db.staffUser.create({ data: { channel: 'telegram', externalId: '502' } });
    await enqueue(t.db, null, [
      text('501', 'satu', blocked.id),
      text('502', 'satu', other.id),
      text('501', 'dua', blocked.id),
      text('501', 'tiga', blocked.id),
      text('502', 'dua', other.id),
    ]);
    api.block('501');
    const sender = await startSender(api);
    await sender.drain(10_000);

    expect(api.calls.filter((c) => c.chatId === '501').map((c) => c.status)).toEqual([403]);
    const chat501 = (await rows()).filter((r) => r.chatId === '501');
    expect(chat501.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(chat501[0]!.lastError).toMatch(/blocked/);
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: blocked.id } })).blockedAt).not.toBeNull();
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: other.id } })).blockedAt).toBeNull();
    expect(textsIn(api, '502')).toEqual(['satu', 'dua']);
  });

  it('fails a message the Bot API refuses (400) at once, without retrying', async () => {
    const api = await newFake();
    await enqueue(t.db, null, [text('601', 'x'.repeat(5_000))]);
    const sender = await startSender(api);
    await sender.drain(10_000);

    expect(api.callsOf('sendMessage')).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await rows())[0]!.lastError).toMatch(/too long/);
  });

  it('keeps the global limit: 50 messages at 20/s get no 429s and take at least 2 s', async () => {
    const api = await newFake({ globalPerSecond: 20, perChatPerSecond: 1 });
    await enqueue(
      t.db,
      null,
      Array.from({ length: 50 }, (_, i) => text(String(7_000 + i), `pesan ${i}`)),
    );
    const sender = await startSender(api, { limits: { telegram: { globalPerSecond: 20, perChatPerSecond: 1, marginMs: 50 } } });
    await sender.drain(20_000);

    const sends = api.callsOf('sendMessage');
    expect(api.stats.tooMany).toBeLessThanOrEqual(1);
    expect(api.allMessages()).toHaveLength(50);
    expect(sends.at(-1)!.at - sends[0]!.at).toBeGreaterThanOrEqual(2_000);
  });

  it('uploads a photo once, then sends it to the other officials by its file_id', async () => {
    const api = await newFake();
    const chart = { filename: 'ikm.png', content: PNG, contentType: 'image/png' };
    await enqueue(
      t.db,
      null,
      ['801', '802', '803', '804'].map((chat) => ({ ...text(chat, `grafik ${chat}`), photo: chart })),
    );
    const sender = await startSender(api);
    await sender.drain(10_000);

    const photos = api.callsOf('sendPhoto').map((c) => c.params.photo);
    expect(photos).toHaveLength(4);
    expect(photos[0]).toMatchObject({ filename: 'ikm.png', bytes: PNG });
    expect(photos.slice(1)).toEqual(['fake-file-1', 'fake-file-1', 'fake-file-1']);
    expect(api.messages('804')[0]!.caption).toBe('grafik 804');
    expect((await t.db.outboxFile.findFirstOrThrow()).telegramFileId).toBe('fake-file-1');
  });

  it('classifies what telegraf throws: 429 waits, 403 blocks, 5xx and network errors retry, 400 fails', () => {
    const api = (error_code: number, description: string, retry_after?: number) =>
      new TelegramError({ error_code, description, ...(retry_after ? { parameters: { retry_after } } : {}) });
    const network = (code: string) => Object.assign(new Error(`request failed, reason: ${code}`), { name: 'FetchError', code });
    expect(classifyTelegramError(api(429, 'Too Many Requests: retry after 7', 7))).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 7 });
    expect(classifyTelegramError(api(403, 'Forbidden: user is deactivated')).kind).toBe('blocked');
    expect(classifyTelegramError(api(502, 'Bad Gateway')).kind).toBe('transient');
    expect(classifyTelegramError(api(401, 'Unauthorized')).kind).toBe('transient');
    expect(classifyTelegramError(api(400, 'Bad Request: chat not found')).kind).toBe('permanent');
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']) expect(classifyTelegramError(network(code)).kind).toBe('transient');
    expect(classifyTelegramError(new Error('socket hang up')).kind).toBe('transient');
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError', type: 'aborted' });
    const aborted = classifyTelegramError(abort);
    expect(aborted.kind).toBe('transient');
    expect(aborted.description).toContain('AbortError');
    // Tokens never reach lastError or the log.
    const leaky = new Error(
      'request to https://api.telegram.org/bot123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAA/sendMessage failed, reason: socket hang up',
    );
    expect(classifyTelegramError(leaky).description).not.toContain('AAAA');
  });

  it("reads the file_id of Telegram's largest photo size", () => {
    const sizes = [{ file_id: 'small' }, { file_id: 'medium' }, { file_id: 'large' }];
    expect(photoFileId({ photo: sizes })).toBe('large');
    expect(photoFileId({})).toBeUndefined();
  });
});

describe('failures the operator sees', () => {
  it('a message still failing after the last attempt is listed as failed, and retry queues it again', async () => {
    const api = await newFake();
    api.failNext('sendMessage', { code: 500 }, 3);
    await enqueue(t.db, null, [text('901', 'Ringkasan mingguan IKM unit DUKCAPIL: 82,4 (B). Rincian lengkap di bawah ini.')]);
    const sender = await startSender(api, { maxAttempts: 3 });
    await sender.drain(10_000);

    const listing = await listOutbox(t.db, { status: ['failed'] });
    expect(listing.rows).toHaveLength(1);
    expect(listing.rows[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(listing.rows[0]!.lastError).toMatch(/500/);
    expect(listing.counts).toEqual({ failed: 1 });
    const shown = formatOutboxList(listing, 'Asia/Jakarta');
    expect(shown).toContain('1 failed');
    expect(shown).toContain('last error: 500');
    expect(shown).toContain('skm outbox retry');
    // A preview only, never the whole text, and never the chat id.
    expect(shown).toContain('Ringkasan mingguan IKM unit DUKCAPIL: 8…');
    expect(shown).not.toContain('Rincian lengkap');
    expect(shown).not.toContain('901');

    expect(await retryOutbox(t.db, 'failed')).toBe(1);
    sender.wake();
    await sender.drain(10_000);
    expect(textsIn(api, '901')).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await retryOutbox(t.db, [(await rows())[0]!.id])).toBe(0); // a sent row is never queued again
  });
});

describe('one sender at a time, never twice', () => {
  it('a crash between send and mark: the message arrived once, the row shows unknown, and the next sender does not re-send it', async () => {
    const api = await newFake();
    await enqueue(t.db, null, [text('1001', 'pertama'), text('1001', 'kedua')]);
    let sent!: () => void;
    const reachedCrash = new Promise<void>((resolve) => (sent = resolve));
    // The first sender freezes after the HTTP call succeeded, before it records the send.
    const crashed = await startSender(api, {
      afterSend: () => {
        sent();
        return new Promise<void>(() => {});
      },
    });
    await reachedCrash;
    await crashed.stop(200);
    expect((await rows()).map((r) => r.status)).toEqual(['sending', 'pending']);

    const next = await startSender(api);
    await next.drain(10_000);
    expect(textsIn(api, '1001')).toEqual(['pertama', 'kedua']);
    const [first, second] = await rows();
    expect(first).toMatchObject({ status: 'unknown', claimedBy: crashed.instanceId });
    expect(first!.lastError).toMatch(/interrupted between send and mark; may have arrived; not re-sent/);
    expect(second).toMatchObject({ status: 'sent', claimedBy: next.instanceId });
    expect((await listOutbox(t.db)).counts).toEqual({ unknown: 1, sent: 1 });
  });

  it('two senders on one database: only the lease holder sends, nothing twice, and the other takes over when it stops', async () => {
    const api = await newFake();
    const a = await startSender(api);
    const b = await startSender(api);
    expect(a.isLeaseHolder).toBe(true);
    expect(b.isLeaseHolder).toBe(false);
    expect(await leaseHolder(t.db, 'outbox-sender')).toBe(a.instanceId);
    await enqueue(
      t.db,
      null,
      Array.from({ length: 40 }, (_, i) => text(String(1_100 + (i % 20)), `pesan ${i}`)),
    );
    a.wake();
    b.wake();
    await a.drain(10_000);
    expect(api.allMessages()).toHaveLength(40);
    expect(new Set(api.allMessages().map((m) => m.text)).size).toBe(40);
    const all = await rows();
    expect(all).toHaveLength(40);
    expect(all.every((r) => r.status === 'sent' && r.claimedBy === a.instanceId)).toBe(true);

    await a.stop();
    await enqueue(t.db, null, [text('1200', 'setelah a berhenti')]);
    await waitFor(() => b.isLeaseHolder, 5_000);
    b.wake();
    await b.drain(10_000);
    expect(textsIn(api, '1200')).toEqual(['setelah a berhenti']);
    expect((await rows()).at(-1)!.claimedBy).toBe(b.instanceId);
    expect(api.allMessages()).toHaveLength(41);
  });

  it('a lease is free exactly when it lapses, and renewable only by its holder (explicit clocks, no waiting)', async () => {
    const t0 = new Date('2026-11-23T02:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await acquireLease(t.db, 'test-lease', 'a', 1_000, t0)).toBe(true);
    expect(await acquireLease(t.db, 'test-lease', 'b', 1_000, at(999))).toBe(false);
    expect(await leaseHolder(t.db, 'test-lease', at(999))).toBe('a');
    expect(await renewLease(t.db, 'test-lease', 'b', 1_000, at(999))).toBe(false);
    // The holder may take it again (a restart with the same id) and renew it.
    expect(await acquireLease(t.db, 'test-lease', 'a', 1_000, at(500))).toBe(true);
    expect(await renewLease(t.db, 'test-lease', 'a', 1_000, at(900))).toBe(true); // now until 1 900
    expect(await acquireLease(t.db, 'test-lease', 'b', 1_000, at(1_899))).toBe(false);
    expect(await leaseHolder(t.db, 'test-lease', at(1_900))).toBeNull();
    expect(await acquireLease(t.db, 'test-lease', 'b', 1_000, at(1_900))).toBe(true);
    expect(await leaseHolder(t.db, 'test-lease', at(1_900))).toBe('b');
    expect(await renewLease(t.db, 'test-lease', 'a', 1_000, at(1_950))).toBe(false);
  });

  it('takes over the lease of a sender that died once it lapses, marking what it left in flight unknown', async () => {
    const api = await newFake();
    await enqueue(t.db, null, [text('1301', 'terkirim?'), text('1302', 'menunggu')]);
    // A dead instance holds the lease for one more second and had claimed the first row.
    const acquiredAt = new Date();
    expect(await acquireLease(t.db, 'outbox-sender', 'dead-host:1', 1_000, acquiredAt)).toBe(true);
    await t.db.outboxMessage.updateMany({ where: { chatId: '1301' }, data: { status: 'sending', claimedBy: 'dead-host:1', attempts: 1 } });
    const sender = await startSender(api);
    expect(sender.isLeaseHolder).toBe(false);
    await sender.drain(10_000);

    const sends = api.callsOf('sendMessage');
    expect(sends.map((c) => c.chatId)).toEqual(['1302']);
    // Nothing left before the dead holder's lease lapsed. Compared with the lapse itself (same
    // clock, the fake stamps each call on arrival), not with when this test happened to resume.
    expect(sends[0]!.at).toBeGreaterThanOrEqual(acquiredAt.getTime() + 1_000);
    expect((await rows()).map((r) => r.status)).toEqual(['unknown', 'sent']);
  });

  it('a graceful stop finishes the send in flight and gives the rest back untouched', async () => {
    const api = await newFake();
    await enqueue(
      t.db,
      null,
      Array.from({ length: 10 }, (_, i) => text('1401', `pesan ${i}`)),
    );
    const sender = await startSender(api, { limits: { telegram: { perChatPerSecond: 5, marginMs: 20 } } });
    await api.waitForMessages('1401', 2, 5_000);
    await sender.stop(5_000);

    const all = await rows();
    const sent = all.filter((r) => r.status === 'sent');
    expect(all.filter((r) => r.status === 'sending')).toHaveLength(0);
    expect(textsIn(api, '1401')).toHaveLength(sent.length);
    const pending = all.filter((r) => r.status === 'pending');
    // Stopped after two of ten at 5/s: some were left to give back, and nothing went missing.
    expect(pending.length).toBeGreaterThan(0);
    expect(sent.length + pending.length).toBe(10);
    expect(pending.every((r) => r.attempts === 0 && r.claimedBy === null)).toBe(true);
    expect(await t.db.lease.count()).toBe(0);
  });
});

describe('when the database is away', () => {
  it('logs the error, keeps trying with pauses, and still stops cleanly', async () => {
    const api = await newFake();
    const lines: string[] = [];
    const captured = createLogger('info', { write: (line: string) => void lines.push(line) });
    const unreachable = createDb('postgresql://skm:skm-local@127.0.0.1:1/nowhere', 1);
    const sender = new OutboxSender({ db: unreachable, transports: { telegram: telegram(api) }, log: captured, pollMs: 50 });
    try {
      await sender.start();
      expect(sender.isLeaseHolder).toBe(false);
      await waitFor(() => lines.filter((l) => l.includes('database error')).length >= 2, 5_000);
    } finally {
      await sender.stop(2_000);
      await unreachable.$disconnect();
    }
    expect(api.calls).toHaveLength(0);
    expect(lines.at(-1)).toContain('outbox sender stopped');
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
