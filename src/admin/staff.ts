// Staff: who they are (by channel user id), which roles they hold, which units those roles cover
// (their scope), one-time invitations that grant roles, and the audit log of admin actions.
// The officials' summaries (issue 4) use the same roles.
import crypto from 'node:crypto';
import type { Db, Tx } from '../db/client.js';

/** A client, or a transaction already open: writers then join the caller's transaction. */
export type DbOrTx = Db | Tx;

/** Runs `work` in a transaction of its own, or inside the caller's when given one. */
export async function atomically<T>(db: DbOrTx, work: (tx: Tx) => Promise<T>): Promise<T> {
  return '$transaction' in db ? await db.$transaction(work) : await work(db);
}

export const ROLES = ['super_admin', 'agency_admin', 'agency_official', 'unit_official'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that an invitation may grant (a super-admin exists only through the CLI). */
export const INVITABLE_ROLES = ['agency_admin', 'agency_official', 'unit_official'] as const;
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

export const INVITATION_DAYS = 7;

export interface StaffIdentity {
  channel: string;
  externalId: string;
}

export interface ActiveRole {
  id: number;
  role: Role;
  agencyId: number | null;
  unitId: number | null;
}

export interface Staff {
  userId: number;
  roles: ActiveRole[];
}

/** The units a staff member may see, and the agencies they administer. */
export interface Scope {
  all: boolean;
  unitIds: Set<number>;
  adminAgencyIds: Set<number>;
  superAdmin: boolean;
}

export class StaffError extends Error {
  override name = 'StaffError';
}

/** The staff member behind a chat identity, with their active roles; null for everyone else. */
export async function findStaff(db: DbOrTx, who: StaffIdentity): Promise<Staff | null> {
  const user = await db.staffUser.findUnique({
    where: { channel_externalId: { channel: who.channel, externalId: who.externalId } },
    include: { roles: { where: { revokedAt: null } } },
  });
  if (!user || user.roles.length === 0) return null;
  return {
    userId: user.id,
    roles: user.roles.map((r) => ({ id: r.id, role: r.role as Role, agencyId: r.agencyId, unitId: r.unitId })),
  };
}

export async function scopeOf(db: DbOrTx, staff: Staff): Promise<Scope> {
  const superAdmin = staff.roles.some((r) => r.role === 'super_admin');
  const agencyIds = staff.roles.filter((r) => r.role !== 'unit_official' && r.agencyId !== null).map((r) => r.agencyId!);
  const adminAgencyIds = new Set(staff.roles.filter((r) => r.role === 'agency_admin' && r.agencyId !== null).map((r) => r.agencyId!));
  const unitIds = new Set(staff.roles.filter((r) => r.role === 'unit_official' && r.unitId !== null).map((r) => r.unitId!));
  const units = await db.serviceUnit.findMany({
    where: superAdmin ? {} : { agencyId: { in: agencyIds } },
    select: { id: true, agencyId: true },
  });
  for (const u of units) unitIds.add(u.id);
  if (superAdmin) for (const u of units) adminAgencyIds.add(u.agencyId);
  return { all: superAdmin, unitIds, adminAgencyIds, superAdmin };
}

export function isAdmin(scope: Scope): boolean {
  return scope.superAdmin || scope.adminAgencyIds.size > 0;
}

export function hashCode(code: string): string {
  return crypto.createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

/** Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
function newCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(10);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export interface InvitationTarget {
  role: InvitableRole;
  agencyId: number | null;
  unitId: number | null;
}

export async function audit(db: Pick<Db, 'auditLog'>, actor: string, action: string, target: string | null, details?: object): Promise<void> {
  await db.auditLog.create({ data: { actor, action, target, ...(details ? { details: details } : {}) } });
}

/** Creates an invitation; the plain code is returned once and only its hash is stored. */
export async function createInvitation(
  db: DbOrTx,
  target: InvitationTarget,
  options: { createdById: number | null; now?: Date; days?: number },
): Promise<{ code: string; expiresAt: Date }> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (options.days ?? INVITATION_DAYS) * 86_400_000);
  const code = newCode();
  await atomically(db, async (tx) => {
    await tx.invitation.create({
      data: {
        codeHash: hashCode(code),
        role: target.role,
        agencyId: target.agencyId,
        unitId: target.unitId,
        createdById: options.createdById,
        createdAt: now,
        expiresAt,
      },
    });
    await audit(tx, options.createdById === null ? 'cli' : `staff:${options.createdById}`, 'invite.create', describeTarget(target), {
      expiresAt: expiresAt.toISOString(),
    });
  });
  return { code, expiresAt };
}

function describeTarget(t: { role: string; agencyId: number | null; unitId: number | null }): string {
  return `${t.role}${t.unitId !== null ? ` unit#${t.unitId}` : ''}${t.agencyId !== null ? ` agency#${t.agencyId}` : ''}`;
}

export type RedeemResult = { ok: true; role: InvitableRole; agencyId: number | null; unitId: number | null } | { ok: false };

/**
 * Redeems a code for a chat identity. A wrong, used or expired code gives the same answer
 * ({ ok: false }), so nobody learns whether a code ever existed. Single use, even when two
 * people race with the same code (the update is conditional on usedAt being null).
 */
export async function redeemInvitation(
  db: DbOrTx,
  who: StaffIdentity & { displayName?: string | null; locale?: string },
  code: string,
  now = new Date(),
): Promise<RedeemResult> {
  if (!/^[A-Za-z0-9]{6,32}$/.test(code.trim())) return { ok: false };
  return await atomically(db, async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { codeHash: hashCode(code) } });
    if (!invitation || invitation.usedAt !== null || invitation.expiresAt <= now) return { ok: false } as const;
    const user = await tx.staffUser.upsert({
      where: { channel_externalId: { channel: who.channel, externalId: who.externalId } },
      create: { channel: who.channel, externalId: who.externalId, displayName: who.displayName ?? null, locale: who.locale ?? 'id' },
      update: who.displayName ? { displayName: who.displayName } : {},
    });
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, usedAt: null },
      data: { usedAt: now, usedById: user.id },
    });
    if (claimed.count !== 1) return { ok: false } as const;
    await tx.staffRole.create({
      data: {
        userId: user.id,
        role: invitation.role,
        agencyId: invitation.agencyId,
        unitId: invitation.unitId,
        grantedBy: invitation.createdById,
        grantedAt: now,
      },
    });
    await audit(tx, `staff:${user.id}`, 'invite.redeem', describeTarget(invitation), { invitation: invitation.id });
    return { ok: true, role: invitation.role as InvitableRole, agencyId: invitation.agencyId, unitId: invitation.unitId } as const;
  });
}

/** `skm admin grant`: the operator gives a Telegram user a role directly. */
export async function grantRole(
  db: Db,
  who: StaffIdentity,
  target: { role: Role; agencyId: number | null; unitId: number | null },
  actor = 'cli',
): Promise<{ userId: number; created: boolean }> {
  return await db.$transaction(async (tx) => {
    const user = await tx.staffUser.upsert({
      where: { channel_externalId: { channel: who.channel, externalId: who.externalId } },
      create: { channel: who.channel, externalId: who.externalId },
      update: {},
    });
    const existing = await tx.staffRole.findFirst({
      where: { userId: user.id, role: target.role, agencyId: target.agencyId, unitId: target.unitId, revokedAt: null },
    });
    if (existing) return { userId: user.id, created: false };
    await tx.staffRole.create({ data: { userId: user.id, role: target.role, agencyId: target.agencyId, unitId: target.unitId } });
    await audit(tx, actor, 'role.grant', `user#${user.id} ${describeTarget(target)}`);
    return { userId: user.id, created: true };
  });
}

/** Revokes a role; the row stays (revokedAt) for the record. */
export async function revokeRole(db: DbOrTx, roleId: number, actor: string, now = new Date()): Promise<boolean> {
  return await atomically(db, async (tx) => {
    const role = await tx.staffRole.findUnique({ where: { id: roleId } });
    if (!role || role.revokedAt !== null) return false;
    await tx.staffRole.update({ where: { id: roleId }, data: { revokedAt: now } });
    await audit(tx, actor, 'role.revoke', `user#${role.userId} ${describeTarget(role)}`);
    return true;
  });
}
