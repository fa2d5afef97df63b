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
  adminId = (await grantRole(t.db, someone(), { role: 'agency_admin', agencyId, unitId: null })).userId;
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
