// The operator's commands for an agency's settings: `skm agency show [CODE]` and
// `skm agency set CODE --option value ...` (schedules, time zone, report period, reminders,
// follow-up deadlines, the report's signature block, contacts, the public page). Each change is
// validated before anything is written, and written with its audit-log row in one transaction.
import { checkContact } from '../admin/units-import/index.js';
import type { Db } from '../db/client.js';
import { cronProblem } from '../jobs/cron.js';
import { REMINDER_KINDS, REPORT_PERIODS } from '../jobs/reminders.js';
import { ReportError } from '../reports/unit-report.js';
import { resolveTimeZone } from '../scoring/index.js';
import { type CliIo, UsageError, intOption, parseWithPositionals, withDatabase } from './common.js';

/** The agency with this code (any case), or a ReportError naming it. */
export async function findAgency(db: Db, code: string) {
  const agency = await db.agency.findUnique({ where: { code: code.toUpperCase() } });
  if (!agency) throw new ReportError(`Agency "${code.toUpperCase()}" does not exist.`);
  return agency;
}

function describeAgency(a: Awaited<ReturnType<typeof findAgency>>): string {
  return [
    `${a.code} – ${a.name}`,
    `  time zone         ${a.timeZone}`,
    `  weekly summary    ${a.summaryCron}`,
    `  daily checks      ${a.checkCron}`,
    `  report period     ${a.reportPeriod}`,
    `  reminders         ${a.reminders.length > 0 ? a.reminders.join(', ') : 'none'}`,
    `  follow-up plans   due after ${a.followUpDays} days, reminder ${a.followUpWarnDays} days before`,
    `  report signed by  ${[a.signatoryName ?? '(name not set)', a.signatoryNip ? `NIP ${a.signatoryNip}` : '(NIP not set)', a.signatoryTitle ?? '(position not set)'].join(', ')}; place ${a.reportPlace ?? '(not set)'}`,
    `  contact email     ${a.contactEmail ?? '(none)'}`,
    `  contact phone     ${a.contactPhone ?? '(none)'}`,
    `  contact address   ${a.contactAddress ?? '(none)'}`,
    ...(a.contactEmail || a.contactPhone || a.contactAddress
      ? []
      : ['  (no contact: the privacy notice tells citizens to ask at the counter; set --contact-email, --contact-phone or --contact-address)']),
    `  public page       ${a.publicScores ? `on: /${a.code} shows its scores (suggestions only once approved)` : 'off'}`,
  ].join('\n');
}

export async function agencyShow(args: string[], io: CliIo): Promise<number> {
  if (args.length > 1) throw new UsageError(`Unexpected argument: ${args[1]}`);
  const text = await withDatabase(async ({ db }) => {
    const agencies = args[0] ? [await findAgency(db, args[0])] : await db.agency.findMany({ orderBy: { code: 'asc' } });
    return agencies.length === 0 ? 'There are no agencies yet.' : agencies.map(describeAgency).join('\n\n');
  });
  io.out(text);
  return 0;
}

export async function agencySet(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, {
    'summary-cron': { type: 'string' },
    'check-cron': { type: 'string' },
    'time-zone': { type: 'string' },
    'report-period': { type: 'string' },
    reminders: { type: 'string' },
    'follow-up-days': { type: 'string' },
    'follow-up-warn-days': { type: 'string' },
    'signatory-name': { type: 'string' },
    'signatory-nip': { type: 'string' },
    'signatory-title': { type: 'string' },
    'report-place': { type: 'string' },
    'contact-email': { type: 'string' },
    'contact-phone': { type: 'string' },
    'contact-address': { type: 'string' },
    public: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('Give one agency code: skm agency set <CODE> [options].');
  const data: {
    summaryCron?: string;
    checkCron?: string;
    timeZone?: string;
    reportPeriod?: string;
    reminders?: string[];
    followUpDays?: number;
    followUpWarnDays?: number;
    signatoryName?: string | null;
    signatoryNip?: string | null;
    signatoryTitle?: string | null;
    reportPlace?: string | null;
    contactEmail?: string | null;
    contactPhone?: string | null;
    contactAddress?: string | null;
    publicScores?: boolean;
  } = {};
  for (const [option, field] of [
    ['summary-cron', 'summaryCron'],
    ['check-cron', 'checkCron'],
  ] as const) {
    const value = values[option];
    if (value === undefined) continue;
    const problem = cronProblem(value);
    if (problem) throw new UsageError(`--${option} "${value}": ${problem}.`);
    data[field] = value.trim().replace(/\s+/g, ' ');
  }
  if (values['time-zone'] !== undefined) {
    const timeZone = resolveTimeZone(values['time-zone']);
    if (!timeZone)
      throw new UsageError(`--time-zone "${values['time-zone']}" is not a time zone: use WIB, WITA, WIT or an IANA name (e.g. Asia/Jakarta).`);
    data.timeZone = timeZone;
  }
  if (values['report-period'] !== undefined) {
    if (!(REPORT_PERIODS as readonly string[]).includes(values['report-period']))
      throw new UsageError(`--report-period must be one of ${REPORT_PERIODS.join(', ')}.`);
    data.reportPeriod = values['report-period'];
  }
  if (values.reminders !== undefined) {
    const list =
      values.reminders.toLowerCase() === 'none'
        ? []
        : values.reminders
            .split(',')
            .map((k) => k.trim().toLowerCase())
            .filter(Boolean);
    const unknown = list.find((k) => !(REMINDER_KINDS as readonly string[]).includes(k));
    if (unknown) throw new UsageError(`Unknown reminder "${unknown}": use ${REMINDER_KINDS.join(', ')} or none.`);
    data.reminders = [...new Set(list)];
  }
  const days = intOption('follow-up-days', values['follow-up-days'], 1, 365);
  const warn = intOption('follow-up-warn-days', values['follow-up-warn-days'], 0, 60);
  if (days !== undefined) data.followUpDays = days;
  if (warn !== undefined) data.followUpWarnDays = warn;
  Object.assign(data, signatureOptions(values));
  for (const [option, field] of [
    ['contact-email', 'contactEmail'],
    ['contact-phone', 'contactPhone'],
    ['contact-address', 'contactAddress'],
  ] as const) {
    const value = values[option];
    if (value === undefined) continue;
    const checked = checkContact(field, value);
    if (!checked.ok) throw new UsageError(`--${option} "${value}": ${checked.problem}.`);
    data[field] = checked.value;
  }
  if (values.public !== undefined) {
    const word = values.public.trim().toLowerCase();
    if (word !== 'on' && word !== 'off') throw new UsageError(`--public must be on or off, not "${values.public}".`);
    data.publicScores = word === 'on';
  }
  if (Object.keys(data).length === 0) throw new UsageError('Nothing to change: give at least one option.');
  const text = await withDatabase(async ({ db }) => {
    const agency = await findAgency(db, positionals[0]!);
    const updated = await db.$transaction(async (tx) => {
      const row = await tx.agency.update({ where: { id: agency.id }, data });
      await tx.auditLog.create({ data: { actor: 'cli', action: 'agency.set', target: agency.code, details: data } });
      return row;
    });
    return describeAgency(updated);
  });
  io.out(text);
  io.out(
    data.publicScores === undefined
      ? 'A running bot picks the new schedule up within 10 minutes.'
      : 'A running bot picks the new schedule up within 10 minutes, and the public pages within 10 seconds.',
  );
  return 0;
}

/**
 * The official report's signature block. An empty value clears a field (the report then leaves a
 * dotted line); a NIP is the civil servant's 18 digits, spaces allowed as printed on ID cards.
 */
function signatureOptions(values: Partial<Record<'signatory-name' | 'signatory-nip' | 'signatory-title' | 'report-place', string>>) {
  const data: { signatoryName?: string | null; signatoryNip?: string | null; signatoryTitle?: string | null; reportPlace?: string | null } = {};
  const text = (option: keyof typeof values, max: number): string | null | undefined => {
    const value = values[option];
    if (value === undefined) return undefined;
    const trimmed = value.trim().replace(/\s+/g, ' ');
    if (trimmed.length > max) throw new UsageError(`--${option} is longer than ${max} characters.`);
    return trimmed === '' ? null : trimmed;
  };
  const name = text('signatory-name', 120);
  const title = text('signatory-title', 160);
  const place = text('report-place', 80);
  const nip = text('signatory-nip', 40);
  if (name !== undefined) data.signatoryName = name;
  if (title !== undefined) data.signatoryTitle = title;
  if (place !== undefined) data.reportPlace = place;
  if (nip !== undefined) {
    const digits = nip?.replace(/[\s.-]/g, '') ?? null;
    if (digits !== null && !/^\d{18}$/.test(digits))
      throw new UsageError(`--signatory-nip "${nip}" is not a NIP: 18 digits (e.g. 196803121994032005).`);
    data.signatoryNip = digits;
  }
  return data;
}
