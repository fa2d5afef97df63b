// `skm` (also `npm run skm -- ...`): the operator's command line. Bad arguments print a clear
// message and exit with code 2; a failure at run time exits with 1; an embedded PostgreSQL that
// cannot run here as configured (root, unreachable folders) exits with 78 (EX_CONFIG).
import { writeFile } from 'node:fs/promises';
import { audit, grantRole } from '../admin/staff.js';
import { ConfigError, loadConfig, normaliseWhatsAppNumber } from '../config/index.js';
import { EX_CONFIG, EmbeddedSetupError } from '../db/embedded.js';
import { runBackupCommands } from './backup.js';
import { runDemoCommands } from './demo.js';
import { type CliIo, UsageError, parseOptions, withDatabase } from './common.js';
import { runOperations } from './operations.js';
import { runUnitCommands } from './units.js';
import { commandUsage, fullUsage, usageHint, usagesFor } from './usage.js';
import { agencyReport, formatAgencyReportText } from '../reports/agency-report.js';
import { CSV_DIALECTS, type CsvDialect } from '../reports/export/compose.js';
import { translate } from '../i18n/index.js';
import { landingUrl } from '../text/landing.js';
import { ReportError, formatUnitReportText, unitReport } from '../reports/unit-report.js';
import { parsePeriodWords } from '../scoring/index.js';
import { UNIT_CODE_PATTERN } from '../survey/types.js';

export type { CliIo } from './common.js';

export async function runCli(given: string[], io: CliIo): Promise<number> {
  // The older spelling of `skm demo seed`, kept working.
  const argv = given[0] === 'seed' && given[1] === 'demo' ? ['demo', 'seed', ...given.slice(2)] : given;
  const [command, sub, ...rest] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      if (command) {
        io.out(fullUsage());
        return 0;
      }
      io.err(fullUsage());
      return 2;
    }
    // Anywhere on the line, before any option is read: `skm agency show --help` is a question.
    if (argv.includes('--help') || argv.includes('-h')) {
      const entries = usagesFor(argv);
      if (entries.length === 0) throw new UsageError(`Unknown command: ${command}`);
      io.out(commandUsage(entries));
      return 0;
    }
    if (command === 'db' && sub === 'migrate') {
      if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}`);
      await withDatabase(async () => {});
      io.out('Database is up to date.');
      return 0;
    }
    if (command === 'units' && sub === 'import') {
      if (rest.length !== 1) throw new UsageError('Give one file: skm units import <file.csv|file.xlsx>');
      const { readUnitsFile, importUnits, formatSummary, UnitsFileError, formatIssues } = await import('../admin/units-import/index.js');
      let rows;
      try {
        rows = await readUnitsFile(rest[0]!);
      } catch (error) {
        if (error instanceof UnitsFileError) {
          io.err(`skm: ${error.message}`);
          if (error.issues.length > 0) io.err(formatIssues(error.issues));
          io.err('Nothing was imported.');
          return 2;
        }
        throw error;
      }
      const summary = await withDatabase(async (database) => {
        const result = await importUnits(database.db, rows);
        await audit(database.db, 'cli', 'units.import', rest[0]!, { ...result });
        return result;
      });
      io.out(formatSummary(summary));
      return 0;
    }
    if (command === 'units' && sub === 'qr') {
      const values = parseOptions(rest, {
        unit: { type: 'string' },
        agency: { type: 'string' },
        out: { type: 'string' },
        bot: { type: 'string' },
        whatsapp: { type: 'string' },
        channel: { type: 'string' },
        landing: { type: 'string' },
      });
      if (!values.out) throw new UsageError('Missing --out <folder>.');
      if (values.unit && values.agency) throw new UsageError('Give --unit or --agency, not both.');
      const channel = values.channel;
      if (channel !== undefined && channel !== 'telegram' && channel !== 'whatsapp')
        throw new UsageError(`Unknown --channel "${channel}": use telegram or whatsapp.`);
      const landing = values.landing;
      if (landing !== undefined) {
        if (channel !== undefined) throw new UsageError('Give --landing or --channel, not both: the landing page offers every channel.');
        try {
          landingUrl(landing, 'X');
        } catch (error) {
          throw new UsageError(`--landing: ${(error as Error).message}.`);
        }
      }
      const config = loadConfig();
      const bot = values.bot ?? config.telegramBotUsername;
      const given = values.whatsapp === undefined ? undefined : normaliseWhatsAppNumber(values.whatsapp);
      if (given === null)
        throw new UsageError(
          `--whatsapp "${values.whatsapp}" is not a phone number: write it as 0812-3456-7890, +62 812 3456 7890 or 6281234567890.`,
        );
      const configuredBot = bot;
      const waNumberConfigured = given ?? config.whatsapp.number;
      if (channel === 'telegram' && !configuredBot) throw new UsageError('--channel telegram needs --bot <username> (or TELEGRAM_BOT_USERNAME).');
      if (channel === 'whatsapp' && !waNumberConfigured) throw new UsageError('--channel whatsapp needs --whatsapp <number> (or WHATSAPP_NUMBER).');
      const waNumber = channel === 'telegram' ? undefined : waNumberConfigured;
      if (!bot && !waNumber && landing === undefined) {
        throw new UsageError(
          'Missing --bot <username> (or TELEGRAM_BOT_USERNAME), or --whatsapp <number> (or WHATSAPP_NUMBER): the QR codes link to t.me/<username> or wa.me/<number>.',
        );
      }
      const { telegramDeepLink, whatsappLink, writePosters } = await import('../admin/qr.js');
      if (bot) {
        try {
          telegramDeepLink(bot, 'X');
        } catch {
          throw new UsageError(`"${bot}" is not a Telegram bot username.`);
        }
      }
      const out = values.out;
      const unitCode = values.unit?.toUpperCase();
      const agencyCode = values.agency?.toUpperCase();
      const withTelegram = bot !== undefined && bot !== '' && channel !== 'whatsapp';
      const result = await withDatabase(async (database) => {
        if (agencyCode && !(await database.db.agency.findUnique({ where: { code: agencyCode } })))
          throw new ReportError(`Agency "${agencyCode}" does not exist.`);
        const units = await database.db.serviceUnit.findMany({
          where: unitCode ? { code: unitCode } : agencyCode ? { active: true, agency: { code: agencyCode } } : { active: true },
          include: { agency: true },
          orderBy: [{ agency: { code: 'asc' } }, { code: 'asc' }],
        });
        if (unitCode && units[0]?.active === false)
          throw new ReportError(`Unit "${unitCode}" is deactivated: it gets no poster (skm units activate ${unitCode} first).`);
        if (units.length === 0)
          throw new ReportError(
            unitCode
              ? `Unit "${unitCode}" does not exist.`
              : agencyCode
                ? `Agency ${agencyCode} has no active units.`
                : 'There are no active units yet.',
          );
        // One QR per channel configured (or the one --channel names); with both, side by side.
        return writePosters(
          units.map((u) => ({
            code: u.code,
            name: u.name,
            agencyName: u.agency.name,
            // With --landing, the one QR opens the unit's landing page, which offers every configured channel.
            ...(landing !== undefined
              ? { landingLink: landingUrl(landing, u.code) }
              : {
                  ...(withTelegram ? { telegramLink: telegramDeepLink(bot, u.code) } : {}),
                  ...(waNumber ? { whatsappLink: whatsappLink(waNumber, u.code) } : {}),
                }),
          })),
          out,
        );
      });
      io.out(`Posters: ${result.pdf}\nQR codes: ${result.pngs.length} PNG files in ${out}`);
      if (landing !== undefined) io.out(`The QR codes open the landing pages: ${landingUrl(landing, 'CODE').replace(/CODE$/, '<CODE>')}`);
      else if (waNumber) io.out(`WhatsApp links: https://wa.me/${waNumber}?text=NILAI%20<CODE>`);
      return 0;
    }
    if (command === 'admin' && sub === 'grant') {
      const values = parseOptions(rest, { telegram: { type: 'string' }, agency: { type: 'string' }, role: { type: 'string' } });
      if (!values.telegram || !/^\d{1,15}$/.test(values.telegram)) throw new UsageError('Missing or invalid --telegram <numeric user id>.');
      const role = values.role ?? 'agency_admin';
      if (!['agency_admin', 'agency_official', 'super_admin'].includes(role)) throw new UsageError(`Unknown --role "${role}".`);
      if (role !== 'super_admin' && !values.agency) throw new UsageError('Missing --agency <CODE>.');
      const telegramId = values.telegram;
      const agencyCode = values.agency?.toUpperCase();
      const result = await withDatabase(async (database) => {
        const agency = agencyCode ? await database.db.agency.findUnique({ where: { code: agencyCode } }) : null;
        if (agencyCode && !agency) throw new ReportError(`Agency "${agencyCode}" does not exist.`);
        return grantRole(
          database.db,
          { channel: 'telegram', externalId: telegramId },
          { role: role as 'agency_admin' | 'agency_official' | 'super_admin', agencyId: role === 'super_admin' ? null : agency!.id, unitId: null },
        );
      });
      io.out(
        result.created ? `Granted ${role}${agencyCode ? ` of ${agencyCode}` : ''} to Telegram user ${telegramId}.` : 'That role was already granted.',
      );
      return 0;
    }
    if (command === 'report') {
      const args = sub === undefined ? rest : [sub, ...rest];
      const values = parseOptions(args, {
        unit: { type: 'string' },
        agency: { type: 'string' },
        period: { type: 'string' },
        format: { type: 'string' },
        'csv-dialect': { type: 'string' },
        out: { type: 'string' },
      });
      if (!values.unit && !values.agency) throw new UsageError('Missing --unit <CODE> (or --agency <CODE>).');
      if (values.unit && values.agency) throw new UsageError('Give --unit or --agency, not both.');
      if (!values.period) throw new UsageError('Missing --period <PERIOD> (e.g. 2026-11).');
      const format = values.format ?? 'text';
      if (!['text', 'json', 'csv', 'xlsx', 'pdf'].includes(format))
        throw new UsageError(`Unknown --format "${format}": use text, json, csv, xlsx or pdf.`);
      const dialect = values['csv-dialect'] ?? 'excel-id';
      if (!(CSV_DIALECTS as readonly string[]).includes(dialect))
        throw new UsageError(`Unknown --csv-dialect "${dialect}": use ${CSV_DIALECTS.join(' or ')}.`);
      if (values['csv-dialect'] !== undefined && format !== 'csv') throw new UsageError('--csv-dialect goes with --format csv.');
      if (format === 'xlsx' && !values.out) throw new UsageError('--format xlsx needs --out <file.xlsx>.');
      if (format === 'pdf' && !values.out) throw new UsageError('--format pdf needs --out <file.pdf>.');
      // The time zone only moves relative words ("bulan ini") by a day at most: any zone tells
      // whether the text is a period; the agency's zone decides which one, below.
      if (!parsePeriodWords(values.period, new Date(), 'Asia/Jakarta')) {
        throw new UsageError(
          `Unknown period "${values.period}". Use 2026-W47, 2026-11, 2026-Q4 (or 2026-TW4), 2026-S2, 2026, or words such as "November 2026" or "bulan ini".`,
        );
      }
      const code = (values.unit ?? values.agency)!;
      if (!UNIT_CODE_PATTERN.test(code))
        throw new UsageError(`"${code}" is not a ${values.unit ? 'unit' : 'agency'} code (A-Z, 0-9, -; at most 20).`);
      const periodText = values.period;
      const out = values.out;
      /** The period the words name in the agency's time zone ("bulan ini" on its calendar). */
      const periodIn = (timeZone: string) => parsePeriodWords(periodText, new Date(), timeZone)!;
      if (format === 'pdf') {
        const kind = values.unit ? 'unit' : 'agency';
        const pdf = await withDatabase(async ({ db }) => {
          const [{ loadOfficialReport, renderOfficialPdf }, { translate }] = await Promise.all([
            import('../reports/official/index.js'),
            import('../i18n/index.js'),
          ]);
          const timeZone = values.unit
            ? (await db.serviceUnit.findUnique({ where: { code: code.toUpperCase() }, include: { agency: true } }))?.agency.timeZone
            : (await db.agency.findUnique({ where: { code: code.toUpperCase() } }))?.timeZone;
          const report = await loadOfficialReport(db, { kind, code }, periodIn(timeZone ?? 'Asia/Jakarta'));
          await audit(db, 'cli', 'export', `${kind} ${report.scope.code}`, { period: report.period.label, format });
          const say = (key: string, params?: Record<string, string | number>) => translate('id', key, params);
          return await renderOfficialPdf(report, say, 'id');
        });
        await writeFile(out!, pdf);
        io.out(`Written: ${out}`);
        return 0;
      }
      if (values.unit && (format === 'text' || format === 'json')) {
        const report = await withDatabase(async (database) => {
          const unit = await database.db.serviceUnit.findUnique({ where: { code: code.toUpperCase() }, include: { agency: true } });
          return unitReport(database.db, code, periodIn(unit?.agency.timeZone ?? 'Asia/Jakarta').label);
        });
        const text = format === 'json' ? JSON.stringify(report, null, 2) : formatUnitReportText(report, translate);
        if (out) await writeFile(out, `${text}\n`);
        else io.out(text);
        return 0;
      }
      if (format === 'text' || format === 'json') {
        const report = await withDatabase(async ({ db }) => {
          const agency = await db.agency.findUnique({ where: { code: code.toUpperCase() } });
          return agencyReport(db, code, periodIn(agency?.timeZone ?? 'Asia/Jakarta'));
        });
        const text = format === 'json' ? JSON.stringify(report, null, 2) : formatAgencyReportText(report, CLI_WORDS);
        if (out) await writeFile(out, `${text}\n`);
        else io.out(text);
        return 0;
      }
      const { loadExportData, exportCsv, exportXlsx } = await import('../reports/export.js');
      const content = await withDatabase(async (database) => {
        const { db } = database;
        const units = values.unit
          ? await db.serviceUnit.findMany({ where: { code: code.toUpperCase() }, include: { agency: true } })
          : await db.serviceUnit.findMany({ where: { agency: { code: code.toUpperCase() } }, include: { agency: true }, orderBy: { code: 'asc' } });
        if (units.length === 0) throw new ReportError(`${values.unit ? 'Unit' : 'Agency'} "${code.toUpperCase()}" does not exist or has no units.`);
        const timeZone = units[0]!.agency.timeZone;
        const period = periodIn(timeZone);
        const data = await loadExportData(db, { unitIds: units.map((u) => u.id), period, timeZone });
        await audit(db, 'cli', 'export', `${values.unit ? 'unit' : 'agency'} ${code.toUpperCase()}`, { period: period.label, format });
        return format === 'csv' ? Buffer.from(exportCsv(data, CLI_WORDS, dialect as CsvDialect), 'utf8') : await exportXlsx(data, CLI_WORDS);
      });
      if (out) {
        await writeFile(out, content);
        io.out(`Written: ${out}`);
      } else {
        io.out(content.toString('utf8'));
      }
      return 0;
    }
    const demo = await runDemoCommands(command, sub, rest, io);
    if (demo !== null) return demo;
    const units = await runUnitCommands(command, sub, rest, io);
    if (units !== null) return units;
    const handled = await runOperations(command, sub, rest, io);
    if (handled !== null) return handled;
    const backup = await runBackupCommands(command, sub, rest, io);
    if (backup !== null) return backup;
    throw new UsageError(`Unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ReportError) {
      io.err(`skm: ${error.message}`);
      if (error instanceof UsageError && error.usage) io.err(usageHint(argv));
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof EmbeddedSetupError) {
      io.err(`skm: ${error.message}`);
      return EX_CONFIG;
    }
    io.err(`skm: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** The CLI's reports and files speak Indonesian, the default language. */
const say = (key: string, params?: Record<string, string | number>) => translate('id', key, params);
const CLI_WORDS = { locale: 'id' as const, say };

const isMain = process.argv[1] !== undefined && /(?:cli[\\/]index\.ts|bin[\\/]skm\.js)$/.test(process.argv[1]);
if (isMain) {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}
