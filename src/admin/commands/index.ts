// Chat commands for officials and admins: the router. Channel-neutral: a request in, texts and
// files out. Authorisation happens here, in handle(), before any command runs: a command is only
// available to staff, admin commands only to admins, and every unit argument is resolved against
// the caller's scope (args.ts), so that a unit outside it reads exactly like a unit that does not
// exist. Each update is claimed exactly once, in the same transaction as a writing command.
//
// The commands themselves are declared as data, one group per file (scores.ts, feedback.ts,
// export.ts, followups.ts, subscriptions.ts, people.ts, units.ts, help.ts); COMMANDS below is their
// list, in the order /bantuan and the command menu show them.
import type { Db, Tx } from '../../db/client.js';
import type { Logger } from '../../log.js';
import type { Locale, Translate } from '../../survey/types.js';
import { splitMessage } from '../../text/index.js';
import { type DbOrTx, type Scope, audit, findStaff, isAdmin, scopeOf } from '../staff.js';
import { EXPORT_COMMANDS } from './export.js';
import { FEEDBACK_COMMANDS } from './feedback.js';
import { FOLLOW_UP_COMMANDS } from './followups.js';
import { HELP_COMMANDS } from './help.js';
import { PEOPLE_COMMANDS, join } from './people.js';
import { SCORE_COMMANDS } from './scores.js';
import { SUBSCRIPTION_COMMANDS } from './subscriptions.js';
import {
  type AuditEntry,
  type CommandContext,
  type Level,
  type MenuEntry,
  type StaffCommand,
  type StaffReply,
  type StaffRequest,
  type StaffResult,
  type TrendInput,
  Reply,
} from './types.js';
import { UNIT_COMMANDS } from './units.js';

export type { Level, MenuEntry, StaffCommand, StaffReply, StaffRequest, StaffResult, TrendInput } from './types.js';

/** Every staff command, in menu order: officials' commands, then admins', then /bantuan. */
export const COMMANDS: readonly StaffCommand[] = [
  ...SCORE_COMMANDS,
  ...FEEDBACK_COMMANDS,
  ...EXPORT_COMMANDS,
  ...FOLLOW_UP_COMMANDS,
  ...SUBSCRIPTION_COMMANDS,
  ...PEOPLE_COMMANDS,
  ...UNIT_COMMANDS,
  ...HELP_COMMANDS,
];

/** The commands by name; two with one name are refused (the later would silently win). */
export function commandMap(commands: readonly StaffCommand[]): ReadonlyMap<string, StaffCommand> {
  const map = new Map(commands.map((c) => [c.name, c]));
  if (map.size !== commands.length) {
    const names = commands.map((c) => c.name);
    throw new Error(`staff commands share a name: ${names.filter((n, i) => names.indexOf(n) !== i).join(', ')}`);
  }
  return map;
}

// Under load a command may wait for a pooled connection; it must not fail for that alone.
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export interface StaffCommandsOptions {
  db: Db;
  t: Translate;
  log: Logger;
  botUsername: () => string | undefined;
  clock?: () => Date;
  /** Renders the /tren chart; injected so that the chart library loads only when used. */
  renderTrend?: (input: TrendInput) => Promise<Buffer>;
}

export class StaffCommands {
  private readonly commands: ReadonlyMap<string, StaffCommand>;
  private readonly clock: () => Date;

  constructor(
    private readonly options: StaffCommandsOptions,
    commands: readonly StaffCommand[] = COMMANDS,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.commands = commandMap(commands);
  }

  /**
   * Null when the request is not a staff matter (a citizen, or a command staff do not have): the
   * citizen conversation then answers it, exactly as for anyone else.
   *
   * With an update id, the update is claimed exactly once: a command that changes something runs in
   * the same transaction as the claim, so a duplicate or re-delivered update changes nothing; a
   * command that only reads is answered only when its claim is the first. `duplicate` means: send
   * nothing.
   */
  async handle(req: StaffRequest): Promise<StaffResult | null> {
    const { db, log } = this.options;
    const t = (key: string, params?: Record<string, string | number>) => this.options.t(req.locale, key, params);
    const now = this.clock();
    // Joining needs no role: /daftar <code>, or the deep link /start i_<code>.
    const code = req.command === 'daftar' ? req.arg : req.command === 'start' && req.arg.startsWith('i_') ? req.arg.slice(2) : null;
    if (code !== null) {
      const menuFor = (scope: Scope) => this.menuFor(scope, req.locale);
      return await this.claimed(req, true, async (client) => ({ reply: await join(client, req, code, t, now, menuFor), audits: [] }));
    }
    const command = this.commands.get(req.command);
    if (!command) return null;
    const staff = await findStaff(db, { channel: req.channel, externalId: req.userId });
    if (!staff) return null;
    const scope = await scopeOf(db, staff);
    if (command.level === 'admin' && !isAdmin(scope)) return null;
    // Writing to the bot again undoes an earlier refusal (Telegram 403): deliveries resume.
    await db.staffUser.updateMany({ where: { id: staff.userId, blockedAt: { not: null } }, data: { blockedAt: null } });
    return await this.claimed(req, command.writes, async (client) => {
      const audits: AuditEntry[] = [];
      const ctx: CommandContext = {
        req,
        staff,
        scope,
        t,
        now,
        db: client,
        root: db,
        audit: (entry) => audits.push({ ...entry, actor: `staff:${staff.userId}` }),
        botUsername: this.options.botUsername,
        renderTrend: this.options.renderTrend,
        menu: () => this.menuFor(scope, req.locale),
      };
      try {
        const reply = await command.run(ctx);
        return { reply: { ...reply, messages: reply.messages.flatMap((m) => splitMessage(m)) }, audits };
      } catch (error) {
        if (error instanceof Reply) return { reply: { messages: [error.text] }, audits: [] };
        // A failed write must not commit half of itself: roll back (the claim with it), then apologise.
        if (command.writes) throw error;
        log.error({ err: error, command: req.command, updateId: req.updateId }, 'staff command failed');
        return { reply: { messages: [t('errors.internal')] }, audits: [] };
      }
    }).catch((error: unknown) => {
      log.error({ err: error, command: req.command, updateId: req.updateId }, 'staff command failed');
      const failed: StaffResult = { duplicate: false, reply: { messages: [t('errors.internal')] } };
      return failed;
    });
  }

  /**
   * Runs a command with its claim. `writes`: in one transaction with the claim, so the command's
   * changes and the claim commit together or not at all. Otherwise the command runs first, outside
   * any transaction (an export may take seconds), and the claim commits with the audit entries it
   * left: a duplicate is neither answered nor audited twice.
   */
  private async claimed(
    req: StaffRequest,
    writes: boolean,
    run: (client: DbOrTx) => Promise<{ reply: StaffReply; audits: AuditEntry[] }>,
  ): Promise<StaffResult> {
    const { db } = this.options;
    const claim = async (tx: Tx): Promise<boolean> => {
      if (req.updateId === null) return true;
      const inserted = await tx.$executeRaw`
        INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt") VALUES (${req.channel}, ${req.updateId}, ${this.clock()})
        ON CONFLICT DO NOTHING`;
      return inserted === 1;
    };
    const record = async (tx: Tx, audits: AuditEntry[]) => {
      for (const a of audits) await audit(tx, a.actor, a.action, a.target, a.details);
    };
    if (writes) {
      return await db.$transaction(async (tx) => {
        if (!(await claim(tx))) return { duplicate: true } as const;
        const { reply, audits } = await run(tx);
        await record(tx, audits);
        return { duplicate: false, reply } as const;
      }, TX_OPTIONS);
    }
    const { reply, audits } = await run(db);
    return await db.$transaction(async (tx) => {
      if (!(await claim(tx))) return { duplicate: true } as const;
      await record(tx, audits);
      return { duplicate: false, reply } as const;
    }, TX_OPTIONS);
  }

  /** Every staff command with what it needs: its level and whether it changes anything. */
  commandList(): { name: string; level: Level; writes: boolean }[] {
    return [...this.commands.values()].map((c) => ({ name: c.name, level: c.level, writes: c.writes }));
  }

  /** The commands this staff member may use, for /bantuan and the command menu. */
  menuFor(scope: Scope, locale: Locale): MenuEntry[] {
    const t = (key: string) => this.options.t(locale, key);
    const admin = isAdmin(scope);
    return [...this.commands.values()].filter((c) => c.level === 'official' || admin).map((c) => ({ command: c.name, description: c.menu(t) }));
  }
}
