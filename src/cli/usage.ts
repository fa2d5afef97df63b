// The usage of every `skm` command, one entry per command. `skm --help` prints them all, and
// `skm <command> --help` prints its own entry, so the two cannot drift apart. A new command adds
// its entry here.
import { JOB_NAMES } from '../jobs/registry.js';

export interface CommandUsage {
  /** The words that name the command: `['units', 'qr']`, or `['report']`. */
  words: readonly string[];
  /** The usage lines, without the leading "skm ". */
  usage: readonly string[];
  description: string;
}

export const COMMAND_USAGES: readonly CommandUsage[] = [
  { words: ['db', 'migrate'], usage: ['db migrate'], description: 'apply pending database migrations' },
  { words: ['demo', 'seed'], usage: ['demo seed'], description: 'add the demo MPP and its units (also: skm seed demo)' },
  {
    words: ['demo', 'remove'],
    usage: ['demo remove'],
    description: 'delete the demo MPP with all its rows, before going live',
  },
  { words: ['units', 'import'], usage: ['units import <file.csv|file.xlsx>'], description: 'add or update agencies, units and service types' },
  { words: ['units', 'list'], usage: ['units list [--agency <CODE>]'], description: 'service units with their agency and whether they take ratings' },
  {
    words: ['units', 'deactivate'],
    usage: ['units deactivate <CODE>'],
    description: 'stop a unit taking new ratings (its history is kept; no posters, no summaries)',
  },
  { words: ['units', 'activate'], usage: ['units activate <CODE>'], description: 'let a deactivated unit take ratings again' },
  {
    words: ['units', 'qr'],
    usage: [
      'units qr [--unit <CODE>|--agency <CODE>] --out <folder> [--bot <username>] [--whatsapp <number>]',
      '         [--channel telegram|whatsapp] [--landing <base URL>]',
    ],
    description: "A4 PDF posters (one page per active unit) and QR PNGs; --landing points the QR at the unit's landing page (<base URL>/u/<CODE>)",
  },
  {
    words: ['admin', 'grant'],
    usage: ['admin grant --telegram <user id> --agency <CODE> [--role agency_admin|agency_official|super_admin]'],
    description: 'give a Telegram user a role (the first admin)',
  },
  {
    words: ['invite', 'create'],
    usage: ['invite create --role unit_official|agency_official|agency_admin --unit <CODE>|--agency <CODE> [--days 7] [--bot <username>]'],
    description: 'a one-time invitation code and its deep link',
  },
  { words: ['agency', 'show'], usage: ['agency show [<CODE>]'], description: "an agency's schedule, reminder settings and contact" },
  {
    words: ['agency', 'set'],
    usage: [
      'agency set <CODE> [--summary-cron "0 8 * * 1"] [--check-cron "0 9 * * *"] [--time-zone WIB|WITA|WIT|Asia/Makassar]',
      '           [--report-period month|quarter|semester] [--reminders zone,target,maladmin,followup|none]',
      '           [--follow-up-days 30] [--follow-up-warn-days 3] [--public on|off]',
      '           [--signatory-name "…"] [--signatory-nip <18 digits>] [--signatory-title "Kepala …"] [--report-place <city>]',
      '           [--contact-email ppid@kota.go.id] [--contact-phone "(0542) 123456"] [--contact-address "Jl. …"]  ("" clears one)',
    ],
    description:
      "change an agency's schedule, reminders, public page, report signatory and the contact its privacy notice names (cron times are in its time zone)",
  },
  { words: ['job', 'list'], usage: ['job list'], description: 'scheduled jobs with their last and next runs' },
  {
    words: ['job', 'run'],
    usage: [`job run ${JOB_NAMES.join('|')} [--agency <CODE>] [--at <ISO time>] [--force]`],
    description: 'run a job now (once per period; --force runs it again)',
  },
  { words: ['outbox'], usage: ['outbox [--status pending,failed,unknown,...] [--limit 50]'], description: 'messages waiting, failed or interrupted' },
  { words: ['outbox', 'retry'], usage: ['outbox retry <id>...|--failed|--unknown'], description: 'send failed or interrupted messages again' },
  {
    words: ['whatsapp', 'link'],
    usage: ['whatsapp link [--number 6281234567890] [--relink]'],
    description: "pair the bot's WhatsApp number (QR code, or a pairing code)",
  },
  {
    words: ['report'],
    usage: [
      'report --unit <CODE>|--agency <CODE> --period <PERIOD> [--format text|json|csv|xlsx|pdf]',
      '       [--csv-dialect excel-id|rfc4180] [--out <file>]',
    ],
    description: "a unit's or an agency's IKM (agency: pooled from all its responses, with each unit), or the official SKM report (pdf)",
  },
  {
    words: ['backup'],
    usage: ['backup [--out <file>]'],
    description: 'save every table to one file (default skm-backup-<time>.skmbak)',
  },
  { words: ['restore'], usage: ['restore <file> [--force]'], description: 'load a backup into an empty database (--force empties it first)' },
];

const NOTES: Record<string, string> = {
  report:
    'PERIOD: 2026-W47, 2026-11, 2026-Q4 (or 2026-TW4), 2026-S2, 2026, or words: "November 2026", "bulan ini", "minggu lalu", "TW4 2026"\n' +
    'CSV: excel-id (default; ";" and decimal comma, opens in Indonesian Excel) or rfc4180 ("," and decimal point). Both UTF-8 with BOM.',
  whatsapp: 'A number may be written 0812-3456-7890, +62 812 3456 7890 or 6281234567890.',
  units: 'A deactivated unit takes no new ratings, gets no poster and is left out of summaries; its ratings are kept.',
  demo: 'The demo agency is MPP-DEMO. "demo remove" deletes it with its units, responses, staff roles, job runs and queued messages, in one transaction; other agencies are not touched.',
};

const WIDTH = 52;

function entryLines(entry: CommandUsage): string[] {
  const lines = entry.usage.map((u) => `  skm ${u}`);
  const last = lines[lines.length - 1]!;
  if (last.length < WIDTH) lines[lines.length - 1] = `${last.padEnd(WIDTH)}${entry.description}`;
  else lines.push(`${' '.repeat(WIDTH)}${entry.description}`);
  return lines;
}

/** `skm --help`: every command. */
export function fullUsage(): string {
  return [
    'Usage: skm <command>',
    '',
    ...COMMAND_USAGES.flatMap(entryLines),
    NOTES.report!,
    'Without DATABASE_URL the embedded PostgreSQL in SKM_DATA_DIR is used.',
    'Run "skm <command> --help" for one command.',
  ].join('\n');
}

/**
 * The entries `argv` names: the command with both words (`units qr`), else every command that
 * starts with the first word (`skm units --help`). Empty when the first word names no command.
 */
export function usagesFor(argv: readonly string[]): CommandUsage[] {
  const [first, second] = argv;
  const exact = COMMAND_USAGES.filter((e) => e.words[0] === first && (e.words.length === 1 ? true : e.words[1] === second));
  // `outbox retry` and `outbox` share a first word: the two-word entry wins when it matches.
  const twoWords = exact.filter((e) => e.words.length === 2);
  if (twoWords.length > 0) return twoWords;
  if (exact.length > 0) return exact;
  return COMMAND_USAGES.filter((e) => e.words[0] === first);
}

/** `skm <command> --help`: that command's own usage. */
export function commandUsage(entries: readonly CommandUsage[]): string {
  const note = entries[0] ? NOTES[entries[0].words[0]!] : undefined;
  return ['Usage:', ...entries.flatMap(entryLines), ...(note ? [note] : [])].join('\n');
}

/** The hint under a one-line error: where to read the usage of the command that failed. */
export function usageHint(argv: readonly string[]): string {
  const entries = usagesFor(argv);
  if (entries.length === 0) return 'Run "skm --help" for the list of commands.';
  const words = entries.length === 1 ? entries[0]!.words : [argv[0]!];
  return `Run "skm ${words.join(' ')} --help" for its usage.`;
}
