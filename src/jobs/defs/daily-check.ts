// daily-check: the agency's reminders (zone, target, follow-up plans; see ../reminders.ts), at
// Agency.checkCron (default 09:00 daily) in its time zone. The run's own key marks the day checked;
// each reminder has its own key per unit and period, so none goes out twice.
import { localDateString } from '../../scoring/index.js';
import type { AgencyJob } from '../job.js';
import { planDailyReminders } from '../reminders.js';

export const dailyCheck: AgencyJob = {
  scope: 'agency',
  name: 'daily-check',
  cronOf: (agency) => agency.checkCron,
  periodOf: (fireAt, tz) => localDateString(fireAt, tz),
  async plan(env, agency, fireAt, key, period) {
    const items = await planDailyReminders(env.db, env.t, agency, fireAt);
    return { run: { key, name: 'daily-check', agencyId: agency.id, period, messages: [], details: { reminders: items.length } }, items };
  },
  describe: (o) => `${o.key}: done, ${o.messages} message(s) queued, ${o.reminders} reminder(s).`,
};
