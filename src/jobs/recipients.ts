// Who receives an agency's summaries and reminders: staff with an active, unpaused role in the
// agency (agency admins and officials see all its units, unit officials their own), whose channel
// has not refused delivery. Super-admins are national operators: they ask by command instead of
// receiving every agency's summary.
import type { Db } from '../db/client.js';
import type { Locale } from '../survey/types.js';

export interface Recipient {
  staffUserId: number;
  channel: string;
  /** The chat to deliver to: in a private chat, the user's id on the channel. */
  chatId: string;
  locale: Locale;
  /** 'all' for agency-wide roles, otherwise the units (of this agency) the person is official of. */
  units: 'all' | number[];
  /** Holds the agency_admin role (overdue follow-ups escalate to admins). */
  admin: boolean;
}

export async function recipientsOf(db: Db, agencyId: number): Promise<Recipient[]> {
  const roles = await db.staffRole.findMany({
    where: {
      revokedAt: null,
      paused: false,
      user: { blockedAt: null },
      OR: [
        { agencyId, role: { in: ['agency_admin', 'agency_official'] } },
        { role: 'unit_official', unit: { agencyId } },
      ],
    },
    include: { user: true },
    orderBy: { id: 'asc' },
  });
  const byUser = new Map<number, Recipient>();
  for (const r of roles) {
    const current =
      byUser.get(r.userId) ??
      ({
        staffUserId: r.userId,
        channel: r.user.channel,
        chatId: r.user.externalId,
        locale: r.user.locale === 'en' ? 'en' : 'id',
        units: [],
        admin: false,
      } satisfies Recipient);
    if (r.role === 'agency_admin' || r.role === 'agency_official') current.units = 'all';
    else if (current.units !== 'all' && r.unitId !== null && !current.units.includes(r.unitId)) current.units.push(r.unitId);
    if (r.role === 'agency_admin') current.admin = true;
    byUser.set(r.userId, current);
  }
  return [...byUser.values()];
}

/** The recipients whose scope covers a unit. */
export function coveringUnit(recipients: Recipient[], unitId: number): Recipient[] {
  return recipients.filter((r) => r.units === 'all' || r.units.includes(unitId));
}
