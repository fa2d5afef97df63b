// The WhatsApp channel end to end, with the real WhatsAppChannel, SurveyService, StaffCommands and
// OutboxSender on a real PostgreSQL; only WhatsApp itself is the in-process fake (we cannot reach
// its servers): numbered surveys, duplicates, bad input and media, LID and phone-number identities
// of one person, the session stored in PostgreSQL across restarts, every disconnect reason, two
// instances and the socket lease, staff joining and asking, and the outbound pace.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AuthenticationState, DisconnectReason, initAuthCreds, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { StaffCommands } from '../../src/admin/commands/index.js';
import { createInvitation } from '../../src/admin/staff.js';
import { clearAuthState, isLinked, usePostgresAuthState } from '../../src/channels/whatsapp/auth-state.js';
import { backoffDelay, WhatsAppChannel, type WhatsAppChannelOptions, whatsAppLimits } from '../../src/channels/whatsapp/channel.js';
import { IdentityResolver } from '../../src/channels/whatsapp/identity.js';
import { linkWhatsApp, LinkError } from '../../src/channels/whatsapp/link.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { translate } from '../../src/i18n/index.js';
import { createLogger } from '../../src/log.js';
import { leaseHolder } from '../../src/db/lease.js';
import { OutboxSender } from '../../src/outbox/sender.js';
import { enqueue } from '../../src/outbox/store.js';
import { WhatsAppTransport } from '../../src/channels/whatsapp/transport.js';
import { createPseudonymizer } from '../../src/survey/pseudonym.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { BOT_PN, FakeBoom, storeLinkedSession, FakeWhatsApp, ManualSleeps, VirtualTime } from '../support/fake-wa-socket.js';
import { createTestService, silentLog } from '../support/service.js';
import { maxInWindow } from '../support/windows.js';

let t: TestDatabase;
const channels: WhatsAppChannel[] = [];
const PSEUDONYMIZER = createPseudonymizer('test-key-test-key-test-key-test-key');

beforeAll(async () => {
  t = await createTestDatabase(10);
  await seedDemo(t.db);
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  await t.db.$executeRawUnsafe(
    'TRUNCATE "Lease", "WhatsAppAuth", "WhatsAppAlias", "Conversation", "ProcessedUpdate", "Response", "Consent", "StaffUser", "OutboxMessage", "OutboxFile" RESTART IDENTITY CASCADE',
  );
});
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.stop(2_000);
});

function staffCommands(): StaffCommands {
  return new StaffCommands({ db: t.db, t: translate, log: silentLog, botUsername: () => undefined });
}

async function startChannel(wa: FakeWhatsApp, options: Partial<WhatsAppChannelOptions> = {}): Promise<WhatsAppChannel> {
  const channel = new WhatsAppChannel({
    db: t.db,
    service: createTestService(t.db).service,
    staff: staffCommands(),
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

/** A linked session, a fake WhatsApp and a channel connected to it. */
async function connected(options: Partial<WhatsAppChannelOptions> = {}): Promise<{ wa: FakeWhatsApp; channel: WhatsAppChannel }> {
  await storeLinkedSession(t.db);
  const wa = new FakeWhatsApp();
  const channel = await startChannel(wa, options);
  await wa.opened();
  return { wa, channel };
}

/** One person on WhatsApp: writes from a JID (with its alternative identity, if given) and reads the answers. */
class Person {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly wa: FakeWhatsApp,
    private readonly channel: WhatsAppChannel,
    readonly jid: string,
    readonly alt?: string,
  ) {}

  /** Sends a text and returns what the bot answered to the JID it came from. */
  async say(text: string, via: { jid: string; alt?: string } = { jid: this.jid, ...(this.alt ? { alt: this.alt } : {}) }): Promise<string[]> {
    this.wa.text(via.jid, text, via.alt ? { alt: via.alt } : {});
    return this.answers(via.jid);
  }

  /** The bot's messages to `jid` since the last look, once everything received is handled. */
  async answers(jid = this.jid): Promise<string[]> {
    await this.channel.idle();
    const all = this.wa.textsTo(jid);
    const fresh = all.slice(this.seen.get(jid) ?? 0);
    this.seen.set(jid, all.length);
    return fresh;
  }
}

const joined = (texts: string[]) => texts.join('\n---\n');

describe('a citizen rates on WhatsApp', () => {
  it('completes a survey by numbered replies and label texts; the response is stored with the right answers', async () => {
    const { wa, channel } = await connected();
    const citizen = new Person(wa, channel, '6281234500001@s.whatsapp.net');

    // The QR poster opens wa.me/<number>?text=NILAI%20DUKCAPIL; WhatsApp sends it as an extended text.
    wa.extendedText(citizen.jid, 'NILAI DUKCAPIL');
    let replies = await citizen.answers();
    expect(replies[0]).toContain('Disdukcapil');
    expect(replies.at(-1)).toContain('Mal Pelayanan Publik Kota Demo mengelola jawaban Bapak/Ibu');
    expect(replies.at(-1)).toContain('UU 27/2022');
    expect(replies.at(-1)).toMatch(/\n1\. Saya setuju\n2\. Saya tidak setuju\n3\. Selengkapnya\n\n_Balas dengan angka 1–3\._$/);

    replies = await citizen.say('1');
    expect(joined(replies)).toContain('Layanan apa yang Bapak/Ibu terima di Disdukcapil');
    expect(replies.at(-1)).toContain('2. Kartu Keluarga');
    expect(replies.at(-1)).toContain('Balas dengan angka 1–5');
    replies = await citizen.say('2');
    expect(replies.at(-1)).toMatch(/1\. Isi profil\n2\. Lewati/);
    replies = await citizen.say('Lewati');

    const answers = [4, 3, 3, 2, 4, 4, 4, 3, 3];
    for (const [i, answer] of answers.entries()) {
      expect(replies.at(-1)).toMatch(new RegExp(`^Pertanyaan ${i + 1}/9`));
      expect(replies.at(-1)).toContain('Balas dengan angka 1–4');
      replies = await citizen.say(String(answer));
    }
    // Maladministration: asked for money outside the tariff (yes, by number), the rest "tidak" typed.
    for (let i = 0; i < 5; i++) {
      expect(replies.at(-1)).toMatch(/1\. Ya\n2\. Tidak/);
      replies = await citizen.say(i === 0 ? '1' : 'tidak');
    }
    expect(replies.at(-1)).toContain('adakah saran');
    expect(replies.at(-1)).toContain('_Balas dengan angka 1 untuk memilih._');
    replies = await citizen.say('1');
    expect(joined(replies)).toContain('sudah kami terima');

    const rows = await t.db.response.findMany({ include: { serviceType: true } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect([row.u1, row.u2, row.u3, row.u4, row.u5, row.u6, row.u7, row.u8, row.u9]).toEqual(answers);
    expect(row.serviceType?.name).toBe('Kartu Keluarga');
    expect(row.maladmin).toMatchObject({ imbalan: true, calo: false, penundaan: false, diskriminasi: false, prosedur: false });
    expect(row.suggestion).toBeNull();
    expect(row.gender).toBeNull();
    expect(row.channel).toBe('whatsapp');
    // The phone number is nowhere in what the bot stored about the conversation.
    const stored = JSON.stringify(
      [
        row,
        await t.db.conversation.findMany(),
        await t.db.whatsAppAlias.findMany(),
        await t.db.processedUpdate.findMany(),
        await t.db.consent.findMany(),
      ],
      (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
    );
    expect(stored).not.toContain('6281234500001');
  });

  it('the same message key delivered twice is answered and counted once', async () => {
    const { wa, channel } = await connected();
    const citizen = new Person(wa, channel, '6281234500002@s.whatsapp.net');
    await citizen.say('NILAI SAMSAT');
    await citizen.say('1');
    await citizen.say('1');
    let replies = await citizen.say('2');
    expect(replies.at(-1)).toMatch(/^Pertanyaan 1\/9/);

    const u1 = wa.text(citizen.jid, '4');
    replies = await citizen.answers();
    expect(replies.at(-1)).toMatch(/^Pertanyaan 2\/9/);
    wa.deliver(u1);
    wa.deliver(u1);
    expect(await citizen.answers()).toEqual([]);
    replies = await citizen.say('3');
    expect(replies.at(-1)).toMatch(/^Pertanyaan 3\/9/);
    const state = (await t.db.conversation.findFirstOrThrow()).state as { survey: { answers: number[] } };
    expect(state.survey.answers).toEqual([4, 3]);
  });

  it('answers bad input, stickers, photos and locations with a polite note and the same question; nothing is lost', async () => {
    const { wa, channel } = await connected();
    const citizen = new Person(wa, channel, '6281234500003@s.whatsapp.net');
    await citizen.say('nilai imigrasi');
    wa.sticker(citizen.jid);
    let replies = await citizen.answers();
    // WhatsApp shows no buttons here: the hints never say "tekan tombol".
    expect(replies[0]).toBe(translate('id', 'input.unsupportedList'));
    expect(replies[0]).not.toContain('tombol');
    expect(replies[1]).toContain('1. Saya setuju');
    await citizen.say('Saya setuju');
    await citizen.say('1');
    replies = await citizen.say('2');
    expect(replies.at(-1)).toMatch(/^Pertanyaan 1\/9/);

    replies = await citizen.say('bagus sekali');
    expect(replies[0]).toBe('Mohon maaf, jawaban tersebut tidak kami kenali. Silakan balas dengan angka 1–4.');
    expect(replies[1]).toMatch(/^Pertanyaan 1\/9/);
    replies = await citizen.say('7');
    expect(replies[1]).toMatch(/^Pertanyaan 1\/9/);
    wa.image(citizen.jid, '4');
    replies = await citizen.answers();
    expect(replies[0]).toContain('hanya dapat membaca pesan teks');
    expect(replies[1]).toMatch(/^Pertanyaan 1\/9/);
    wa.location(citizen.jid);
    replies = await citizen.answers();
    expect(replies[1]).toMatch(/^Pertanyaan 1\/9/);

    replies = await citizen.say('Sangat sesuai');
    expect(replies.at(-1)).toMatch(/^Pertanyaan 2\/9/);
    const state = (await t.db.conversation.findFirstOrThrow()).state as { survey: { answers: number[] } };
    expect(state.survey.answers).toEqual([4]);
  });

  it('bare command words work like slash commands, in any case: BATAL, /ulang, PRIVASI, BANTUAN, HAPUSDATA', async () => {
    const { wa, channel } = await connected();
    const citizen = new Person(wa, channel, '6281234500004@s.whatsapp.net');
    await citizen.say('NILAI DPMPTSP');
    await citizen.say('1');
    await citizen.say('1');
    await citizen.say('2');
    await citizen.say('3');
    let replies = await citizen.say('/ulang');
    expect(joined(replies)).toContain('kita mulai lagi dari awal');
    replies = await citizen.say('Batal');
    expect(joined(replies)).toContain('Penilaian dibatalkan');
    replies = await citizen.say('PRIVASI');
    expect(joined(replies)).toContain('UU No. 27 Tahun 2022');
    replies = await citizen.say('bantuan');
    expect(replies.at(-1)).toBe(translate('id', 'whatsapp.help'));
    // "batal saja" is not the command (a word with more after it stays text).
    replies = await citizen.say('batal saja');
    expect(joined(replies)).not.toContain('Tidak ada penilaian yang sedang berjalan');
    replies = await citizen.say('HAPUSDATA');
    expect(replies.at(-1)).toMatch(/1\. Ya, hapus data saya\n2\. Tidak jadi/);
    replies = await citizen.say('1');
    expect(joined(replies)).toContain('Data Bapak/Ibu telah dihapus');
    expect(await t.db.consent.count({ where: { withdrawnAt: null } })).toBe(0);
    expect(await t.db.whatsAppAlias.count()).toBe(0);
  });

  it('ignores groups, broadcasts, status updates, newsletters, its own messages and history', async () => {
    let handled = 0;
    const { wa, channel } = await connected({ onUpdateHandled: () => handled++ });
    const citizen = new Person(wa, channel, '6281234500005@s.whatsapp.net');
    wa.groupText('120363000000000001@g.us', citizen.jid, 'NILAI DUKCAPIL');
    wa.text('status@broadcast', 'NILAI DUKCAPIL');
    wa.text('1234567890@broadcast', 'NILAI DUKCAPIL');
    wa.text('120363000000000002@newsletter', 'NILAI DUKCAPIL');
    wa.text(citizen.jid, 'NILAI DUKCAPIL', { fromMe: true });
    wa.text(citizen.jid, 'NILAI DUKCAPIL', { type: 'append' });
    const replies = await citizen.say('BANTUAN');
    expect(handled).toBe(1);
    expect(replies.at(-1)).toBe(translate('id', 'whatsapp.help'));
    const recipients = new Set(wa.sent.map((m) => m.jid));
    expect([...recipients]).toEqual([citizen.jid]);
    expect(await t.db.conversation.count()).toBe(1);
  });
});

describe('privacy of the logs', () => {
  it('no log line names a phone number, a JID or what a person wrote', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const { wa, channel } = await connected({ log, baileysLogLevel: 'debug' });
    const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId: unit.id }, { createdById: null });
    const person = new Person(wa, channel, '214748364700060@lid', '6281234500060@s.whatsapp.net');
    await person.say('NILAI DUKCAPIL');
    await person.say('Saya setuju');
    wa.sticker(person.jid);
    await person.say(`DAFTAR ${code}`);
    await person.say('SKOR');
    // A failed reply (connection trouble) is logged too, without the JID.
    wa.failSends(new FakeBoom('Connection Closed for 6281234500060@s.whatsapp.net', DisconnectReason.connectionClosed));
    await person.say('BANTUAN');
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    expect(all).not.toMatch(/6281234500060|214748364700060|@lid|@s\.whatsapp\.net|Saya setuju|DAFTAR|SKOR/);
  });
});

describe('one person, two identities (phone number and LID)', () => {
  it('a survey started on the phone-number JID continues from the LID, and the one-response rule holds on both', async () => {
    const { wa, channel } = await connected();
    const pn = '6281234500010@s.whatsapp.net';
    const lid = '214748364700010@lid';
    const person = new Person(wa, channel, pn);
    const fromLid = { jid: lid, alt: pn };

    await person.say('NILAI SAMSAT');
    await person.say('1');
    await person.say('1');
    let replies = await person.say('2');
    expect(replies.at(-1)).toMatch(/^Pertanyaan 1\/9/);
    // WhatsApp now addresses the person by LID and gives the phone number as remoteJidAlt.
    replies = await person.say('4', fromLid);
    expect(replies.at(-1)).toMatch(/^Pertanyaan 2\/9/);
    expect(wa.textsTo(pn).filter((m) => m.startsWith('Pertanyaan 2/9'))).toHaveLength(0);
    for (const answer of [3, 4, 3, 4, 3, 4, 3, 4]) await person.say(String(answer), answer === 3 ? fromLid : { jid: pn });
    for (let i = 0; i < 5; i++) await person.say('2', fromLid);
    replies = await person.say('Pelayanan cepat.', { jid: pn });
    expect(joined(replies)).toContain('sudah kami terima');

    // The same message key re-delivered under the other identity is still the same message.
    const key = wa.text(lid, 'NILAI SAMSAT', { alt: pn, id: 'SAMEKEY1' });
    await person.answers(lid);
    wa.deliver({ ...key, key: { ...key.key, remoteJid: pn, remoteJidAlt: lid } });
    expect(await person.answers(pn)).toEqual([]);

    for (const via of [fromLid, { jid: pn }, { jid: lid }]) {
      replies = await person.say('NILAI SAMSAT', via);
      expect(joined(replies)).toContain('Bapak/Ibu sudah menilai Samsat hari ini');
    }
    const responses = await t.db.response.findMany();
    expect(responses).toHaveLength(1);
    expect([responses[0]!.u1, responses[0]!.u2, responses[0]!.u9]).toEqual([4, 3, 4]);
    expect(responses[0]!.suggestion).toBe('Pelayanan cepat.');
    const aliases = await t.db.whatsAppAlias.findMany();
    expect(aliases).toHaveLength(2);
    expect(new Set(aliases.map((a) => a.canonicalKey)).size).toBe(1);
    expect(JSON.stringify(aliases)).not.toMatch(/6281234500010|214748364700010/);
    expect(await t.db.conversation.count()).toBe(1);
  });

  it('a LID seen first stays canonical when the phone number appears later, also for a new channel instance', async () => {
    const { wa, channel } = await connected();
    const pn = '6281234500011@s.whatsapp.net';
    const lid = '214748364700011@lid';
    const person = new Person(wa, channel, lid);
    await person.say('NILAI BPJSKES');
    let replies = await person.say('1', { jid: pn, alt: lid });
    expect(replies.at(-1)).toContain('Layanan apa yang Bapak/Ibu terima');
    await channel.stop();
    channels.splice(0);
    // A restarted bot (empty caches) reads the aliases from the database.
    const restarted = await startChannel(wa);
    await wa.opened();
    const again = new Person(wa, restarted, pn);
    replies = await again.say('1', { jid: pn });
    expect(replies.at(-1)).toMatch(/1\. Isi profil/);
    expect(await t.db.conversation.count()).toBe(1);
  });
});

describe('identity aliases', () => {
  it('an existing alias wins: a new identity joins the person it arrives with, two known people stay apart', async () => {
    const resolver = new IdentityResolver(t.db, PSEUDONYMIZER);
    const a = await resolver.resolve('6281234500012@s.whatsapp.net');
    const b = await resolver.resolve('214748364700012@lid');
    expect(a.canonicalKey).not.toBe(b.canonicalKey);
    // Both known separately: each message keeps its sender's conversation.
    expect((await resolver.resolve('6281234500012@s.whatsapp.net', '214748364700012@lid')).canonicalKey).toBe(a.canonicalKey);
    expect((await resolver.resolve('214748364700012@lid', '6281234500012@s.whatsapp.net')).canonicalKey).toBe(b.canonicalKey);
    // A new identity (device suffixes normalised away) arriving with a known one joins it, also for a fresh resolver.
    const c = await resolver.resolve('214748364799999:3@lid', '6281234500012:7@s.whatsapp.net');
    expect(c).toEqual({ canonicalKey: a.canonicalKey, jid: '214748364799999@lid', altJid: '6281234500012@s.whatsapp.net' });
    expect((await new IdentityResolver(t.db, PSEUDONYMIZER).resolve('214748364799999@lid')).canonicalKey).toBe(a.canonicalKey);
    expect(await t.db.whatsAppAlias.count()).toBe(3);
  });
});

describe('the session in PostgreSQL', () => {
  const buffer = (n: number) => Buffer.from(Array.from({ length: 32 }, (_, i) => (i * n) % 256));

  it('credentials and keys (sessions, app-state keys, LID mappings) survive a restart, and deletions are stored', async () => {
    const first = await usePostgresAuthState(t.db);
    expect(first.state.creds.registered).toBe(false);
    Object.assign(first.state.creds, { registered: true, me: { id: BOT_PN, lid: '90000000000001@lid' } });
    await first.saveCreds();
    const data: SignalDataSet = {
      session: { '6281234500020.0': buffer(3), '214748364700020_1.0': buffer(5) },
      'pre-key': { '7': { public: buffer(7), private: buffer(11) } },
      'lid-mapping': { '6281234500020': '214748364700020', '214748364700020_reverse': '6281234500020' },
      'app-state-sync-key': { AAAAAB: proto.Message.AppStateSyncKeyData.fromObject({ keyData: buffer(13), timestamp: 1_700_000_000 }) },
      'device-list': { '6281234500020': ['0', '1'] },
    };
    await first.state.keys.set(data);

    const second = await usePostgresAuthState(t.db);
    expect(second.state.creds.registered).toBe(true);
    expect(second.state.creds.me?.id).toBe(BOT_PN);
    expect(Buffer.from(second.state.creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(true);
    expect(second.state.creds.signedIdentityKey.public).toBeInstanceOf(Buffer);
    const sessions = await second.state.keys.get('session', ['6281234500020.0', '214748364700020_1.0', 'missing']);
    expect(Object.keys(sessions).sort()).toEqual(['214748364700020_1.0', '6281234500020.0']);
    expect(Buffer.from(sessions['6281234500020.0']!).equals(buffer(3))).toBe(true);
    expect(await second.state.keys.get('lid-mapping', ['6281234500020', '214748364700020_reverse'])).toEqual({
      '6281234500020': '214748364700020',
      '214748364700020_reverse': '6281234500020',
    });
    const preKey = (await second.state.keys.get('pre-key', ['7']))['7']!;
    expect(Buffer.from(preKey.private).equals(buffer(11))).toBe(true);
    const appKey = (await second.state.keys.get('app-state-sync-key', ['AAAAAB']))['AAAAAB']!;
    expect(appKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(appKey.keyData!).equals(buffer(13))).toBe(true);
    expect(await second.state.keys.get('device-list', ['6281234500020'])).toEqual({ '6281234500020': ['0', '1'] });

    await second.state.keys.set({ session: { '6281234500020.0': null } });
    const third = await usePostgresAuthState(t.db, { cache: false });
    expect(Object.keys(await third.state.keys.get('session', ['6281234500020.0', '214748364700020_1.0']))).toEqual(['214748364700020_1.0']);
    expect(await isLinked(t.db)).toBe(true);
    await third.clear();
    expect(await t.db.whatsAppAuth.count()).toBe(0);
    expect(await isLinked(t.db)).toBe(false);
  });

  it('a keys.set over several types is atomic: a failure in the middle leaves none of them written', async () => {
    const auth = await usePostgresAuthState(t.db, { cache: false });
    await auth.state.keys.set({ session: { old: buffer(1) } });
    // PostgreSQL refuses a NUL character inside jsonb: the write fails after the first rows were sent.
    await expect(
      auth.state.keys.set({
        session: { new: buffer(2), old: null },
        'lid-mapping': { '6281234500021': '214748364700021' },
        'device-list': { bad: ['a\u0000b'] },
      }),
    ).rejects.toThrow();
    expect(Object.keys(await auth.state.keys.get('session', ['old', 'new']))).toEqual(['old']);
    expect(await auth.state.keys.get('lid-mapping', ['6281234500021'])).toEqual({});
    expect(await t.db.whatsAppAuth.count()).toBe(1);
  });

  it('a restarted channel reconnects with the stored session: no pairing, the same account and keys', async () => {
    const { wa, channel } = await connected();
    await channel.stop();
    channels.splice(0);
    const stored = await t.db.whatsAppAuth.findMany({ orderBy: [{ type: 'asc' }, { id: 'asc' }] });
    expect(stored.map((r) => r.type)).toEqual(expect.arrayContaining(['creds', 'lid-mapping', 'pre-key']));

    const wa2 = new FakeWhatsApp();
    await startChannel(wa2);
    const socket = await wa2.opened();
    expect(socket.auth.creds.registered).toBe(true);
    expect(socket.auth.creds.me?.id).toBe(BOT_PN);
    // The account sync counter the first socket wrote (creds.update) was stored, reloaded and counted on.
    expect(socket.auth.creds.accountSyncCounter).toBe(2);
    expect(await socket.auth.keys.get('lid-mapping', ['6281100000001'])).toEqual({ '6281100000001': '90000000000001' });
    expect(wa.sockets).toHaveLength(1);
  });

  it('without a stored session the channel opens no socket and waits for `skm whatsapp link`', async () => {
    const wa = new FakeWhatsApp();
    const sleeps = new ManualSleeps();
    const channel = await startChannel(wa, { sleep: sleeps.sleep, unlinkedRetryMs: 99_999 });
    expect(await sleeps.next((ms) => ms === 99_999)).toBe(99_999);
    expect(wa.sockets).toHaveLength(0);
    expect(channel.isLeaseHolder).toBe(false);
    await storeLinkedSession(t.db);
    sleeps.release((ms) => ms === 99_999);
    await wa.opened();
    expect(channel.isLeaseHolder).toBe(true);
  });
});

describe('pairing (skm whatsapp link)', () => {
  it('shows a QR code and a pairing code, stores the session after the restart WhatsApp asks for', async () => {
    const wa = new FakeWhatsApp();
    const out: string[] = [];
    const linking = linkWhatsApp({
      db: t.db,
      log: silentLog,
      out: (text) => out.push(text),
      phoneNumber: '6281100000001',
      socketFactory: wa.factory,
      settleMs: 0,
    });
    const first = await wa.socketCount(1);
    await waitFor(() => out.some((line) => line.includes('FAKE-2345')));
    expect(out.some((line) => line.includes('Linked devices') && /[█▀▄]/.test(line))).toBe(true);
    expect(first.pairingRequests).toEqual(['6281100000001']);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toMatch(/^link:/);
    first.completePairing();
    expect(await linking).toEqual({ status: 'linked', account: '+62811••••••01' });
    expect(wa.sockets).toHaveLength(2);
    expect(await isLinked(t.db)).toBe(true);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBeNull();
    expect(await linkWhatsApp({ db: t.db, log: silentLog, out: () => {}, socketFactory: wa.factory })).toEqual({ status: 'already-linked' });
  });

  it('says so clearly when the QR code expires unscanned, and leaves no lease behind', async () => {
    const wa = new FakeWhatsApp();
    const printed: string[] = [];
    const linking = linkWhatsApp({ db: t.db, log: silentLog, out: (text) => printed.push(text), socketFactory: wa.factory, settleMs: 0 });
    const socket = await wa.socketCount(1);
    await waitFor(() => printed.some((line) => line.includes('Scan this QR code')));
    socket.closeWith(new FakeBoom('QR refs attempts ended', DisconnectReason.timedOut));
    await expect(linking).rejects.toThrow(/QR code expired/);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBeNull();
    expect(await isLinked(t.db)).toBe(false);
  });

  it('says WhatsApp could not be reached when the connection closes before any QR code', async () => {
    const wa = new FakeWhatsApp();
    const linking = linkWhatsApp({ db: t.db, log: silentLog, out: () => {}, socketFactory: wa.factory, settleMs: 0 });
    const socket = await wa.socketCount(1);
    socket.closeWith(new FakeBoom('Connection Failure', DisconnectReason.connectionClosed));
    await expect(linking).rejects.toThrow(/Could not reach WhatsApp/);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBeNull();
  });

  it('refuses while a running bot holds the WhatsApp connection', async () => {
    await connected();
    await clearAuthState(t.db);
    await expect(linkWhatsApp({ db: t.db, log: silentLog, out: () => {}, socketFactory: new FakeWhatsApp().factory })).rejects.toThrow(LinkError);
  });
});

describe('connection handling by DisconnectReason', () => {
  const RENEW = 7_777;
  const UNLINKED = 99_999;
  const isBackoff = (ms: number) => ms !== RENEW && ms !== UNLINKED;

  async function supervised(random: () => number) {
    await storeLinkedSession(t.db);
    const wa = new FakeWhatsApp();
    const sleeps = new ManualSleeps();
    const loggedOut: number[] = [];
    const channel = await startChannel(wa, {
      sleep: sleeps.sleep,
      random,
      lease: { ttlMs: 600_000, renewMs: RENEW },
      unlinkedRetryMs: UNLINKED,
      reconnect: { baseMs: 1_000, maxMs: 300_000 },
      onLoggedOut: () => void loggedOut.push(1),
    });
    await wa.opened();
    return { wa, sleeps, channel, loggedOut };
  }

  it('restartRequired reconnects at once; three in a row without opening, then it backs off', async () => {
    const { wa, sleeps } = await supervised(() => 0.5);
    wa.current!.closeWith(new FakeBoom('restart required', DisconnectReason.restartRequired));
    await wa.opened();
    expect(wa.sockets).toHaveLength(2);
    expect(sleeps.requested.filter(isBackoff)).toEqual([]);

    wa.autoOpen = false;
    for (let i = 0; i < 3; i++) {
      wa.current!.closeWith(new FakeBoom('restart required', DisconnectReason.restartRequired));
      await wa.socketCount(3 + i);
    }
    wa.current!.closeWith(new FakeBoom('restart required', DisconnectReason.restartRequired));
    expect(await sleeps.next(isBackoff)).toBe(1_000);
    expect(wa.sockets).toHaveLength(5);
  });

  it('connectionLost, timedOut and other closes reconnect after growing, jittered delays, never below the base', async () => {
    const randoms = [0.9, 0.2, 0.6, 1, 0, 0.4, 0.8];
    let r = 0;
    const { wa, sleeps } = await supervised(() => randoms[r++ % randoms.length]!);
    const reasons = [
      DisconnectReason.connectionLost,
      DisconnectReason.timedOut,
      DisconnectReason.connectionClosed,
      DisconnectReason.connectionReplaced,
      DisconnectReason.badSession,
      DisconnectReason.unavailableService,
      DisconnectReason.forbidden,
    ];
    const delays: number[] = [];
    wa.autoOpen = false; // no connection becomes stable, so the backoff keeps growing
    for (const [i, reason] of reasons.entries()) {
      const sockets = wa.sockets.length;
      wa.sockets.at(-1)!.closeWith(new FakeBoom('closed', reason));
      const wait = await sleeps.next(isBackoff);
      delays.push(wait);
      // Nothing reconnects before the pause is over.
      expect(wa.sockets).toHaveLength(sockets);
      expect(wait).toBe(backoffDelay(i + 1, 1_000, 300_000, randoms[i]!));
      sleeps.release(isBackoff);
      await wa.socketCount(sockets + 1);
    }
    expect(delays[0]).toBe(1_000);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
    expect(delays).toHaveLength(reasons.length);
    expect(delays.every((d) => d >= 1_000)).toBe(true);
    // Jitter: the same attempt with another random number waits another time.
    expect(backoffDelay(5, 1_000, 300_000, 0)).not.toBe(backoffDelay(5, 1_000, 300_000, 1));
    // A close without a reason (no Boom error) backs off too.
    wa.sockets.at(-1)!.closeWith(undefined);
    expect(await sleeps.next(isBackoff)).toBeGreaterThan(delays.at(-1)!);
  });

  it('the backoff doubles from 1 s up to 5 minutes and stays there, always with jitter below the cap', () => {
    for (let attempt = 1; attempt <= 40; attempt++) {
      for (const random of [0, 0.5, 1]) {
        const ms = backoffDelay(attempt, 1_000, 300_000, random);
        expect(ms).toBeGreaterThanOrEqual(1_000);
        expect(ms).toBeLessThanOrEqual(300_000);
        if (attempt >= 2) expect(ms).toBeGreaterThanOrEqual(0.75 * Math.min(300_000, 1_000 * 2 ** (attempt - 1)));
      }
    }
    expect(backoffDelay(30, 1_000, 300_000, 0)).toBe(300_000);
    expect(backoffDelay(30, 1_000, 300_000, 1)).toBe(225_000);
  });

  it('loggedOut deletes the session, calls onLoggedOut once and does not reconnect', async () => {
    const { wa, sleeps, channel, loggedOut } = await supervised(() => 0.5);
    expect(await t.db.whatsAppAuth.count()).toBeGreaterThan(0);
    wa.current!.closeWith(new FakeBoom('logged out', DisconnectReason.loggedOut));
    expect(await sleeps.next((ms) => ms === UNLINKED)).toBe(UNLINKED);
    expect(loggedOut).toEqual([1]);
    expect(await t.db.whatsAppAuth.count()).toBe(0);
    expect(wa.sockets).toHaveLength(1);
    expect(channel.isLeaseHolder).toBe(false);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBeNull();
    // Still nothing linked at the next look: it keeps waiting, without a socket.
    sleeps.release((ms) => ms === UNLINKED);
    await sleeps.next((ms) => ms === UNLINKED);
    expect(wa.sockets).toHaveLength(1);
    expect(loggedOut).toEqual([1]);
  });
});

describe('two instances and the socket lease', () => {
  it('only the lease holder opens a socket; the other takes over once the holder stops renewing', async () => {
    await storeLinkedSession(t.db);
    const waA = new FakeWhatsApp();
    const waB = new FakeWhatsApp();
    const stalled = new ManualSleeps(); // A's timers never fire: a stalled process
    const a = await startChannel(waA, { instanceId: 'A', sleep: stalled.sleep, lease: { ttlMs: 1_500, renewMs: 200, retryMs: 50 } });
    await waA.opened();
    const b = await startChannel(waB, { instanceId: 'B', lease: { ttlMs: 1_500, renewMs: 200, retryMs: 50 } });
    expect(a.isLeaseHolder).toBe(true);
    expect(b.isLeaseHolder).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waB.sockets).toHaveLength(0);

    // A stops renewing; its lease lapses and B takes over.
    await waB.opened(5_000);
    expect(b.isLeaseHolder).toBe(true);
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBe('B');
    // When A wakes up, its renewal fails and it closes its socket instead of fighting.
    stalled.release((ms) => ms === 200);
    await waitFor(() => waA.sockets[0]!.ended);
    expect(a.isLeaseHolder).toBe(false);
    expect(waA.sockets).toHaveLength(1);

    // B stops: it gives the lease up at once, and it is free for A (or any instance) to take.
    await b.stop();
    expect(await leaseHolder(t.db, 'whatsapp-socket')).toBeNull();
  });
});

describe('staff on WhatsApp', () => {
  it('an official joins with DAFTAR <code> from a LID, then asks /skor and SKOR from either identity', async () => {
    const { wa, channel } = await connected();
    const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId: unit.id }, { createdById: null });
    const pn = '6281234500030@s.whatsapp.net';
    const lid = '214748364700030@lid';
    const official = new Person(wa, channel, lid, pn);

    wa.text(lid, `DAFTAR ${code.toLowerCase()}`, { alt: pn, pushName: 'Bu Sari' });
    let replies = await official.answers(lid);
    expect(replies[0]).toContain('Selamat bergabung');
    expect(replies[0]).toContain('Disdukcapil');
    const user = await t.db.staffUser.findFirstOrThrow({ where: { channel: 'whatsapp' } });
    expect(user.externalId).toBe(lid);
    expect(user.displayName).toBe('Bu Sari');

    replies = await official.say('/skor DUKCAPIL');
    expect(replies[0]).toMatch(/^Disdukcapil \(DUKCAPIL\) · .+\nResponden: 0 dari target/);
    const score = replies[0];
    replies = await official.say('skor dukcapil', { jid: pn });
    expect(replies[0]).toBe(score);
    replies = await official.say('BANTUAN');
    expect(replies[0]).toContain('/skor');
    expect(replies.at(-1)).toBe(translate('id', 'whatsapp.staffHelp'));
    // A duplicate of a staff command is not answered twice.
    const again = wa.text(pn, 'SKOR', { id: 'STAFFDUP' });
    await official.answers(pn);
    wa.deliver(again);
    expect(await official.answers(pn)).toEqual([]);
    // Staff are answered in the language stored with them.
    await t.db.staffUser.update({ where: { id: user.id }, data: { locale: 'en' } });
    replies = await official.say('BANTUAN');
    expect(replies.at(-1)).toBe(translate('en', 'whatsapp.staffHelp'));

    // Bare staff words are commands for staff only: for a citizen, SKOR is just an unknown unit code.
    const citizen = new Person(wa, channel, '6281234500031@s.whatsapp.net');
    replies = await citizen.say('SKOR');
    expect(joined(replies)).toContain('kode unit "SKOR" tidak kami temukan');
    expect(await t.db.staffUser.count()).toBe(1);
  });

  it("officials' summaries reach them through the outbox: text, then the chart; never anyone else", async () => {
    const { wa, channel } = await connected({ outbox: { perMinute: 20, perChatPerMinute: 5, sender: { pollMs: 50, leaseTtlMs: 3_000 } } });
    const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'SAMSAT' } });
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId: unit.id }, { createdById: null });
    const jid = '6281234500040@s.whatsapp.net';
    const official = new Person(wa, channel, jid);
    expect(await official.say(`/daftar ${code}`)).toHaveLength(2);
    const user = await t.db.staffUser.findFirstOrThrow({ where: { externalId: jid } });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await enqueue(t.db, null, [
      { channel: 'whatsapp', chatId: jid, staffUserId: user.id, text: 'Ringkasan mingguan SKM' },
      { channel: 'whatsapp', chatId: jid, staffUserId: user.id, text: 'Grafik IKM', photo: { filename: 'ikm.png', content: png } },
      { channel: 'whatsapp', chatId: '6281234500041@s.whatsapp.net', text: 'to a stranger' },
    ]);
    const sent = await wa.waitForSent(jid, 4, 10_000);
    expect(sent.slice(2).map((m) => [m.kind, m.text])).toEqual([
      ['text', 'Ringkasan mingguan SKM'],
      ['image', 'Grafik IKM'],
    ]);
    await waitFor(async () => (await t.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0);
    const rows = await t.db.outboxMessage.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'failed']);
    expect(rows[2]!.lastError).toContain('not a WhatsApp staff member');
    expect(wa.sentTo('6281234500041@s.whatsapp.net')).toHaveLength(0);
  });
});

describe('outbound pace', () => {
  it('12 messages to one official go at most 5 a minute (over 2 minutes), and at most 20 a minute in all', async () => {
    const time = new VirtualTime();
    const wa = new FakeWhatsApp({ clock: time.clock });
    const socket = wa.factory({ auth: memoryAuth(), logger: silentLog });
    await wa.opened();
    const officials = ['6281234500050', '6281234500051', '6281234500052', '6281234500053', '6281234500054', '6281234500055'].map(
      (n) => `${n}@s.whatsapp.net`,
    );
    for (const jid of officials) await t.db.staffUser.create({ data: { channel: 'whatsapp', externalId: jid } });
    const messages = [
      ...Array.from({ length: 12 }, (_, i) => ({ channel: 'whatsapp' as const, chatId: officials[0]!, text: `pesan ${i + 1}` })),
      ...officials
        .slice(1)
        .flatMap((chatId) => Array.from({ length: 4 }, (_, i) => ({ channel: 'whatsapp' as const, chatId, text: `pesan ${i + 1}` }))),
    ];
    await enqueue(t.db, null, messages);
    const sender = new OutboxSender({
      db: t.db,
      transports: { whatsapp: new WhatsAppTransport({ socket: () => socket, db: t.db }) },
      limits: { whatsapp: whatsAppLimits(20, 5) },
      log: silentLog,
      clock: time.clock,
      sleep: time.sleep,
    });
    time.start(1);
    try {
      await sender.start();
      await wa.waitForSent(officials[0]!, 12, 20_000);
      await waitFor(() => wa.sent.length === 32, 20_000);
    } finally {
      await sender.stop(2_000);
      time.stop();
    }
    const first = wa.sentTo(officials[0]!).map((m) => m.at);
    expect(wa.textsTo(officials[0]!)).toEqual(Array.from({ length: 12 }, (_, i) => `pesan ${i + 1}`));
    expect(maxInWindow(first, 60_000)).toBe(5);
    expect(first.at(-1)! - first[0]!).toBeGreaterThanOrEqual(120_000);
    for (const jid of officials)
      expect(
        maxInWindow(
          wa.sentTo(jid).map((m) => m.at),
          60_000,
        ),
      ).toBeLessThanOrEqual(5);
    expect(
      maxInWindow(
        wa.sent.map((m) => m.at).sort((x, y) => x - y),
        60_000,
      ),
    ).toBeLessThanOrEqual(20);
  });
});

/** An auth state in memory (for sockets that do not need the database). */
function memoryAuth(): AuthenticationState {
  const creds = Object.assign(initAuthCreds(), { registered: true });
  const store = new Map<string, unknown>();
  return {
    creds,
    keys: {
      get: async (type, ids) =>
        Object.fromEntries(ids.filter((id) => store.has(`${type}/${id}`)).map((id) => [id, store.get(`${type}/${id}`)])) as never,
      set: async (data) => {
        for (const [type, entries] of Object.entries(data))
          for (const [id, value] of Object.entries(entries ?? {})) store.set(`${type}/${id}`, value);
      },
    },
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
