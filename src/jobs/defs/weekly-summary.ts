// weekly-summary: each official's zone summary of the last complete ISO week, with the IKM chart,
// at the agency's Agency.summaryCron (default Monday 08:00) in its time zone. The numbers, words and
// chart are made in ../weekly-summary/; this decides the week, the recipients and their scopes.
import type { OutgoingMessage } from '../../outbox/store.js';
import { periodOf, previousPeriod } from '../../scoring/index.js';
import type { AgencyJob, AgencyWithUnits, JobEnv } from '../job.js';
import { recipientsOf } from '../recipients.js';
import type { JobPlan, RunRecord } from '../runner.js';
import { composeSummary, loadAgencySummary, summaryChart } from '../weekly-summary.js';

export const weeklySummary: AgencyJob = {
  scope: 'agency',
  name: 'weekly-summary',
  cronOf: (agency) => agency.summaryCron,
  // The last complete ISO week before the fire time: Monday 08:00 covers Monday–Sunday just ended.
  periodOf: (fireAt, tz) => previousPeriod(periodOf('week', fireAt, tz)).label,
  plan: planWeeklySummary,
};

async function planWeeklySummary(env: JobEnv, agency: AgencyWithUnits, fireAt: Date, key: string, period: string): Promise<JobPlan> {
  const { db, t } = env;
  const week = previousPeriod(periodOf('week', fireAt, agency.timeZone));
  const recipients = await recipientsOf(db, agency.id);
  const activeIds = new Set(agency.units.filter((u) => u.active).map((u) => u.id));
  const messages: OutgoingMessage[] = [];
  if (recipients.length > 0 && activeIds.size > 0) {
    const data = await loadAgencySummary(db, agency, week);
    // Officials with the same scope and language get the same chart: render it once.
    const charts = new Map<string, Promise<{ png: Buffer; caption: string } | null>>();
    for (const r of recipients) {
      const units = r.units === 'all' ? 'all' : r.units.filter((id) => activeIds.has(id));
      if (units !== 'all' && units.length === 0) continue;
      const to = { channel: r.channel as OutgoingMessage['channel'], chatId: r.chatId, staffUserId: r.staffUserId };
      for (const text of composeSummary(data, units, r.locale, t)) messages.push({ ...to, text });
      const chartKey = `${r.locale}:${units === 'all' ? 'all' : [...units].sort((a, b) => a - b).join(',')}`;
      if (!charts.has(chartKey)) charts.set(chartKey, summaryChart(data, units, r.locale, t));
      const chart = await charts.get(chartKey)!;
      if (chart)
        messages.push({ ...to, text: chart.caption, photo: { filename: `ikm-${week.label}.png`, content: chart.png, contentType: 'image/png' } });
    }
  }
  const run: RunRecord = {
    key,
    name: 'weekly-summary',
    agencyId: agency.id,
    period,
    messages,
    details: { recipients: recipients.length, week: week.label },
  };
  return { run, items: [] };
}
