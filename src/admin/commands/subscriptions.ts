// What an official receives, and a way to stop it for a while: /langganan (their roles, the next
// summary, the reminders), /berhenti (pause every summary and reminder) and /lanjut (resume).
import { nextFire } from '../../jobs/cron.js';
import { REMINDER_KINDS } from '../../jobs/reminders.js';
import { formatDateTimeId } from '../../scoring/index.js';
import { audit } from '../staff.js';
import type { CommandContext, StaffCommand, StaffReply } from './types.js';

const langganan: StaffCommand = {
  name: 'langganan',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.langganan'),
  run: async (c) => {
    const roles = await c.root.staffRole.findMany({
      where: { userId: c.staff.userId, revokedAt: null },
      include: { agency: true, unit: { include: { agency: true } } },
      orderBy: { id: 'asc' },
    });
    const lines = [c.t('staff.langganan.head')];
    const agencies = new Map<number, (typeof roles)[number]['agency'] & {}>();
    for (const r of roles) {
      const agency = r.agency ?? r.unit?.agency ?? null;
      const where = r.unit ? `${r.unit.name} (${r.unit.code})` : agency ? `${agency.name} (${agency.code})` : c.t('staff.pengguna.all');
      lines.push(`• ${c.t(`staff.roles.${r.role}`)} – ${where}`);
      if (agency && r.role !== 'super_admin') agencies.set(agency.id, agency);
    }
    if (agencies.size === 0) {
      lines.push('', c.t('staff.langganan.none'));
      return { messages: [lines.join('\n')] };
    }
    for (const agency of agencies.values()) {
      const next = nextFire(agency.summaryCron, agency.timeZone, c.now);
      const enabled = agency.reminders.filter((k) => (REMINDER_KINDS as readonly string[]).includes(k));
      lines.push(
        '',
        c.t('staff.langganan.summary', {
          agency: agency.name,
          next: next ? formatDateTimeId(next, agency.timeZone, c.req.locale) : '-',
        }),
        c.t('staff.langganan.reminders', {
          list: enabled.length > 0 ? enabled.map((k) => c.t(`staff.langganan.kinds.${k}`)).join('; ') : c.t('staff.langganan.noReminders'),
        }),
      );
    }
    const paused = roles.some((r) => r.paused);
    lines.push('', c.t(paused ? 'staff.langganan.paused' : 'staff.langganan.active'));
    return { messages: [lines.join('\n')] };
  },
};

/** /berhenti and /lanjut: pause or resume every summary and reminder for this person. */
async function pause(c: CommandContext, paused: boolean): Promise<StaffReply> {
  const { db } = c;
  const changed = await db.staffRole.updateMany({ where: { userId: c.staff.userId, revokedAt: null, paused: !paused }, data: { paused } });
  if (changed.count > 0) await audit(db, `staff:${c.staff.userId}`, paused ? 'subscription.pause' : 'subscription.resume', `user#${c.staff.userId}`);
  const key = paused ? (changed.count > 0 ? 'pausedNow' : 'alreadyPaused') : changed.count > 0 ? 'resumed' : 'alreadyActive';
  return { messages: [c.t(`staff.langganan.${key}`)] };
}

const berhenti: StaffCommand = {
  name: 'berhenti',
  level: 'official',
  writes: true,
  menu: (t) => t('staff.menu.berhenti'),
  run: (c) => pause(c, true),
};

const lanjut: StaffCommand = {
  name: 'lanjut',
  level: 'official',
  writes: true,
  menu: (t) => t('staff.menu.lanjut'),
  run: (c) => pause(c, false),
};

export const SUBSCRIPTION_COMMANDS: readonly StaffCommand[] = [langganan, berhenti, lanjut];
