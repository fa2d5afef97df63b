// /tindaklanjut: follow-up plans for a unit (what the unit will do about its results, by when).
//   /tindaklanjut <UNIT> [<n> hari | <YYYY-MM-DD>] <plan>  records a plan (due in the agency's
//                                                          default days unless given)
//   /tindaklanjut <UNIT>                                   shows the open plans
//   /tindaklanjut <UNIT> selesai                           marks the newest open plan done
import { reportPeriodKind } from '../../jobs/reminders.js';
import { formatDateId, localDateString, periodOf, zonedTimeUtc } from '../../scoring/index.js';
import { UNIT_CODE_PATTERN } from '../../survey/types.js';
import { audit } from '../staff.js';
import { unitInScope } from './args.js';
import { type StaffCommand, Reply } from './types.js';

const MAX_PLAN = 1000;

const tindaklanjut: StaffCommand = {
  name: 'tindaklanjut',
  level: 'official',
  writes: true,
  menu: (t) => t('staff.menu.tindaklanjut'),
  run: async (c) => {
    const { db } = c;
    const text = c.req.arg.trim();
    const [codeWord, ...restWords] = text.split(/\s+/);
    if (!codeWord || !UNIT_CODE_PATTERN.test(codeWord.toUpperCase())) throw new Reply(c.t('staff.tindaklanjut.usage'));
    const unit = await unitInScope(c, codeWord);
    const tz = unit.agency.timeZone;
    const open = await db.followUp.findMany({ where: { unitId: unit.id, doneAt: null }, orderBy: { id: 'desc' } });
    let rest = restWords.join(' ').trim();
    if (rest === '') {
      if (open.length === 0) return { messages: [c.t('staff.tindaklanjut.none', { unit: unit.name, code: unit.code })] };
      const lines = [c.t('staff.tindaklanjut.openHead', { unit: unit.name, n: open.length })];
      for (const p of open) lines.push(`• ${c.t('staff.tindaklanjut.due', { due: formatDateId(p.dueAt, tz, c.req.locale) })}: ${p.plan}`);
      return { messages: [lines.join('\n')] };
    }
    if (/^(selesai|done)$/i.test(rest)) {
      const latest = open[0];
      if (!latest) return { messages: [c.t('staff.tindaklanjut.none', { unit: unit.name, code: unit.code })] };
      await db.followUp.update({ where: { id: latest.id }, data: { doneAt: c.now, doneById: c.staff.userId } });
      await audit(db, `staff:${c.staff.userId}`, 'followup.done', `unit ${unit.code}`, { followUp: latest.id });
      return { messages: [c.t('staff.tindaklanjut.done', { unit: unit.name })] };
    }
    let dueAt = new Date(c.now.getTime() + unit.agency.followUpDays * 86_400_000);
    const days = /^(\d{1,3})\s*(hari|days?)\b\s*[:,-]?\s*/i.exec(rest);
    const date = /^(\d{4})-(\d{2})-(\d{2})\b\s*[:,-]?\s*/.exec(rest);
    if (days) {
      const n = Number(days[1]);
      if (n < 1 || n > 365) throw new Reply(c.t('staff.tindaklanjut.badDue'));
      dueAt = new Date(c.now.getTime() + n * 86_400_000);
      rest = rest.slice(days[0].length);
    } else if (date) {
      const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
      const end = zonedTimeUtc(y, m, d, 23, 59, tz);
      const valid = m >= 1 && m <= 12 && d >= 1 && d <= 31 && localDateString(end, tz) === date[0].trim().slice(0, 10);
      if (!valid || end <= c.now || end.getTime() - c.now.getTime() > 366 * 86_400_000) throw new Reply(c.t('staff.tindaklanjut.badDue'));
      dueAt = end;
      rest = rest.slice(date[0].length);
    }
    const plan = rest.trim();
    if (plan.length < 5) throw new Reply(c.t('staff.tindaklanjut.usage'));
    if (plan.length > MAX_PLAN) throw new Reply(c.t('staff.tindaklanjut.tooLong', { max: MAX_PLAN }));
    const period = periodOf(reportPeriodKind(unit.agency), c.now, tz);
    const created = await db.followUp.create({
      data: { unitId: unit.id, period: period.label, plan, dueAt, createdById: c.staff.userId, createdAt: c.now },
    });
    await audit(db, `staff:${c.staff.userId}`, 'followup.create', `unit ${unit.code}`, { followUp: created.id, dueAt: dueAt.toISOString() });
    return { messages: [c.t('staff.tindaklanjut.saved', { unit: unit.name, due: formatDateId(dueAt, tz, c.req.locale), code: unit.code })] };
  },
};

export const FOLLOW_UP_COMMANDS: readonly StaffCommand[] = [tindaklanjut];
