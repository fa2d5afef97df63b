// What a staff command is: the request it answers, the reply it gives, and the declaration every
// command file fills in (name, level, whether it writes, its menu line, its handler). The router
// (index.ts) reads these declarations for authorisation, the exactly-once claim, /bantuan and the
// chat's command menu; nothing else has to list the commands.
import type { Db } from '../../db/client.js';
import type { Locale } from '../../survey/types.js';
import type { DbOrTx, Scope, Staff } from '../staff.js';

export interface StaffRequest {
  channel: string;
  /** The user's id on the channel (in a private chat, the chat id). */
  userId: string;
  displayName?: string | undefined;
  command: string;
  arg: string;
  locale: Locale;
  /** The channel's update id: claimed exactly once (null where the channel has none, e.g. tests). */
  updateId: string | null;
}

/** What a staff request came to: a reply to send, or nothing at all (a duplicate update). */
export type StaffResult = { duplicate: true } | { duplicate: false; reply: StaffReply };

export interface StaffReply {
  messages: string[];
  document?: { filename: string; content: Buffer; caption: string };
  photo?: { content: Buffer; caption: string };
  /** The commands this user may use now (for the channel's command menu), when they changed. */
  menu?: MenuEntry[];
}

export interface MenuEntry {
  command: string;
  description: string;
}

export interface TrendInput {
  title: string;
  xTitle: string;
  yTitle: string;
  zones: { hijauMin: number; kuningMin: number };
  series: { label: string; points: { period: string; ikm: number | null }[] }[];
}

/** Who may use a command: every staff member (`official`), or admins only. */
export type Level = 'official' | 'admin';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string | null;
  details?: object;
}

/** A text translated into the request's language. */
export type Say = (key: string, params?: Record<string, string | number>) => string;

/** What a command's handler gets: the request, who asks and what they may see, and the tools. */
export interface CommandContext {
  req: StaffRequest;
  staff: Staff;
  scope: Scope;
  t: Say;
  now: Date;
  /** The transaction claiming the update, for a command that writes; the client otherwise. */
  db: DbOrTx;
  /** The client itself, outside any transaction (the reports take it); in a read-only command, `db`. */
  root: Db;
  /** Records an audit entry, written when (and only if) the update is claimed. */
  audit: (entry: Omit<AuditEntry, 'actor'>) => void;
  /** The bot's username for deep links; undefined before the channel knows it. */
  botUsername: () => string | undefined;
  /** Renders the /tren chart; absent, /tren answers with text. */
  renderTrend: ((input: TrendInput) => Promise<Buffer>) | undefined;
  /** The commands this user may use, for /bantuan and the command menu. */
  menu: () => MenuEntry[];
}

/**
 * One staff command, declared as data. Adding a command is adding one of these to a group file's
 * list (and its texts to locales/): the router, /bantuan, the command menu and
 * StaffCommands.commandList() all read it from there.
 */
export interface StaffCommand {
  /** The word after the slash (`skor` for /skor). */
  name: string;
  level: Level;
  /** Changes something: runs in one transaction with the update's claim (exactly once). */
  writes: boolean;
  /**
   * Its line in /bantuan and the command menu. A function calling `t` with the literal key (not a
   * key stored as a string) so that test/unit/translation-keys.test.ts sees which key it uses.
   */
  menu: (t: Say) => string;
  /**
   * Answers the request. Arguments are parsed here (with the helpers in args.ts); a user mistake
   * is answered by throwing `Reply` with a translated text.
   */
  run: (c: CommandContext) => Promise<StaffReply>;
}

/**
 * A user mistake: its text is the whole answer and the audit entries recorded so far are dropped.
 * Thrown before the command changes anything (a writing command's transaction still commits, with
 * the claim, so the same update is not answered twice).
 */
export class Reply extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}
