// The operator's commands for officials' summaries: invitations, agency settings (written in
// agency.ts), scheduled jobs, the outbox, the WhatsApp link. Returns null for a command that is not
// one of these.
import { INVITABLE_ROLES, type InvitableRole, createInvitation } from '../admin/staff.js';
import { telegramStartLink } from '../text/index.js';
import { loadConfig, normaliseWhatsAppNumber } from '../config/index.js';
import { translate } from '../i18n/index.js';
import { JOB_NAMES, type JobEnv, type RunOutcome, cliOptionsOf, findJob, listJobs, runAgencyJob, runGlobalJob } from '../jobs/jobs.js';
import { jobSettingsOf } from '../jobs/job.js';
import { createLogger } from '../log.js';
import { OUTBOX_STATUSES, formatOutboxList, isOutboxStatus, listOutbox, retryOutbox } from '../outbox/store.js';
import { ReportError } from '../reports/unit-report.js';
import { agencySet, agencyShow, findAgency } from './agency.js';
import { formatDateTimeId } from '../scoring/index.js';
import { createPseudonymizer, resolvePseudonymKey } from '../survey/pseudonym.js';
import { type CliIo, UsageError, formatTable, intOption, parseWithPositionals, withDatabase } from './common.js';

const ROLE_ALIASES: Record<string, InvitableRole> = { unit: 'unit_official', agency: 'agency_official', admin: 'agency_admin' };
/** "6 Desember 2026 pukul 13.25 WIB": as the official reads it, on the agency's clock. */
const expiry = (at: Date, timeZone: string) => formatDateTimeId(at, timeZone, 'id').replace(/^[^,]+, /, '');

export async function runOperations(command: string, sub: string | undefined, rest: string[], io: CliIo): Promise<number | null> {
  if (command === 'invite' && sub === 'create') return inviteCreate(rest, io);
  if (command === 'agency' && sub === 'show') return agencyShow(rest, io);
  if (command === 'agency' && sub === 'set') return agencySet(rest, io);
  if (command === 'job' && sub === 'list') return jobList(rest, io);
  if (command === 'job' && sub === 'run') return jobRun(rest, io);
  if (command === 'outbox') return outbox(sub === undefined ? rest : [sub, ...rest], io);
  if (command === 'whatsapp' && sub === 'link') return whatsappLink(rest, io);
  return null;
}

async function inviteCreate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, {
    role: { type: 'string' },
    unit: { type: 'string' },
    agency: { type: 'string' },
    days: { type: 'string' },
    bot: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  const roleWord = values.role?.toLowerCase();
  const role = roleWord ? (ROLE_ALIASES[roleWord] ?? INVITABLE_ROLES.find((r) => r === roleWord)) : undefined;
  if (!role) throw new UsageError(`Missing or unknown --role: use ${INVITABLE_ROLES.join(', ')}.`);
  const onUnit = role === 'unit_official';
  if (onUnit && !values.unit) throw new UsageError('An official of a unit needs --unit <CODE>.');
  if (!onUnit && !values.agency) throw new UsageError(`--role ${role} needs --agency <CODE>.`);
  if (values.unit && values.agency) throw new UsageError('Give --unit or --agency, not both.');
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 90)) throw new UsageError('--days must be a whole number from 1 to 90.');
  const config = loadConfig();
  const bot = values.bot ?? config.telegramBotUsername;
  const result = await withDatabase(async ({ db }) => {
    let target: { agencyId: number | null; unitId: number | null; name: string; timeZone: string };
    if (onUnit) {
      const unit = await db.serviceUnit.findUnique({ where: { code: values.unit!.toUpperCase() }, include: { agency: true } });
      if (!unit) throw new ReportError(`Unit "${values.unit!.toUpperCase()}" does not exist.`);
      target = { agencyId: null, unitId: unit.id, name: `${unit.name} (${unit.code})`, timeZone: unit.agency.timeZone };
    } else {
      const agency = await db.agency.findUnique({ where: { code: values.agency!.toUpperCase() } });
      if (!agency) throw new ReportError(`Agency "${values.agency!.toUpperCase()}" does not exist.`);
      target = { agencyId: agency.id, unitId: null, name: `${agency.name} (${agency.code})`, timeZone: agency.timeZone };
    }
    const invitation = await createInvitation(
      db,
      { role, agencyId: target.agencyId, unitId: target.unitId },
      { createdById: null, ...(days ? { days } : {}) },
    );
    return { ...invitation, name: target.name, timeZone: target.timeZone };
  });
  io.out(`Invitation for ${role} of ${result.name}, valid until ${expiry(result.expiresAt, result.timeZone)} (single use):`);
  io.out(`  code: ${result.code}`);
  io.out(`  on Telegram, the official sends the bot: /daftar ${result.code}`);
  if (bot) io.out(`  or opens: ${telegramStartLink(bot, `i_${result.code}`)}`);
  else io.out('  (set TELEGRAM_BOT_USERNAME or pass --bot <username> to print the deep link https://t.me/<bot>?start=i_<code>)');
  const wa = config.whatsapp.number;
  io.out(`  on WhatsApp, the official sends${wa ? ` ${wa}` : " the bot's number"}: DAFTAR ${result.code}`);
  io.out('The code is shown only now: only its hash is stored.');
  return 0;
}

async function jobList(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError(`Unexpected argument: ${args[0]}`);
  const rows = await withDatabase(({ db }) => listJobs(db));
  if (rows.length === 0) {
    io.out('No jobs: add an agency first (skm units import, or skm demo seed).');
    return 0;
  }
  // Widths from the content: agency codes run up to 20 characters, time zones to 30.
  const table = [
    ['job', 'agency', 'schedule (time zone)', 'last run', 'next run'],
    ...rows.map((r) => [
      r.job,
      r.agency ?? '(all)',
      `${r.schedule} (${r.timeZone})`,
      r.lastRun ? `${formatDateTimeId(r.lastRun.at, r.timeZone, 'en')}, ${r.lastRun.trigger}, ${r.lastRun.messages} msg` : 'never',
      r.nextRun ? formatDateTimeId(r.nextRun, r.timeZone, 'en') : '-',
    ]),
  ];
  for (const line of formatTable(table)) io.out(line);
  return 0;
}

async function jobRun(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, { agency: { type: 'string' }, at: { type: 'string' }, force: { type: 'boolean' } });
  const [name, ...extra] = positionals;
  if (!name) throw new UsageError(`Name a job: ${JOB_NAMES.join(', ')}.`);
  const job = findJob(name);
  // One line, no usage text: the list of jobs is what the operator needs.
  if (!job) throw new UsageError(`Unknown job "${name}". Name a job: ${JOB_NAMES.join(', ')}.`, { usage: false });
  if (extra.length > 0) throw new UsageError(`Unexpected argument: ${extra[0]}`);
  const accepts = cliOptionsOf(job);
  if (values.agency !== undefined && !accepts.agency) throw new UsageError(`${job.name} runs for all agencies: drop --agency.`, { usage: false });
  if (values.force === true && !accepts.force)
    throw new UsageError(`${job.name} has no --force: each item it records is handled once.`, { usage: false });
  let at = new Date();
  if (values.at !== undefined) {
    // An instant with its offset (or Z): a bare local time would be ambiguous across time zones.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.at) || Number.isNaN(Date.parse(values.at))) {
      throw new UsageError(`--at "${values.at}" is not an ISO time with its offset, e.g. 2026-11-23T08:00+07:00 or 2026-11-23T01:00Z.`);
    }
    at = new Date(values.at);
  }
  const trigger = values.force === true ? 'cli-force' : 'cli';
  const config = loadConfig();
  const log = createLogger(config.logLevel ?? 'warn', undefined, config.logFormat);
  const lines = await withDatabase(async ({ db }) => {
    // The same key the bot uses, so maintenance purges the same WhatsApp aliases it would.
    const pseudonymizer = createPseudonymizer(await resolvePseudonymKey(db, config.pseudonymKey));
    const env: JobEnv = {
      db,
      t: translate,
      log,
      ...jobSettingsOf(config, pseudonymizer),
    };
    const line = (r: RunOutcome) =>
      r.status === 'ran'
        ? (job.describe?.(r) ?? `${r.key}: done, ${r.messages} message(s) queued.`)
        : `${r.key}: already ran for this period; nothing sent (use --force to send again on purpose).`;
    if (job.scope === 'global') return [line(await runGlobalJob(env, job, at, trigger, new Date()))];
    const agencies = values.agency ? [await findAgency(db, values.agency)] : await db.agency.findMany({ orderBy: { code: 'asc' } });
    if (agencies.length === 0) return ['There are no agencies yet.'];
    const out: string[] = [];
    for (const agency of agencies) out.push(line(await runAgencyJob(env, job, agency.id, at, trigger, new Date())));
    return out;
  });
  for (const line of lines) io.out(line);
  io.out('Queued messages are delivered by the running bot (npm start with TELEGRAM_BOT_TOKEN); see skm outbox.');
  return 0;
}

async function outbox(args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'retry') {
    const { values, positionals } = parseWithPositionals(args.slice(1), { failed: { type: 'boolean' }, unknown: { type: 'boolean' } });
    const chosen = [values.failed === true, values.unknown === true, positionals.length > 0].filter(Boolean).length;
    if (chosen !== 1) throw new UsageError('Give message ids, or --failed, or --unknown: skm outbox retry 12 13 | --failed | --unknown.');
    const bad = positionals.find((p) => !/^\d{1,18}$/.test(p));
    if (bad) throw new UsageError(`"${bad}" is not a message id.`);
    if (values.failed || values.unknown) {
      const which = values.failed ? 'failed' : 'unknown';
      const n = await withDatabase(({ db }) => retryOutbox(db, which));
      io.out(n === 0 ? `No ${which} messages: nothing to send again.` : `${n} message(s) queued again.`);
      return 0;
    }
    const ids = [...new Set(positionals)].map((p) => BigInt(p));
    const result = await withDatabase(async ({ db }) => {
      const found = await db.outboxMessage.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
      // A mistyped id is the operator's mistake: say so and change nothing, not "0 queued".
      const missing = ids.filter((id) => !found.some((f) => f.id === id));
      if (missing.length > 0) {
        throw new ReportError(`No outbox message with id ${missing.join(', ')}: nothing was queued again (see skm outbox).`);
      }
      const queued = await retryOutbox(db, ids);
      return { queued, left: found.filter((f) => !['failed', 'unknown', 'cancelled'].includes(f.status)) };
    });
    io.out(`${result.queued} message(s) queued again.`);
    if (result.left.length > 0) {
      io.out(
        `Left as they are (only failed, unknown or cancelled messages are sent again): ${result.left.map((f) => `${f.id} (${f.status})`).join(', ')}.`,
      );
    }
    return 0;
  }
  const { values, positionals } = parseWithPositionals(args, { status: { type: 'string' }, limit: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  const status = values.status
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const badStatus = status?.find((s) => !isOutboxStatus(s));
  if (badStatus !== undefined) throw new UsageError(`Unknown --status "${badStatus}": use ${OUTBOX_STATUSES.join(', ')} (several with commas).`);
  const limit = intOption('limit', values.limit, 1, 10_000) ?? 50;
  const text = await withDatabase(async ({ db }) => formatOutboxList(await listOutbox(db, { ...(status ? { status } : {}), limit })));
  io.out(text);
  return 0;
}

async function whatsappLink(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, { number: { type: 'string' }, relink: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  const number = values.number === undefined ? undefined : normaliseWhatsAppNumber(values.number);
  if (number === null)
    throw new UsageError(`--number "${values.number}" is not a phone number: write it as 0812-3456-7890, +62 812 3456 7890 or 6281234567890.`);
  const config = loadConfig();
  const log = createLogger(config.logLevel ?? 'warn', undefined, config.logFormat);
  const { linkWhatsApp, LinkError } = await import('../channels/whatsapp/link.js');
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await withDatabase(({ db }) =>
      linkWhatsApp({ db, log, out: io.out, phoneNumber: number ?? config.whatsapp.number, relink: values.relink === true, signal: abort.signal }),
    );
    if (result.status === 'already-linked') {
      io.out('WhatsApp is already linked. Use --relink to pair another number (the stored session is deleted first).');
    } else {
      io.out(`WhatsApp linked${result.account ? ` (${result.account})` : ''}. Start the bot with WHATSAPP_ENABLED=true.`);
    }
    return 0;
  } catch (error) {
    if (error instanceof LinkError) {
      io.err(`skm: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
