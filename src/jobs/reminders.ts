// Reminders to officials, each at most once per unit and period (or per follow-up plan, per
// maladministration report), switched on per agency (Agency.reminders):
//  - zone:     the unit's score for the reporting period so far is final (not provisional) and in
//              the yellow or red zone. One alert per zone and period: a unit that falls from yellow
//              to red is announced again; one that recovers from red to yellow is not.
//  - target:   at mid-period the unit had fewer than half of its target sample (Krejcie–Morgan).
//              Counted up to the middle instant, so the answer is the same on every later check.
//  - followup: a red unit without a follow-up plan recorded this period; a plan due within the
//              agency's warning days; a plan overdue (to the unit's officials, escalated to the
//              agency's admins).
//  - maladmin: new maladministration reports, to the unit's officials within minutes, without
//              anything that identifies the citizen (no chat, no time of day, no suggestion text).
// Planning only reads; src/jobs/runner.ts commits the plan with its keys.
import type { Db } from '../db/client.js';
import type { Agency, ServiceUnit } from '../generated/prisma/client.js';
import type { OutgoingMessage } from '../outbox/store.js';
import { sumsByUnit } from '../reports/aggregate.js';
import { periodServiceUsers, scoreConfigOf } from '../reports/unit-report.js';
import {
  type ElementCode,
  type PeriodKind,
  defaultElementName,
  describePeriod,
  formatCount,
  formatDateId,
  formatDecimal,
  periodOf,
  periodRange,
  score,
  targetSample,
  weakestElements,
} from '../scoring/index.js';
import type { Locale, Translate } from '../survey/types.js';
import { type Recipient, coveringUnit, recipientsOf } from './recipients.js';
import { type RunRecord, takenKeys } from './runner.js';

export const REMINDER_KINDS = ['zone', 'target', 'maladmin', 'followup'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
export const REPORT_PERIODS = ['month', 'quarter', 'semester'] as const;

const DAY_MS = 86_400_000;
/** Maladministration reports older than this are not alerted any more (e.g. after a long outage). */
export const MALADMIN_LOOKBACK_MS = 3 * DAY_MS;

type AgencyWithUnits = Agency & { units: ServiceUnit[] };

function messagesFor(recipients: Recipient[], text: (locale: Locale) => string): OutgoingMessage[] {
  return recipients.map((r) => ({
    channel: r.channel as OutgoingMessage['channel'],
    chatId: r.chatId,
    staffUserId: r.staffUserId,
    text: text(r.locale),
  }));
}

function elementNames(codes: { code: ElementCode; nrr: number }[], locale: Locale): string {
  return codes
    .map((w) => {
      return `${w.code} ${defaultElementName(w.code)[locale]} (NRR ${formatDecimal(w.nrr, 3, locale)})`;
    })
    .join(', ');
}

export function reportPeriodKind(agency: Pick<Agency, 'reportPeriod'>): PeriodKind {
  return (REPORT_PERIODS as readonly string[]).includes(agency.reportPeriod) ? (agency.reportPeriod as PeriodKind) : 'month';
}

/** The daily check of one agency at `at`: zone, target and follow-up reminders not sent before. */
export async function planDailyReminders(db: Db, t: Translate, agency: AgencyWithUnits, at: Date): Promise<RunRecord[]> {
  const enabled = new Set(agency.reminders);
  const units = agency.units.filter((u) => u.active);
  if (units.length === 0 || !['zone', 'target', 'followup'].some((k) => enabled.has(k))) return [];
  const recipients = await recipientsOf(db, agency.id);
  if (recipients.length === 0) return [];
  const tz = agency.timeZone;
  const period = periodOf(reportPeriodKind(agency), at, tz);
  const { start, end } = periodRange(period, tz);
  const config = scoreConfigOf(agency);
  const items: RunRecord[] = [];
  const record = (key: string, to: Recipient[], text: (l: Locale) => string, details?: Record<string, unknown>) => {
    if (to.length > 0)
      items.push({
        key,
        name: key.split(':')[0]!,
        agencyId: agency.id,
        period: period.label,
        messages: messagesFor(to, text),
        ...(details ? { details } : {}),
      });
  };
  const describe = (l: Locale) => describePeriod(period, l);

  const sums = await sumsByUnit(
    db,
    units.map((u) => u.id),
    start,
    at,
  );
  const taken = await takenKeys(
    db,
    units.map((u) => `zone-merah:${u.code}:${period.label}`),
  );
  const planned = new Set(
    (await db.followUp.findMany({ where: { unitId: { in: units.map((u) => u.id) }, createdAt: { gte: start } }, select: { unitId: true } })).map(
      (p) => p.unitId,
    ),
  );
  for (const unit of units) {
    const result = score(sums.get(unit.id) ?? { count: 0, sums: [] }, config);
    const to = coveringUnit(recipients, unit.id);
    if (!result || result.provisional || result.zona === 'hijau') continue;
    const params = (l: Locale) => ({
      unit: unit.name,
      code: unit.code,
      period: describe(l),
      ikm: formatDecimal(result.ikm, 2, l),
      mutu: result.mutu,
      n: formatCount(result.responses, l),
      weakest: elementNames(weakestElements(result, 2), l),
    });
    if (enabled.has('zone') && !(result.zona === 'kuning' && taken.has(`zone-merah:${unit.code}:${period.label}`))) {
      record(`zone-${result.zona}:${unit.code}:${period.label}`, to, (l) => t(l, `reminders.zone.${result.zona}`, params(l)), { ikm: result.ikm });
    }
    if (enabled.has('followup') && result.zona === 'merah' && !planned.has(unit.id)) {
      record(`followup-missing:${unit.code}:${period.label}`, to, (l) =>
        t(l, 'reminders.followup.missing', { ...params(l), days: agency.followUpDays }),
      );
    }
  }

  if (enabled.has('target')) {
    const mid = new Date(start.getTime() + (end.getTime() - start.getTime()) / 2);
    if (at >= mid) {
      const atMid = await sumsByUnit(
        db,
        units.map((u) => u.id),
        start,
        mid,
      );
      for (const unit of units) {
        const users = periodServiceUsers(unit.monthlyServiceUsers, period.kind);
        if (users === null || users === 0) continue;
        const target = targetSample(users);
        const n = atMid.get(unit.id)?.count ?? 0;
        if (n * 2 >= target) continue;
        record(
          `target-behind:${unit.code}:${period.label}`,
          coveringUnit(recipients, unit.id),
          (l) =>
            t(l, 'reminders.target', {
              unit: unit.name,
              code: unit.code,
              period: describe(l),
              n: formatCount(n, l),
              target: formatCount(target, l),
              half: formatCount(Math.ceil(target / 2), l),
            }),
          { n, target },
        );
      }
    }
  }

  if (enabled.has('followup')) {
    const plans = await db.followUp.findMany({
      where: { doneAt: null, unitId: { in: units.map((u) => u.id) }, dueAt: { lte: new Date(at.getTime() + agency.followUpWarnDays * DAY_MS) } },
      orderBy: { id: 'asc' },
    });
    for (const plan of plans) {
      const unit = units.find((u) => u.id === plan.unitId)!;
      const params = (l: Locale) => ({ unit: unit.name, code: unit.code, plan: shorten(plan.plan, 200), due: formatDateId(plan.dueAt, tz, l) });
      const to = coveringUnit(recipients, unit.id);
      if (plan.dueAt > at) {
        record(`followup-due:${plan.id}`, to, (l) => t(l, 'reminders.followup.dueSoon', params(l)));
        continue;
      }
      // Overdue: the unit's own officials are reminded, the agency's admins get it as an escalation.
      const admins = recipients.filter((r) => r.admin);
      const officials = to.filter((r) => !r.admin);
      const key = `followup-overdue:${plan.id}`;
      const messages = [
        ...messagesFor(officials, (l) => t(l, 'reminders.followup.overdue', params(l))),
        ...messagesFor(admins, (l) => t(l, 'reminders.followup.escalation', params(l))),
      ];
      if (messages.length > 0) items.push({ key, name: 'followup-overdue', agencyId: agency.id, period: period.label, messages });
    }
  }
  return items;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

interface MaladminRow {
  id: bigint;
  unitId: number;
  submittedAt: Date;
  maladmin: Record<string, boolean>;
}

/**
 * New maladministration reports (not alerted yet, at most MALADMIN_LOOKBACK_MS old) of agencies that
 * want these alerts: one message per unit and official for all of the unit's new reports, and one
 * key per report.
 */
export async function planMaladminAlerts(db: Db, t: Translate, at: Date): Promise<RunRecord[]> {
  const since = new Date(at.getTime() - MALADMIN_LOOKBACK_MS);
  const rows = await db.$queryRaw<MaladminRow[]>`
    SELECT r.id, r."unitId", r."submittedAt", r.maladmin
    FROM "Response" r
    JOIN "ServiceUnit" u ON u.id = r."unitId"
    JOIN "Agency" a ON a.id = u."agencyId"
    WHERE r."maladminCount" > 0 AND r."submittedAt" >= ${since} AND r."submittedAt" <= ${at}
      AND 'maladmin' = ANY(a.reminders)
      AND NOT EXISTS (SELECT 1 FROM "JobRun" j WHERE j.key = 'maladmin-alert:' || r.id::text)
    ORDER BY r.id
    LIMIT 1000`;
  if (rows.length === 0) return [];
  const byUnit = new Map<number, MaladminRow[]>();
  for (const row of rows) byUnit.set(row.unitId, [...(byUnit.get(row.unitId) ?? []), row]);
  const units = await db.serviceUnit.findMany({ where: { id: { in: [...byUnit.keys()] } }, include: { agency: true } });
  const recipientsByAgency = new Map<number, Recipient[]>();
  const items: RunRecord[] = [];
  for (const unit of units) {
    const reports = byUnit.get(unit.id)!;
    if (!recipientsByAgency.has(unit.agencyId)) recipientsByAgency.set(unit.agencyId, await recipientsOf(db, unit.agencyId));
    const to = coveringUnit(recipientsByAgency.get(unit.agencyId)!, unit.id);
    const counts = new Map<string, number>();
    for (const r of reports) for (const [code, yes] of Object.entries(r.maladmin)) if (yes === true) counts.set(code, (counts.get(code) ?? 0) + 1);
    const tz = unit.agency.timeZone;
    const text = (l: Locale) =>
      t(l, 'reminders.maladmin', {
        unit: unit.name,
        code: unit.code,
        n: formatCount(reports.length, l),
        date: formatDateId(reports.at(-1)!.submittedAt, tz, l),
        items: [...counts].map(([code, n]) => `${t(l, `staff.maladminItems.${code}`)} (${n})`).join(', '),
      });
    // The first report's key carries the message; the others are recorded with it, without one.
    reports.forEach((r, i) =>
      items.push({
        key: `maladmin-alert:${r.id}`,
        name: 'maladmin-alert',
        agencyId: unit.agencyId,
        period: periodOf('week', r.submittedAt, tz).label,
        messages: i === 0 ? messagesFor(to, text) : [],
      }),
    );
  }
  return items;
}
