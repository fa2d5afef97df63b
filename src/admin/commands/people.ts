// Who may use the bot: /undang (an admin invites an official or admin, by code and deep link),
// /pengguna (the roles in the admin's agencies), /cabut (revoke one) and joining with an
// invitation (/daftar <code>, or the deep link /start i_<code>), which needs no role.
import { telegramStartLink } from '../../text/index.js';
import { type DbOrTx, type Scope, createInvitation, findStaff, redeemInvitation, revokeRole, scopeOf } from '../staff.js';
import { ROLE_WORDS, unitInScope } from './args.js';
import { type MenuEntry, type Say, type StaffCommand, type StaffReply, type StaffRequest, Reply } from './types.js';

const undang: StaffCommand = {
  name: 'undang',
  level: 'admin',
  writes: true,
  menu: (t) => t('staff.menu.undang'),
  run: async (c) => {
    const [roleWord, target] = c.req.arg.trim().split(/\s+/);
    const role = roleWord ? ROLE_WORDS[roleWord.toLowerCase()] : undefined;
    if (!role || !target) throw new Reply(c.t('staff.undang.usage'));
    const { db } = c;
    let agencyId: number;
    let unitId: number | null = null;
    let name: string;
    if (role === 'unit_official') {
      const unit = await unitInScope(c, target);
      if (!c.scope.adminAgencyIds.has(unit.agencyId)) throw new Reply(c.t('staff.unitNotFound', { code: target.toUpperCase() }));
      agencyId = unit.agencyId;
      unitId = unit.id;
      name = unit.name;
    } else {
      const agency = await db.agency.findUnique({ where: { code: target.toUpperCase() } });
      if (!agency || !c.scope.adminAgencyIds.has(agency.id)) throw new Reply(c.t('staff.agencyNotFound', { code: target.toUpperCase() }));
      agencyId = agency.id;
      name = agency.name;
    }
    const { code, expiresAt } = await createInvitation(
      db,
      { role, agencyId: role === 'unit_official' ? null : agencyId, unitId },
      { createdById: c.staff.userId, now: c.now },
    );
    const bot = c.botUsername();
    const link = bot ? telegramStartLink(bot, `i_${code}`) : null;
    return {
      messages: [
        c.t('staff.undang.done', {
          role: c.t(`staff.roles.${role}`),
          target: name,
          code,
          days: Math.round((expiresAt.getTime() - c.now.getTime()) / 86_400_000),
        }),
        ...(link ? [link] : []),
      ],
    };
  },
};

const pengguna: StaffCommand = {
  name: 'pengguna',
  level: 'admin',
  writes: false,
  menu: (t) => t('staff.menu.pengguna'),
  run: async (c) => {
    const agencyIds = [...c.scope.adminAgencyIds];
    const roles = await c.root.staffRole.findMany({
      where: {
        revokedAt: null,
        ...(c.scope.superAdmin ? {} : { OR: [{ agencyId: { in: agencyIds } }, { unit: { agencyId: { in: agencyIds } } }] }),
      },
      include: { user: true, agency: true, unit: true },
      orderBy: { id: 'asc' },
    });
    if (roles.length === 0) return { messages: [c.t('staff.pengguna.none')] };
    const lines = [c.t('staff.pengguna.head', { n: roles.length })];
    for (const r of roles) {
      const who = r.user.displayName ?? c.t('staff.pengguna.user', { id: r.user.id });
      const where = r.unit ? `${r.unit.name} (${r.unit.code})` : r.agency ? `${r.agency.name} (${r.agency.code})` : c.t('staff.pengguna.all');
      lines.push(`#${r.id} ${who} – ${c.t(`staff.roles.${r.role}`)} – ${where}${r.paused ? ` – ${c.t('staff.pengguna.paused')}` : ''}`);
    }
    lines.push('', c.t('staff.pengguna.revokeHint'));
    return { messages: [lines.join('\n')] };
  },
};

const cabut: StaffCommand = {
  name: 'cabut',
  level: 'admin',
  writes: true,
  menu: (t) => t('staff.menu.cabut'),
  run: async (c) => {
    const match = /^#?(\d{1,9})$/.exec(c.req.arg.trim());
    if (!match) throw new Reply(c.t('staff.cabut.usage'));
    const id = Number(match[1]);
    const role = await c.db.staffRole.findUnique({ where: { id }, include: { unit: true } });
    const agencyId = role?.agencyId ?? role?.unit?.agencyId ?? null;
    const allowed =
      role &&
      role.revokedAt === null &&
      role.role !== 'super_admin' &&
      (c.scope.superAdmin || (agencyId !== null && c.scope.adminAgencyIds.has(agencyId)));
    if (!allowed) throw new Reply(c.t('staff.cabut.notFound', { id }));
    // The caller must keep an admin role: one who revoked their own last one would lock themselves
    // out of /undang and /cabut with no way back from the chat (that takes another admin or the
    // operator). Anyone else's role, or an official role of one's own, leaves the admin role this
    // command runs with, so only one's own last agency admin role is refused.
    const keepsAdmin = c.staff.roles.some((r) => r.id !== id && (r.role === 'agency_admin' || r.role === 'super_admin'));
    if (!keepsAdmin) throw new Reply(c.t('staff.cabut.ownLastAdmin', { id }));
    await revokeRole(c.db, id, `staff:${c.staff.userId}`, c.now);
    return { messages: [c.t('staff.cabut.done', { id })] };
  },
};

export const PEOPLE_COMMANDS: readonly StaffCommand[] = [undang, pengguna, cabut];

/**
 * Redeems an invitation code for the user behind the request (no role needed), and answers with
 * what they became and their new command menu. A wrong, used or expired code gets one answer.
 */
export async function join(
  db: DbOrTx,
  req: StaffRequest,
  code: string,
  t: Say,
  now: Date,
  menuFor: (scope: Scope) => MenuEntry[],
): Promise<StaffReply> {
  if (code.trim() === '') return { messages: [t('staff.join.usage')] };
  const result = await redeemInvitation(
    db,
    { channel: req.channel, externalId: req.userId, displayName: req.displayName ?? null, locale: req.locale },
    code,
    now,
  );
  if (!result.ok) return { messages: [t('staff.join.invalid')] };
  const target =
    result.unitId !== null
      ? (await db.serviceUnit.findUnique({ where: { id: result.unitId } }))?.name
      : result.agencyId !== null
        ? (await db.agency.findUnique({ where: { id: result.agencyId } }))?.name
        : undefined;
  const staff = await findStaff(db, { channel: req.channel, externalId: req.userId });
  const menu = staff ? menuFor(await scopeOf(db, staff)) : undefined;
  return {
    messages: [t('staff.join.done', { role: t(`staff.roles.${result.role}`), target: target ?? '-' }), t('staff.join.next')],
    ...(menu ? { menu } : {}),
  };
}
