// The staff router's other half on a real PostgreSQL: joining with an invitation (/daftar and the
// deep link /start i_<code>: wrong, used, expired codes; what the new member may then use), each
// update answered exactly once (a re-delivered update changes and answers nothing, for reading and
// writing commands alike), a failed write leaving nothing behind, audit entries kept only with a
// claim, and a staff member who blocked the bot getting deliveries again after writing to it.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, StaffCommands, type StaffCommand, type StaffResult } from '../../src/admin/commands/index.js';
import { Reply } from '../../src/admin/commands/types.js';
import { createInvitation, grantRole, hashCode, redeemInvitation, revokeRole } from '../../src/admin/staff.js';
import { translate } from '../../src/i18n/index.js';
import type { Locale } from '../../src/survey/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { silentLog } from '../support/service.js';

const NOW = new Date('2026-11-23T02:00:00Z');
const DAY = 86_400_000;
let t: TestDatabase;
let staff: StaffCommands;
let agencyId = 0;
let unitId = 0;
let admin = 0;
let nextUser = 0;

function ask(
  userId: string,
  command: string,
  arg = '',
  extra: { updateId?: string | null; locale?: Locale; displayName?: string; commands?: StaffCommands } = {},
): Promise<StaffResult | null> {
  return (extra.commands ?? staff).handle({
    channel: 'telegram',
    userId,
    command,
    arg,
    locale: extra.locale ?? 'id',
    updateId: extra.updateId ?? null,
    ...(extra.displayName ? { displayName: extra.displayName } : {}),
  });
}

function texts(result: StaffResult | null): string[] {
  if (!result || result.duplicate) throw new Error(`no reply: ${JSON.stringify(result)}`);
  return result.reply.messages;
}

const invite = (role: 'agency_admin' | 'agency_official' | 'unit_official', now = NOW, days?: number) =>
  createInvitation(
    t.db,
    { role, agencyId: role === 'unit_official' ? null : agencyId, unitId: role === 'unit_official' ? unitId : null },
    { createdById: admin, now, ...(days === undefined ? {} : { days }) },
  );

/** A logger whose records the test reads: what the operator sees of a failure. */
function capturingLog() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), records };
}

const newUser = () => `join-${++nextUser}`;
const audits = (action: string) => t.db.auditLog.count({ where: { action } });

beforeAll(async () => {
  t = await createTestDatabase();
  agencyId = (await t.db.agency.create({ data: { code: 'KOTA-J', name: 'Kota J', timeZone: 'Asia/Jakarta' } })).id;
  unitId = (await t.db.serviceUnit.create({ data: { code: 'J-SATU', name: 'Unit J Satu', agencyId } })).id;
  admin = (await grantRole(t.db, { channel: 'telegram', externalId: 'admin-j' }, { role: 'agency_admin', agencyId, unitId: null })).userId;
  staff = new StaffCommands({ db: t.db, t: translate, log: silentLog, botUsername: () => 'skm_test_bot', clock: () => NOW });
});

afterAll(async () => {
  await t?.drop();
});

describe('joining with an invitation', () => {
  it('/daftar <code> makes a unit official of that unit, with the official commands only in the new menu', async () => {
    const { code, expiresAt } = await invite('unit_official');
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}$/);
    expect(expiresAt.getTime() - NOW.getTime()).toBe(7 * DAY);
    const user = newUser();
    expect(await ask(user, 'skor')).toBeNull();
    const result = await ask(user, 'daftar', code, { displayName: 'Bu Sari' });
    if (!result || result.duplicate) throw new Error('no reply');
    expect(result.reply.messages).toEqual([
      translate('id', 'staff.join.done', { role: translate('id', 'staff.roles.unit_official'), target: 'Unit J Satu' }),
      translate('id', 'staff.join.next'),
    ]);
    const menu = (result.reply.menu ?? []).map((m) => m.command);
    const official = COMMANDS.filter((c) => c.level === 'official').map((c) => c.name);
    expect(official.length).toBeGreaterThan(0);
    expect(menu).toEqual(official);
    const row = await t.db.staffUser.findFirstOrThrow({ where: { externalId: user }, include: { roles: true } });
    expect(row.displayName).toBe('Bu Sari');
    expect(row.roles.map((r) => [r.role, r.unitId, r.agencyId, r.grantedBy])).toEqual([['unit_official', unitId, null, admin]]);
    // Now staff: the command is theirs.
    expect(await ask(user, 'skor')).not.toBeNull();
  });

  it('the deep link /start i_<code> joins too, in lower case as well; an admin’s menu has the admin commands', async () => {
    const { code } = await invite('agency_admin');
    const user = newUser();
    const result = await ask(user, 'start', `i_${code.toLowerCase()}`, { locale: 'en' });
    if (!result || result.duplicate) throw new Error('no reply');
    expect(result.reply.messages[0]).toBe(
      translate('en', 'staff.join.done', { role: translate('en', 'staff.roles.agency_admin'), target: 'Kota J' }),
    );
    expect((result.reply.menu ?? []).map((m) => m.command)).toEqual(COMMANDS.map((c) => c.name));
    expect(result.reply.menu?.[0]?.description).toBe(COMMANDS[0]!.menu((key) => translate('en', key)));
    // Any other /start is the citizen's conversation.
    expect(await ask(newUser(), 'start', 'J-SATU')).toBeNull();
    expect(await ask(newUser(), 'start', '')).toBeNull();
    // Only /start's argument is a deep link: elsewhere "i_…" is an argument like any other.
    const other = await invite('agency_official');
    expect(await ask(newUser(), 'skor', `i_${other.code}`)).toBeNull();
    expect(await ask(newUser(), 'halo', `i_${other.code}`)).toBeNull();
    expect(texts(await ask('admin-j', 'skor', `i_${other.code}`))).not.toContain(translate('id', 'staff.join.invalid'));
    expect((await t.db.invitation.findUniqueOrThrow({ where: { codeHash: hashCode(other.code) } })).usedAt).toBeNull();
    // A command staff do not have is the citizen conversation's too, for staff as well.
    expect(await ask('admin-j', 'halo')).toBeNull();
  });

  it('a wrong, used or expired code gets one answer and grants nothing; an empty one gets the usage', async () => {
    const invalid = [translate('id', 'staff.join.invalid')];
    const used = await invite('agency_official');
    expect(texts(await ask(newUser(), 'daftar', used.code))).toHaveLength(2);
    // Expires exactly now: no longer valid.
    const expired = await invite('agency_official', new Date(NOW.getTime() - 2 * DAY), 2);
    const grants = await t.db.staffRole.count();
    for (const code of [used.code, expired.code, 'ABCDEFGHJK', 'AB#DEFGHJK', 'ABCDE']) {
      const user = newUser();
      expect(texts(await ask(user, 'daftar', code)), code).toEqual(invalid);
      expect(await t.db.staffUser.count({ where: { externalId: user } }), code).toBe(0);
    }
    expect(texts(await ask(newUser(), 'daftar', '  '))).toEqual([translate('id', 'staff.join.usage')]);
    expect(await t.db.staffRole.count()).toBe(grants);
  });

  it('a code still valid for one more millisecond is accepted', async () => {
    const { code } = await invite('agency_official', new Date(NOW.getTime() - 2 * DAY + 1), 2);
    expect(texts(await ask(newUser(), 'daftar', code))).toHaveLength(2);
  });

  it('two people racing with one code: exactly one joins', async () => {
    const { code } = await invite('agency_official');
    const [a, b] = [newUser(), newUser()];
    const results = await Promise.all([
      redeemInvitation(t.db, { channel: 'telegram', externalId: a }, code, NOW),
      redeemInvitation(t.db, { channel: 'telegram', externalId: b }, code, NOW),
    ]);
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(await t.db.staffRole.count({ where: { user: { externalId: { in: [a, b] } } } })).toBe(1);
  });

  it('the invitation and its redemption are audited; the operator’s grant is idempotent and revoking twice is refused', async () => {
    const before = [await audits('invite.create'), await audits('invite.redeem')];
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId }, { createdById: null, now: NOW });
    const created = await t.db.auditLog.findFirstOrThrow({ where: { action: 'invite.create' }, orderBy: { id: 'desc' } });
    expect([created.actor, created.target]).toEqual(['cli', `unit_official unit#${unitId}`]);
    const user = newUser();
    expect((await redeemInvitation(t.db, { channel: 'telegram', externalId: user }, code, NOW)).ok).toBe(true);
    const redeemed = await t.db.auditLog.findFirstOrThrow({ where: { action: 'invite.redeem' }, orderBy: { id: 'desc' } });
    expect(redeemed.target).toBe(`unit_official unit#${unitId}`);
    expect([await audits('invite.create'), await audits('invite.redeem')]).toEqual([before[0]! + 1, before[1]! + 1]);

    const who = { channel: 'telegram', externalId: newUser() };
    const target = { role: 'agency_official', agencyId, unitId: null } as const;
    const first = await grantRole(t.db, who, target);
    expect(first.created).toBe(true);
    expect(await grantRole(t.db, who, target)).toEqual({ userId: first.userId, created: false });
    const role = await t.db.staffRole.findFirstOrThrow({ where: { userId: first.userId } });
    expect(await revokeRole(t.db, role.id, 'cli', NOW)).toBe(true);
    expect(await revokeRole(t.db, role.id, 'cli', NOW)).toBe(false);
    expect(await revokeRole(t.db, 987_654, 'cli', NOW)).toBe(false);
    expect(await t.db.auditLog.count({ where: { action: 'role.revoke', target: `user#${first.userId} agency_official agency#${agencyId}` } })).toBe(
      1,
    );
  });
});

describe('each update is answered exactly once', () => {
  it('a re-delivered reading command is not answered again', async () => {
    const first = texts(await ask('admin-j', 'pengguna', '', { updateId: 'u-100' }));
    expect(first.length).toBeGreaterThan(0);
    expect(await ask('admin-j', 'pengguna', '', { updateId: 'u-100' })).toEqual({ duplicate: true });
    // Another update, or one without an id, is answered.
    expect(await t.db.processedUpdate.count({ where: { updateId: 'u-100' } })).toBe(1);
    expect(texts(await ask('admin-j', 'pengguna', '', { updateId: 'u-101' }))).toEqual(first);
    expect(texts(await ask('admin-j', 'pengguna'))).toEqual(first);
    expect(texts(await ask('admin-j', 'pengguna'))).toEqual(first);
  });

  it('a re-delivered invitation is neither created nor answered twice; a re-delivered join is not redeemed twice', async () => {
    const invitations = await t.db.invitation.count();
    const reply = texts(await ask('admin-j', 'undang', 'unit J-SATU', { updateId: 'u-200' }));
    expect(reply[1]).toMatch(/^https:\/\/t\.me\/skm_test_bot\?start=i_[A-Z0-9]{10}$/);
    expect(await ask('admin-j', 'undang', 'unit J-SATU', { updateId: 'u-200' })).toEqual({ duplicate: true });
    expect(await t.db.invitation.count()).toBe(invitations + 1);

    const code = reply[1]!.split('i_')[1]!;
    const user = newUser();
    expect(texts(await ask(user, 'start', `i_${code}`, { updateId: 'u-201' }))).toHaveLength(2);
    expect(await ask(user, 'start', `i_${code}`, { updateId: 'u-201' })).toEqual({ duplicate: true });
    expect(await t.db.staffRole.count({ where: { user: { externalId: user } } })).toBe(1);

    // A join arriving under an update id already answered is not redeemed at all: the code stays usable.
    const fresh = await invite('agency_official');
    texts(await ask('admin-j', 'bantuan', '', { updateId: 'u-202' }));
    const late = newUser();
    expect(await ask(late, 'daftar', fresh.code, { updateId: 'u-202' })).toEqual({ duplicate: true });
    expect(await t.db.staffUser.count({ where: { externalId: late } })).toBe(0);
    expect(texts(await ask(late, 'daftar', fresh.code, { updateId: 'u-203' }))).toHaveLength(2);
  });

  it('a failed write leaves nothing behind, its claim neither: the re-delivered update is tried again', async () => {
    let fail = true;
    const write: StaffCommand = {
      name: 'tulis',
      level: 'official',
      writes: true,
      menu: () => 'tulis',
      run: async (c) => {
        await c.db.agency.update({ where: { id: agencyId }, data: { name: 'Kota J (diubah)' } });
        c.audit({ action: 'test.write', target: null });
        if (fail) throw new Error('disk full');
        return { messages: ['ok'] };
      },
    };
    const { log, records } = capturingLog();
    const commands = new StaffCommands({ db: t.db, t: translate, log, botUsername: () => undefined, clock: () => NOW }, [write]);
    expect(texts(await ask('admin-j', 'tulis', '', { updateId: 'u-300', commands }))).toEqual([translate('id', 'errors.internal')]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ msg: 'staff command failed', command: 'tulis', updateId: 'u-300', err: { message: 'disk full' } });
    expect((await t.db.agency.findUniqueOrThrow({ where: { id: agencyId } })).name).toBe('Kota J');
    expect(await audits('test.write')).toBe(0);
    fail = false;
    expect(texts(await ask('admin-j', 'tulis', '', { updateId: 'u-300', commands }))).toEqual(['ok']);
    expect(await audits('test.write')).toBe(1);
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: 'test.write' } });
    expect(entry.actor).toBe(`staff:${admin}`);
    expect(await ask('admin-j', 'tulis', '', { updateId: 'u-300', commands })).toEqual({ duplicate: true });
    await t.db.agency.update({ where: { id: agencyId }, data: { name: 'Kota J' } });
  });

  it('a reading command that fails is apologised for once; a user mistake is its text, without audit entries', async () => {
    let calls = 0;
    const read: StaffCommand = {
      name: 'baca',
      level: 'official',
      writes: false,
      menu: () => 'baca',
      run: async (c) => {
        calls++;
        c.audit({ action: 'test.read', target: null });
        if (c.req.arg === 'salah') throw new Reply('contoh: /baca');
        if (c.req.arg === 'rusak') throw new Error('boom');
        return { messages: ['x'.repeat(5000)] };
      },
    };
    const { log, records } = capturingLog();
    const commands = new StaffCommands({ db: t.db, t: translate, log, botUsername: () => undefined }, [read]);
    expect(texts(await ask('admin-j', 'baca', 'rusak', { updateId: 'u-400', commands }))).toEqual([translate('id', 'errors.internal')]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ msg: 'staff command failed', command: 'baca', updateId: 'u-400', err: { message: 'boom' } });
    expect(await ask('admin-j', 'baca', 'rusak', { updateId: 'u-400', commands })).toEqual({ duplicate: true });
    expect(texts(await ask('admin-j', 'baca', 'salah', { commands }))).toEqual(['contoh: /baca']);
    expect(await audits('test.read')).toBe(0);
    // A long answer is split into messages the channels accept.
    const long = texts(await ask('admin-j', 'baca', '', { commands }));
    expect(long.length).toBeGreaterThan(1);
    expect(long.join('')).toBe('x'.repeat(5000));
    expect(await audits('test.read')).toBe(1);
    expect(calls).toBe(4);
  });

  it('a command list with two commands of one name is refused', () => {
    const one = COMMANDS[0]!;
    expect(() => new StaffCommands({ db: t.db, t: translate, log: silentLog, botUsername: () => undefined }, [one, one])).toThrow(one.name);
  });
});

describe('a staff member who blocked the bot', () => {
  it('gets deliveries again after writing to it, nobody else does; a revoked one is not staff any more', async () => {
    const gone = await grantRole(t.db, { channel: 'telegram', externalId: 'gone-j' }, { role: 'agency_official', agencyId, unitId: null });
    await t.db.staffUser.updateMany({ where: { id: { in: [admin, gone.userId] } }, data: { blockedAt: NOW } });
    texts(await ask('admin-j', 'bantuan'));
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: admin } })).blockedAt).toBeNull();
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: gone.userId } })).blockedAt).not.toBeNull();

    await t.db.staffRole.updateMany({ where: { userId: gone.userId }, data: { revokedAt: NOW } });
    expect(await ask('gone-j', 'bantuan')).toBeNull();
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: gone.userId } })).blockedAt).not.toBeNull();
  });
});
