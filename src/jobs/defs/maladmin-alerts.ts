// maladmin-alerts: new maladministration reports to the unit's officials, every minute, for all
// agencies that want them (see ../reminders.ts). No run key of its own: each report is recorded
// under `maladmin-alert:<response id>`, so a report is alerted once whichever instance sees it first.
import type { GlobalJob } from '../job.js';
import { planMaladminAlerts } from '../reminders.js';

export const maladminAlerts: GlobalJob = {
  scope: 'global',
  name: 'maladmin-alerts',
  recordedAs: 'maladmin-alert',
  cron: '* * * * *',
  timeZone: 'UTC',
  async plan(env, at) {
    return { run: null, items: await planMaladminAlerts(env.db, env.t, at) };
  },
  describe: (o) => `maladmin-alerts: ${o.reminders} new report(s) recorded, ${o.messages} message(s) queued.`,
};
