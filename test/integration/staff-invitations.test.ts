// Invitations and grants in src/admin/staff.ts, each rule on its own (the mutation run found these
// untested): the code's shape, the expiry boundary, what a redemption records (the role with who
// granted it and when, the member's name and language, the audit entry), the audit entries of an
// invitation made from the CLI or by a staff member, and a grant given twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitation, findStaff, grantRole, hashCode, redeemInvitation, scopeOf } from '../../src/admin/staff.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const NOW = new Date('2026-11-23T02:00:00Z');
const DAY = 86_400_000;
let t: TestDatabase;
let agencyId = 0;
let otherAgencyId = 0;
let unitId = 0;
let adminId = 0;
let next = 0;
const someone = () => ({ channel: 'telegram', externalId: `9${String(++next).padStart(5, '0')}` });

beforeAll(async () => {
  t = await createTestDatabase();
  const agency = await t.db.agency.create({ data: { code: 'DINAS-A', name: 'Dinas A' } });
  const other = await t.db.agency.create({ data: { code: 'DINAS-B', name: 'Dinas B' } });
  agencyId = agency.id;
  otherAgencyId = other.id;
  unitId = (await t.db.serviceUnit.create({ data: { agencyId, code: 'A-1', name: 'Loket 1' } })).id;
  await t.db.serviceUnit.create({ data: { agencyId: otherAgencyId, code: 'B-1', name: 'Loket B' } });
  // Written directly, not with grantRole: a fixture that used the code under test would fail the
  // whole file's set-up when that code breaks, which a mutation run counts as no test failing.
  const admin = await t.db.staffUser.create({ data: { ...someone(), roles: { create: { role: 'agency_admin', agencyId } } } });
  adminId = admin.id;
});

afterAll(async () => {
  await t?.drop();
});

describe('invitations', () => {
  it('records who made it: "cli" from the command line, "staff:<id>" from the chat, with the expiry', async () => {
    const fromCli = await createInvitation(t.db, { role: 'agency_official', agencyId, unitId: null }, { createdById: null, now: NOW, days: 3 });
    expect(fromCli.expiresAt.toISOString()).toBe(new Date(NOW.getTime() + 3 * DAY).toISOString());
    const byAdmin = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId }, { createdById: adminId, now: NOW });
    expect(byAdmin.expiresAt.getTime() - NOW.getTime()).toBe(7 * DAY);
    const entries = await t.db.auditLog.findMany({ where: { action: 'invite.create' }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => e.actor)).toEqual(['cli', `staff:${adminId}`]);
    expect(entries[0]!.details).toEqual({ expiresAt: fromCli.expiresAt.toISOString() });
    expect(entries.every((e) => e.target !== null && e.target !== '')).toBe(true);
    // Only the hash is stored.
    const stored = await t.db.invitation.findFirstOrThrow({ where: { codeHash: hashCode(fromCli.code) } });
    expect(stored.codeHash).not.toContain(fromCli.code);
  });

  it('refuses codes of the wrong shape before looking anything up', async () => {
    for (const code of ['', 'abc12', 'a'.repeat(33), 'ABC-123', 'kode dengan spasi']) {
      expect(await redeemInvitation(t.db, someone(), code, NOW), code).toEqual({ ok: false });
    }
  });

  it('works until the instant it expires, not at it', async () => {
    const atExpiry = await createInvitation(t.db, { role: 'agency_official', agencyId, unitId: null }, { createdById: adminId, now: NOW, days: 1 });
    expect(await redeemInvitation(t.db, someone(), atExpiry.code, atExpiry.expiresAt)).toEqual({ ok: false });
    const justBefore = await createInvitation(t.db, { role: 'agency_official', agencyId, unitId: null }, { createdById: adminId, now: NOW, days: 1 });
    const result = await redeemInvitation(t.db, someone(), justBefore.code, new Date(justBefore.expiresAt.getTime() - 1));
    expect(result).toEqual({ ok: true, role: 'agency_official', agencyId, unitId: null });
  });

  it('a redemption records the role with who granted it and when, the name and language, and an audit entry; the code works once', async () => {
    const { code } = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId }, { createdById: adminId, now: NOW });
    const who = someone();
    // Lower case and spaces around it, as typed.
    const result = await redeemInvitation(t.db, { ...who, displayName: 'Bu Rina', locale: 'en' }, `  ${code.toLowerCase()} `, NOW);
    expect(result).toEqual({ ok: true, role: 'unit_official', agencyId: null, unitId });
    const user = await t.db.staffUser.findUniqueOrThrow({ where: { channel_externalId: who }, include: { roles: true } });
    expect(user.displayName).toBe('Bu Rina');
    expect(user.locale).toBe('en');
    expect(user.roles).toHaveLength(1);
    expect(user.roles[0]).toMatchObject({ role: 'unit_official', unitId, agencyId: null, grantedBy: adminId });
    expect(user.roles[0]!.grantedAt.toISOString()).toBe(NOW.toISOString());
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { codeHash: hashCode(code) } });
    expect(invitation.usedById).toBe(user.id);
    expect(invitation.usedAt?.toISOString()).toBe(NOW.toISOString());
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: 'invite.redeem', actor: `staff:${user.id}` } });
    expect(entry.details).toEqual({ invitation: invitation.id });
    expect(entry.target).toBe(`unit_official unit#${unitId}`);
    // Used: the same code again, by anyone, is refused and grants nothing.
    expect(await redeemInvitation(t.db, someone(), code, NOW)).toEqual({ ok: false });
    expect(await t.db.staffRole.count({ where: { unitId } })).toBe(1);
  });

  it('a member redeeming again under a new name is known by that name', async () => {
    const who = someone();
    const first = await createInvitation(t.db, { role: 'agency_official', agencyId, unitId: null }, { createdById: adminId, now: NOW });
    await redeemInvitation(t.db, { ...who, displayName: 'Pak Budi' }, first.code, NOW);
    const second = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId }, { createdById: adminId, now: NOW });
    await redeemInvitation(t.db, { ...who, displayName: 'Pak Budi Santoso' }, second.code, NOW);
    const user = await t.db.staffUser.findUniqueOrThrow({ where: { channel_externalId: who }, include: { roles: true } });
    expect(user.displayName).toBe('Pak Budi Santoso');
    expect(user.roles.map((r) => r.role).sort()).toEqual(['agency_official', 'unit_official']);
  });

  it('two people redeeming one code at the same moment: one gets the role, the other is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const { code } = await createInvitation(t.db, { role: 'agency_official', agencyId, unitId: null }, { createdById: adminId, now: NOW });
      const people = [someone(), someone()];
      const results = await Promise.all(people.map((who) => redeemInvitation(t.db, who, code, NOW)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const roles = await t.db.staffRole.count({ where: { user: { OR: people } } });
      expect(roles).toBe(1);
    }
  });

  it('a member without a name or language keeps what they had; a new one starts in Indonesian', async () => {
    const who = someone();
    const first = await createInvitation(t.db, { role: 'agency_official', agencyId, unitId: null }, { createdById: adminId, now: NOW });
    await redeemInvitation(t.db, { ...who, displayName: 'Pak Budi' }, first.code, NOW);
    const second = await createInvitation(t.db, { role: 'unit_official', agencyId: null, unitId }, { createdById: adminId, now: NOW });
    await redeemInvitation(t.db, who, second.code, NOW);
    const user = await t.db.staffUser.findUniqueOrThrow({ where: { channel_externalId: who } });
    expect(user.displayName).toBe('Pak Budi');
    expect(user.locale).toBe('id');
  });
});

describe('grants and scope', () => {
  it('a grant given twice is one role and one audit entry', async () => {
    const who = someone();
    const first = await grantRole(t.db, who, { role: 'agency_official', agencyId: otherAgencyId, unitId: null }, 'cli-test');
    const again = await grantRole(t.db, who, { role: 'agency_official', agencyId: otherAgencyId, unitId: null }, 'cli-test');
    expect(first.created).toBe(true);
    expect(again).toEqual({ userId: first.userId, created: false });
    expect(await t.db.staffRole.count({ where: { userId: first.userId } })).toBe(1);
    const entries = await t.db.auditLog.findMany({ where: { action: 'role.grant', actor: 'cli-test' } });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.target).toContain(`user#${first.userId}`);
  });

  it('a grant from the command line is audited as "cli", and written whole: the member, the role, its scope', async () => {
    const who = someone();
    const { userId, created } = await grantRole(t.db, who, { role: 'agency_admin', agencyId: otherAgencyId, unitId: null });
    expect(created).toBe(true);
    const user = await t.db.staffUser.findUniqueOrThrow({ where: { id: userId }, include: { roles: true } });
    expect({ channel: user.channel, externalId: user.externalId }).toEqual(who);
    expect(user.roles).toHaveLength(1);
    expect(user.roles[0]).toMatchObject({ role: 'agency_admin', agencyId: otherAgencyId, unitId: null, revokedAt: null });
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: 'role.grant', target: { contains: `user#${userId} ` } } });
    expect(entry.actor).toBe('cli');
    // The same person granted a second role is the same member.
    expect((await grantRole(t.db, who, { role: 'agency_official', agencyId, unitId: null })).userId).toBe(userId);
    expect(await t.db.staffUser.count({ where: who })).toBe(1);
  });

  it('a super admin who also holds an agency or unit role still sees every unit and administers every agency', async () => {
    const who = someone();
    await grantRole(t.db, who, { role: 'unit_official', agencyId: null, unitId });
    await grantRole(t.db, who, { role: 'super_admin', agencyId: null, unitId: null });
    const scope = await scopeOf(t.db, (await findStaff(t.db, who))!);
    expect(scope.superAdmin).toBe(true);
    const units = await t.db.serviceUnit.findMany();
    expect(units.length).toBeGreaterThan(1);
    expect([...scope.unitIds].sort()).toEqual(units.map((u) => u.id).sort());
    expect([...scope.adminAgencyIds].sort()).toEqual([agencyId, otherAgencyId].sort());
  });

  it('an agency role covers its agency; a unit role only its unit, even with an agency set on it', async () => {
    const who = someone();
    const { userId } = await grantRole(t.db, who, { role: 'unit_official', agencyId: otherAgencyId, unitId });
    const staff = (await findStaff(t.db, who))!;
    expect(staff.userId).toBe(userId);
    const scope = await scopeOf(t.db, staff);
    expect([...scope.unitIds]).toEqual([unitId]);
    expect(scope.superAdmin).toBe(false);
    expect(scope.adminAgencyIds.size).toBe(0);

    const official = someone();
    await grantRole(t.db, official, { role: 'agency_official', agencyId: otherAgencyId, unitId: null });
    const officialScope = await scopeOf(t.db, (await findStaff(t.db, official))!);
    const otherUnits = await t.db.serviceUnit.findMany({ where: { agencyId: otherAgencyId } });
    expect([...officialScope.unitIds].sort()).toEqual(otherUnits.map((u) => u.id).sort());
    expect(officialScope.adminAgencyIds.size).toBe(0);

    const admin = await findStaff(t.db, { channel: 'telegram', externalId: '900001' });
    const adminScope = await scopeOf(t.db, admin!);
    expect([...adminScope.adminAgencyIds]).toEqual([agencyId]);
    expect(adminScope.unitIds.has(unitId)).toBe(true);
  });
});
