// Chat commands for officials and admins (/skor, /unsur, /zona, /tren, /saran, /maladmin, /unduh,
// /undang, /pengguna, /cabut, /unit, /bantuan, /daftar). Channel-neutral: a request in, texts and
// files out. Authorisation happens here, in handle(), before any handler runs: a command is only
// available to staff, admin commands only to admins, and every unit argument is resolved against
// the caller's scope, so that a unit outside it reads exactly like a unit that does not exist.
import type { Db, Tx } from '../db/client.js';
import type { Logger } from '../log.js';
import { sumsByUnit, unitSums } from '../reports/aggregate.js';
import { reportForUnit, scoreConfigOf, type UnitWithAgency } from '../reports/unit-report.js';
import { telegramStartLink } from '../text/index.js';
import { splitMessage, zoneWords } from '../text/index.js';
import { nextFire } from '../jobs/cron.js';
import { REMINDER_KINDS, reportPeriodKind } from '../jobs/reminders.js';
import {
  describePeriod,
  ELEMENT_CODES,
  formatDateId,
  formatDateTimeId,
  localDateString,
  type Period,
  parsePeriodWords,
  periodOf,
  periodRange,
  previousPeriod,
  roundHalfUp,
  score,
  weakestElements,
  zonedTimeUtc,
} from '../scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../survey/questionnaire.js';
import { type Locale, type Translate, UNIT_CODE_PATTERN } from '../survey/types.js';
import {
  type InvitableRole,
  type Scope,
  type DbOrTx,
  type Staff,
  audit,
  createInvitation,
  findStaff,
  isAdmin,
  redeemInvitation,
  revokeRole,
  scopeOf,
} from './staff.js';

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
  menu?: { command: string; description: string }[];
}

type Level = 'official' | 'admin';

interface AuditEntry {
  actor: string;
  action: string;
  target: string | null;
  details?: object;
}

interface Context {
  req: StaffRequest;
  staff: Staff;
  scope: Scope;
  t: (key: string, params?: Record<string, string | number>) => string;
  now: Date;
  /** The transaction claiming the update, for a command that writes; the client otherwise. */
  db: DbOrTx;
  /** Records an audit entry, written when (and only if) the update is claimed. */
  audit: (entry: Omit<AuditEntry, 'actor'>) => void;
}

interface Command {
  level: Level;
  /** Changes something: runs in one transaction with the update's claim (exactly once). */
  writes: boolean;
  run: (ctx: Context) => Promise<StaffReply>;
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

export interface TrendInput {
  title: string;
  xTitle: string;
  yTitle: string;
  zones: { hijauMin: number; kuningMin: number };
  series: { label: string; points: { period: string; ikm: number | null }[] }[];
}

const OFFICIAL_COMMANDS = ['skor', 'unsur', 'zona', 'tren', 'saran', 'maladmin', 'unduh', 'tindaklanjut', 'langganan', 'berhenti', 'lanjut'] as const;
const ADMIN_COMMANDS = ['undang', 'pengguna', 'cabut', 'unit'] as const;
const PAGE_SIZE = 10;

const ROLE_WORDS: Record<string, InvitableRole> = {
  admin: 'agency_admin',
  instansi: 'agency_official',
  agency: 'agency_official',
  unit: 'unit_official',
};

class Reply extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

export class StaffCommands {
  private readonly commands: Record<string, Command>;
  private readonly clock: () => Date;

  constructor(private readonly options: StaffCommandsOptions) {
    this.clock = options.clock ?? (() => new Date());
    const read = (level: Level, run: Command['run']): Command => ({ level, writes: false, run });
    const write = (level: Level, run: Command['run']): Command => ({ level, writes: true, run });
    this.commands = {
      skor: read('official', (c) => this.skor(c)),
      unsur: read('official', (c) => this.unsur(c)),
      zona: read('official', (c) => this.zona(c)),
      tren: read('official', (c) => this.tren(c)),
      saran: read('official', (c) => this.saran(c)),
      maladmin: read('official', (c) => this.maladmin(c)),
      unduh: read('official', (c) => this.unduh(c)),
      tindaklanjut: write('official', (c) => this.tindaklanjut(c)),
      langganan: read('official', (c) => this.langganan(c)),
      berhenti: write('official', (c) => this.pause(c, true)),
      lanjut: write('official', (c) => this.pause(c, false)),
      undang: write('admin', (c) => this.undang(c)),
      pengguna: read('admin', (c) => this.pengguna(c)),
      cabut: write('admin', (c) => this.cabut(c)),
      unit: read('admin', (c) => this.unit(c)),
      bantuan: read('official', async (c) => ({ messages: [this.help(c)], menu: this.menuFor(c.scope, c.req.locale) })),
    };
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
      return await this.claimed(req, true, async (client) => ({ reply: await this.join(client, req, code, t, now), audits: [] }));
    }
    const command = this.commands[req.command];
    if (!command) return null;
    const staff = await findStaff(db, { channel: req.channel, externalId: req.userId });
    if (!staff) return null;
    const scope = await scopeOf(db, staff);
    if (command.level === 'admin' && !isAdmin(scope)) return null;
    // Writing to the bot again undoes an earlier refusal (Telegram 403): deliveries resume.
    await db.staffUser.updateMany({ where: { id: staff.userId, blockedAt: { not: null } }, data: { blockedAt: null } });
    return await this.claimed(req, command.writes, async (client) => {
      const audits: AuditEntry[] = [];
      const ctx: Context = { req, staff, scope, t, now, db: client, audit: (entry) => audits.push({ ...entry, actor: `staff:${staff.userId}` }) };
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
    return Object.entries(this.commands).map(([name, c]) => ({ name, level: c.level, writes: c.writes }));
  }

  /** The commands this staff member may use, for /bantuan and the command menu. */
  menuFor(scope: Scope, locale: Locale): { command: string; description: string }[] {
    const names: string[] = [...OFFICIAL_COMMANDS, ...(isAdmin(scope) ? ADMIN_COMMANDS : []), 'bantuan'];
    return names.map((command) => ({ command, description: this.options.t(locale, `staff.menu.${command}`) }));
  }

  private help(c: Context): string {
    const lines = this.menuFor(c.scope, c.req.locale).map((m) => `/${m.command} – ${m.description}`);
    return [c.t('staff.help.intro'), ...lines, '', c.t('staff.help.periods')].join('\n');
  }

  private async join(db: DbOrTx, req: StaffRequest, code: string, t: Context['t'], now: Date): Promise<StaffReply> {
    if (code.trim() === '') return { messages: [t('staff.join.usage')] };
    const result = await redeemInvitation(
      db,
      { channel: req.channel, externalId: req.userId, displayName: req.displayName ?? null, locale: req.locale },
      code,
      now,
    );
    if (!result.ok) return { messages: [t('staff.join.invalid')] };
    const target =
      result.unitId !== null
        ? (await db.serviceUnit.findUnique({ where: { id: result.unitId } }))?.name
        : result.agencyId !== null
          ? (await db.agency.findUnique({ where: { id: result.agencyId } }))?.name
          : undefined;
    const staff = await findStaff(db, { channel: req.channel, externalId: req.userId });
    const menu = staff ? this.menuFor(await scopeOf(db, staff), req.locale) : undefined;
    return {
      messages: [t('staff.join.done', { role: t(`staff.roles.${result.role}`), target: target ?? '-' }), t('staff.join.next')],
      ...(menu ? { menu } : {}),
    };
  }

  // ---- argument parsing, shared by the handlers ----------------------------------------

  /** Looks a unit up by code within the caller's scope; outside it reads as "not found". */
  private async unitInScope(c: Context, code: string): Promise<UnitWithAgency> {
    const unit = await c.db.serviceUnit.findUnique({ where: { code: code.toUpperCase() }, include: { agency: true } });
    if (!unit || !c.scope.unitIds.has(unit.id)) throw new Reply(c.t('staff.unitNotFound', { code: code.toUpperCase() }));
    return unit;
  }

  private async defaultUnit(c: Context, example: string): Promise<UnitWithAgency> {
    if (c.scope.unitIds.size === 1) {
      const [id] = [...c.scope.unitIds];
      const unit = await this.options.db.serviceUnit.findUnique({ where: { id: id! }, include: { agency: true } });
      if (unit) return unit;
    }
    throw new Reply(c.t('staff.needUnit', { example }));
  }

  private async defaultTimeZone(c: Context): Promise<string> {
    const first = await this.options.db.serviceUnit.findFirst({ where: { id: { in: [...c.scope.unitIds] } }, include: { agency: true } });
    return first?.agency.timeZone ?? 'Asia/Jakarta';
  }

  private period(c: Context, text: string, timeZone: string, example: string): Period {
    if (text.trim() === '') return periodOf('month', c.now, timeZone);
    const p = parsePeriodWords(text, c.now, timeZone);
    if (!p) throw new Reply(c.t('staff.badPeriod', { text: text.trim(), example }));
    return p;
  }

  /** "[unit] [periode]": the whole argument as a period, else the first word as the unit. */
  private async unitAndPeriod(c: Context, arg: string, example: string): Promise<{ unit: UnitWithAgency; period: Period }> {
    const text = arg.trim();
    const tz = await this.defaultTimeZone(c);
    if (text === '' || parsePeriodWords(text, c.now, tz)) {
      const unit = await this.defaultUnit(c, example);
      return { unit, period: this.period(c, text, unit.agency.timeZone, example) };
    }
    const [first, ...rest] = text.split(/\s+/);
    if (!UNIT_CODE_PATTERN.test(first!)) throw new Reply(c.t('staff.badArgs', { example }));
    const unit = await this.unitInScope(c, first!);
    return { unit, period: this.period(c, rest.join(' '), unit.agency.timeZone, example) };
  }

  // ---- officials ------------------------------------------------------------------------

  private async skor(c: Context): Promise<StaffReply> {
    const { unit, period } = await this.unitAndPeriod(c, c.req.arg, '/skor DUKCAPIL bulan ini');
    const r = await reportForUnit(this.options.db, unit, period);
    const head = c.t('staff.skor.head', { unit: r.unitName, code: r.unit, period: describePeriod(period, c.req.locale) });
    const count = r.target ? c.t('staff.skor.countTarget', { n: r.responses, target: r.target.sample }) : c.t('staff.skor.count', { n: r.responses });
    if (r.ikm === null) return { messages: [[head, count, c.t('staff.noResponses')].join('\n')] };
    const lines = [head, c.t('staff.skor.ikm', { ikm: r.ikm.toFixed(2), mutu: r.mutu!, kinerja: r.kinerja!, zone: zoneWords(r.zona!, c.t) }), count];
    if (r.provisional) lines.push(c.t('staff.provisional', { min: r.minResponses }));
    return { messages: [lines.join('\n')] };
  }

  private async unsur(c: Context): Promise<StaffReply> {
    const { unit, period } = await this.unitAndPeriod(c, c.req.arg, '/unsur DUKCAPIL bulan lalu');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const sums = await unitSums(this.options.db, unit.id, start, end);
    const result = score(sums, scoreConfigOf(unit.agency));
    const head = c.t('staff.skor.head', { unit: unit.name, code: unit.code, period: describePeriod(period, c.req.locale) });
    if (!result) return { messages: [[head, c.t('staff.noResponses')].join('\n')] };
    const weakest = new Set(weakestElements(result, 2).map((w) => w.code));
    const names = DEFAULT_QUESTIONNAIRE.elements;
    const rows = ELEMENT_CODES.map((code, i) => {
      const nrr = roundHalfUp(result.nrr[i]!, 3).toFixed(3);
      const ikm = roundHalfUp(result.nrr[i]! * 25, 2).toFixed(2);
      return `${code.padEnd(3)} ${nrr}  ${ikm.padStart(6)}  ${names[i]!.name[c.req.locale]}${weakest.has(code) ? ' ⚠️' : ''}`;
    });
    const lines = [head, c.t('staff.unsur.legend'), ...rows, c.t('staff.skor.count', { n: result.responses })];
    if (result.provisional) lines.push(c.t('staff.provisional', { min: scoreConfigOf(unit.agency).minResponses }));
    return { messages: [lines.join('\n')] };
  }

  private async zona(c: Context): Promise<StaffReply> {
    const tz = await this.defaultTimeZone(c);
    const period = this.period(c, c.req.arg, tz, '/zona bulan lalu');
    const units = await this.options.db.serviceUnit.findMany({
      where: { id: { in: [...c.scope.unitIds] }, active: true },
      include: { agency: true },
      orderBy: { code: 'asc' },
    });
    // Units in different time zones: each is measured in its own agency's zone.
    const byZone = new Map<string, typeof units>();
    for (const u of units) byZone.set(u.agency.timeZone, [...(byZone.get(u.agency.timeZone) ?? []), u]);
    const rows: { code: string; name: string; ikm: number | null; zona: string | null; n: number; provisional: boolean }[] = [];
    for (const [zone, list] of byZone) {
      const { start, end } = periodRange(period, zone);
      const sums = await sumsByUnit(
        this.options.db,
        list.map((u) => u.id),
        start,
        end,
      );
      for (const u of list) {
        const s = sums.get(u.id);
        const result = s ? score(s, scoreConfigOf(u.agency)) : null;
        rows.push({
          code: u.code,
          name: u.name,
          ikm: result?.ikm ?? null,
          zona: result?.zona ?? null,
          n: s?.count ?? 0,
          provisional: result?.provisional ?? true,
        });
      }
    }
    const scored = rows.filter((r) => r.ikm !== null).sort((a, b) => b.ikm! - a.ikm! || a.code.localeCompare(b.code));
    const line = (r: (typeof rows)[number]) => `${r.code} ${r.ikm!.toFixed(2)} (${r.n})${r.provisional ? '*' : ''} – ${r.name}`;
    const lines = [c.t('staff.zona.head', { period: describePeriod(period, c.req.locale), units: rows.length })];
    for (const zone of ['hijau', 'kuning', 'merah'] as const) {
      const inZone = scored.filter((r) => r.zona === zone);
      lines.push('', `${zoneWords(zone, c.t)}: ${inZone.length}`);
      for (const r of inZone) lines.push(`  ${line(r)}`);
    }
    const empty = rows.filter((r) => r.ikm === null);
    if (empty.length > 0) lines.push('', c.t('staff.zona.empty', { n: empty.length }), `  ${empty.map((r) => r.code).join(', ')}`);
    if (scored.length > 3) {
      lines.push('', c.t('staff.zona.best'), ...scored.slice(0, 3).map((r) => `  ${line(r)}`));
      lines.push(
        c.t('staff.zona.worst'),
        ...scored
          .slice(-3)
          .reverse()
          .map((r) => `  ${line(r)}`),
      );
    }
    if (scored.some((r) => r.provisional)) lines.push('', c.t('staff.zona.provisionalMark'));
    return { messages: [lines.join('\n')] };
  }

  private async tren(c: Context): Promise<StaffReply> {
    const words = c.req.arg.trim().split(/\s+/).filter(Boolean);
    const monthly = words.some((w) => ['bulan', 'bulanan', 'month', 'monthly'].includes(w.toLowerCase()));
    const codeWord = words.find((w) => !['bulan', 'bulanan', 'minggu', 'mingguan', 'month', 'monthly', 'week', 'weekly'].includes(w.toLowerCase()));
    const unit = codeWord ? await this.unitInScope(c, codeWord) : await this.defaultUnit(c, '/tren DUKCAPIL');
    const tz = unit.agency.timeZone;
    const periods: Period[] = [];
    let p = periodOf(monthly ? 'month' : 'week', c.now, tz);
    for (let i = 0; i < 12; i++) {
      periods.unshift(p);
      p = previousPeriod(p);
    }
    const config = scoreConfigOf(unit.agency);
    const points = [];
    for (const period of periods) {
      const { start, end } = periodRange(period, tz);
      const result = score(await unitSums(this.options.db, unit.id, start, end), config);
      points.push({ period: period.label, ikm: result?.ikm ?? null });
    }
    const caption = c.t('staff.tren.caption', { unit: unit.name, code: unit.code, n: points.filter((x) => x.ikm !== null).length });
    if (!this.options.renderTrend) return { messages: [caption, ...points.map((x) => `${x.period}: ${x.ikm?.toFixed(2) ?? '-'}`)] };
    const png = await this.options.renderTrend({
      title: c.t('staff.tren.title', { unit: unit.name }),
      xTitle: c.t(monthly ? 'staff.tren.month' : 'staff.tren.week'),
      yTitle: 'IKM',
      zones: config.zones,
      series: [{ label: unit.code, points }],
    });
    return { messages: [], photo: { content: png, caption } };
  }

  private pageOf(arg: string): { rest: string; page: number } {
    const match = /^(.*?)(?:\s+(?:hal(?:aman)?\s*)?(\d{1,3}))?$/i.exec(arg.trim());
    const page = match?.[2] ? Math.max(1, Number(match[2])) : 1;
    return { rest: match?.[1] ?? arg, page };
  }

  private async saran(c: Context): Promise<StaffReply> {
    const { rest, page } = this.pageOf(c.req.arg);
    const { unit, period } = await this.unitAndPeriod(c, rest, '/saran DUKCAPIL bulan ini 2');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const where = { unitId: unit.id, submittedAt: { gte: start, lt: end }, suggestion: { not: null } };
    const [total, rows] = await Promise.all([
      this.options.db.response.count({ where }),
      this.options.db.response.findMany({
        where,
        orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * PAGE_SIZE,
        take: PAGE_SIZE,
        select: { submittedAt: true, suggestion: true },
      }),
    ]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const head = c.t('staff.saran.head', { unit: unit.name, period: describePeriod(period, c.req.locale), total, page, pages });
    if (total === 0) return { messages: [c.t('staff.saran.none', { unit: unit.name, period: describePeriod(period, c.req.locale) })] };
    const lines = rows.map((r) => `• ${localDateString(r.submittedAt, unit.agency.timeZone)}: ${r.suggestion!.replace(/\s+/g, ' ')}`);
    if (page < pages) lines.push('', c.t('staff.saran.more', { next: `/saran ${unit.code} ${period.label} ${page + 1}` }));
    return { messages: [[head, ...lines].join('\n')] };
  }

  private async maladmin(c: Context): Promise<StaffReply> {
    const { unit, period } = await this.unitAndPeriod(c, c.req.arg, '/maladmin DUKCAPIL bulan ini');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const rows = await this.options.db.$queryRaw<{ item: string; n: bigint }[]>`
      SELECT key AS item, count(*) AS n FROM "Response", jsonb_each(maladmin)
      WHERE "unitId" = ${unit.id} AND "submittedAt" >= ${start} AND "submittedAt" < ${end} AND value = 'true'::jsonb
      GROUP BY key`;
    const total = await this.options.db.response.count({
      where: { unitId: unit.id, submittedAt: { gte: start, lt: end }, maladminCount: { gt: 0 } },
    });
    const counts = new Map(rows.map((r) => [r.item, Number(r.n)]));
    const lines = [c.t('staff.maladmin.head', { unit: unit.name, period: describePeriod(period, c.req.locale), total })];
    for (const item of DEFAULT_QUESTIONNAIRE.maladmin) lines.push(`• ${c.t(`staff.maladminItems.${item.code}`)}: ${counts.get(item.code) ?? 0}`);
    return { messages: [lines.join('\n')] };
  }

  private async unduh(c: Context): Promise<StaffReply> {
    const words = c.req.arg.trim().split(/\s+/).filter(Boolean);
    const csv = words.at(-1)?.toLowerCase() === 'csv';
    const tz = await this.defaultTimeZone(c);
    const period = this.period(c, (csv ? words.slice(0, -1) : words).join(' '), tz, '/unduh bulan lalu');
    // The spreadsheet library (exceljs) loads on the first /unduh only.
    const { exportCsv, exportXlsx, loadExportData } = await import('../reports/export.js');
    const data = await loadExportData(this.options.db, { unitIds: [...c.scope.unitIds], period, timeZone: tz });
    c.audit({ action: 'export', target: `${c.scope.unitIds.size} units`, details: { period: period.label, format: csv ? 'csv' : 'xlsx' } });
    const filename = `skm-${period.label}.${csv ? 'csv' : 'xlsx'}`;
    const content = csv ? Buffer.from(exportCsv(data), 'utf8') : await exportXlsx(data);
    return { messages: [], document: { filename, content, caption: c.t('staff.unduh.caption', { period: describePeriod(period, c.req.locale) }) } };
  }

  // ---- subscriptions and follow-up plans --------------------------------------------------

  private async langganan(c: Context): Promise<StaffReply> {
    const { db } = this.options;
    const roles = await db.staffRole.findMany({
      where: { userId: c.staff.userId, revokedAt: null },
      include: { agency: true, unit: { include: { agency: true } } },
      orderBy: { id: 'asc' },
    });
    const lines = [c.t('staff.langganan.head')];
    const agencies = new Map<number, (typeof roles)[number]['agency'] & {}>();
    for (const r of roles) {
      const agency = r.agency ?? r.unit?.agency ?? null;
      const where = r.unit ? `${r.unit.name} (${r.unit.code})` : agency ? `${agency.name} (${agency.code})` : c.t('staff.pengguna.all');
      lines.push(`• ${c.t(`staff.roles.${r.role}`)} – ${where}`);
      if (agency && r.role !== 'super_admin') agencies.set(agency.id, agency);
    }
    if (agencies.size === 0) {
      lines.push('', c.t('staff.langganan.none'));
      return { messages: [lines.join('\n')] };
    }
    for (const agency of agencies.values()) {
      const next = nextFire(agency.summaryCron, agency.timeZone, c.now);
      const enabled = agency.reminders.filter((k) => (REMINDER_KINDS as readonly string[]).includes(k));
      lines.push(
        '',
        c.t('staff.langganan.summary', {
          agency: agency.name,
          next: next ? formatDateTimeId(next, agency.timeZone, c.req.locale) : '-',
        }),
        c.t('staff.langganan.reminders', {
          list: enabled.length > 0 ? enabled.map((k) => c.t(`staff.langganan.kinds.${k}`)).join('; ') : c.t('staff.langganan.noReminders'),
        }),
      );
    }
    const paused = roles.some((r) => r.paused);
    lines.push('', c.t(paused ? 'staff.langganan.paused' : 'staff.langganan.active'));
    return { messages: [lines.join('\n')] };
  }

  /** /berhenti and /lanjut: pause or resume every summary and reminder for this person. */
  private async pause(c: Context, paused: boolean): Promise<StaffReply> {
    const { db } = c;
    const changed = await db.staffRole.updateMany({ where: { userId: c.staff.userId, revokedAt: null, paused: !paused }, data: { paused } });
    if (changed.count > 0)
      await audit(db, `staff:${c.staff.userId}`, paused ? 'subscription.pause' : 'subscription.resume', `user#${c.staff.userId}`);
    const key = paused ? (changed.count > 0 ? 'pausedNow' : 'alreadyPaused') : changed.count > 0 ? 'resumed' : 'alreadyActive';
    return { messages: [c.t(`staff.langganan.${key}`)] };
  }

  /**
   * /tindaklanjut <UNIT> [<n> hari | <YYYY-MM-DD>] <plan>: records a follow-up plan (due in the
   * agency's default days unless given); /tindaklanjut <UNIT> shows the open plans;
   * /tindaklanjut <UNIT> selesai marks the newest open plan done.
   */
  private async tindaklanjut(c: Context): Promise<StaffReply> {
    const { db } = c;
    const text = c.req.arg.trim();
    const [codeWord, ...restWords] = text.split(/\s+/);
    if (!codeWord || !UNIT_CODE_PATTERN.test(codeWord.toUpperCase())) throw new Reply(c.t('staff.tindaklanjut.usage'));
    const unit = await this.unitInScope(c, codeWord);
    const tz = unit.agency.timeZone;
    const open = await db.followUp.findMany({ where: { unitId: unit.id, doneAt: null }, orderBy: { id: 'desc' } });
    let rest = restWords.join(' ').trim();
    if (rest === '') {
      if (open.length === 0) return { messages: [c.t('staff.tindaklanjut.none', { unit: unit.name, code: unit.code })] };
      const lines = [c.t('staff.tindaklanjut.openHead', { unit: unit.name, n: open.length })];
      for (const p of open) lines.push(`• ${c.t('staff.tindaklanjut.due', { due: formatDateId(p.dueAt, tz, c.req.locale) })}: ${p.plan}`);
      return { messages: [lines.join('\n')] };
    }
    if (/^(selesai|done)$/i.test(rest)) {
      const latest = open[0];
      if (!latest) return { messages: [c.t('staff.tindaklanjut.none', { unit: unit.name, code: unit.code })] };
      await db.followUp.update({ where: { id: latest.id }, data: { doneAt: c.now, doneById: c.staff.userId } });
      await audit(db, `staff:${c.staff.userId}`, 'followup.done', `unit ${unit.code}`, { followUp: latest.id });
      return { messages: [c.t('staff.tindaklanjut.done', { unit: unit.name })] };
    }
    let dueAt = new Date(c.now.getTime() + unit.agency.followUpDays * 86_400_000);
    const days = /^(\d{1,3})\s*(hari|days?)\b\s*[:,-]?\s*/i.exec(rest);
    const date = /^(\d{4})-(\d{2})-(\d{2})\b\s*[:,-]?\s*/.exec(rest);
    if (days) {
      const n = Number(days[1]);
      if (n < 1 || n > 365) throw new Reply(c.t('staff.tindaklanjut.badDue'));
      dueAt = new Date(c.now.getTime() + n * 86_400_000);
      rest = rest.slice(days[0].length);
    } else if (date) {
      const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
      const end = zonedTimeUtc(y, m, d, 23, 59, tz);
      const valid = m >= 1 && m <= 12 && d >= 1 && d <= 31 && localDateString(end, tz) === date[0].trim().slice(0, 10);
      if (!valid || end <= c.now || end.getTime() - c.now.getTime() > 366 * 86_400_000) throw new Reply(c.t('staff.tindaklanjut.badDue'));
      dueAt = end;
      rest = rest.slice(date[0].length);
    }
    const plan = rest.trim();
    if (plan.length < 5) throw new Reply(c.t('staff.tindaklanjut.usage'));
    if (plan.length > 1000) throw new Reply(c.t('staff.tindaklanjut.tooLong', { max: 1000 }));
    const period = periodOf(reportPeriodKind(unit.agency), c.now, tz);
    const created = await db.followUp.create({
      data: { unitId: unit.id, period: period.label, plan, dueAt, createdById: c.staff.userId, createdAt: c.now },
    });
    await audit(db, `staff:${c.staff.userId}`, 'followup.create', `unit ${unit.code}`, { followUp: created.id, dueAt: dueAt.toISOString() });
    return { messages: [c.t('staff.tindaklanjut.saved', { unit: unit.name, due: formatDateId(dueAt, tz, c.req.locale), code: unit.code })] };
  }

  // ---- admins ---------------------------------------------------------------------------

  private async undang(c: Context): Promise<StaffReply> {
    const [roleWord, target] = c.req.arg.trim().split(/\s+/);
    const role = roleWord ? ROLE_WORDS[roleWord.toLowerCase()] : undefined;
    if (!role || !target) throw new Reply(c.t('staff.undang.usage'));
    const { db } = c;
    let agencyId: number;
    let unitId: number | null = null;
    let name: string;
    if (role === 'unit_official') {
      const unit = await this.unitInScope(c, target);
      if (!c.scope.adminAgencyIds.has(unit.agencyId)) throw new Reply(c.t('staff.unitNotFound', { code: target.toUpperCase() }));
      agencyId = unit.agencyId;
      unitId = unit.id;
      name = unit.name;
    } else {
      const agency = await db.agency.findUnique({ where: { code: target.toUpperCase() } });
      if (!agency || !c.scope.adminAgencyIds.has(agency.id)) throw new Reply(c.t('staff.agencyNotFound', { code: target.toUpperCase() }));
      agencyId = agency.id;
      name = agency.name;
    }
    const { code, expiresAt } = await createInvitation(
      db,
      { role, agencyId: role === 'unit_official' ? null : agencyId, unitId },
      { createdById: c.staff.userId, now: c.now },
    );
    const bot = this.options.botUsername();
    const link = bot ? telegramStartLink(bot, `i_${code}`) : null;
    return {
      messages: [
        c.t('staff.undang.done', {
          role: c.t(`staff.roles.${role}`),
          target: name,
          code,
          days: Math.round((expiresAt.getTime() - c.now.getTime()) / 86_400_000),
        }),
        ...(link ? [link] : []),
      ],
    };
  }

  private async pengguna(c: Context): Promise<StaffReply> {
    const agencyIds = [...c.scope.adminAgencyIds];
    const roles = await this.options.db.staffRole.findMany({
      where: {
        revokedAt: null,
        ...(c.scope.superAdmin ? {} : { OR: [{ agencyId: { in: agencyIds } }, { unit: { agencyId: { in: agencyIds } } }] }),
      },
      include: { user: true, agency: true, unit: true },
      orderBy: { id: 'asc' },
    });
    if (roles.length === 0) return { messages: [c.t('staff.pengguna.none')] };
    const lines = [c.t('staff.pengguna.head', { n: roles.length })];
    for (const r of roles) {
      const who = r.user.displayName ?? c.t('staff.pengguna.user', { id: r.user.id });
      const where = r.unit ? `${r.unit.name} (${r.unit.code})` : r.agency ? `${r.agency.name} (${r.agency.code})` : c.t('staff.pengguna.all');
      lines.push(`#${r.id} ${who} – ${c.t(`staff.roles.${r.role}`)} – ${where}${r.paused ? ` – ${c.t('staff.pengguna.paused')}` : ''}`);
    }
    lines.push('', c.t('staff.pengguna.revokeHint'));
    return { messages: [lines.join('\n')] };
  }

  private async cabut(c: Context): Promise<StaffReply> {
    const match = /^#?(\d{1,9})$/.exec(c.req.arg.trim());
    if (!match) throw new Reply(c.t('staff.cabut.usage'));
    const id = Number(match[1]);
    const role = await c.db.staffRole.findUnique({ where: { id }, include: { unit: true } });
    const agencyId = role?.agencyId ?? role?.unit?.agencyId ?? null;
    const allowed =
      role &&
      role.revokedAt === null &&
      role.role !== 'super_admin' &&
      (c.scope.superAdmin || (agencyId !== null && c.scope.adminAgencyIds.has(agencyId)));
    if (!allowed) throw new Reply(c.t('staff.cabut.notFound', { id }));
    // An admin who revoked their own last admin role would lock themselves out of /undang and /cabut
    // with no way back from the chat: that takes another admin or the operator.
    const keepsAdmin = c.staff.roles.some((r) => r.id !== id && (r.role === 'agency_admin' || r.role === 'super_admin'));
    if (role.userId === c.staff.userId && role.role === 'agency_admin' && !keepsAdmin) throw new Reply(c.t('staff.cabut.ownLastAdmin', { id }));
    await revokeRole(c.db, id, `staff:${c.staff.userId}`, c.now);
    return { messages: [c.t('staff.cabut.done', { id })] };
  }

  private async unit(c: Context): Promise<StaffReply> {
    const units = await this.options.db.serviceUnit.findMany({
      where: { id: { in: [...c.scope.unitIds] } },
      include: { agency: true },
      orderBy: [{ agency: { code: 'asc' } }, { code: 'asc' }],
    });
    const bot = this.options.botUsername();
    const lines = [c.t('staff.unit.head', { n: units.length })];
    for (const u of units) {
      lines.push(`${u.code} – ${u.name} (${u.agency.code})${u.active ? '' : ` – ${c.t('staff.unit.inactive')}`}`);
      if (bot) lines.push(`  ${telegramStartLink(bot, `u_${u.code}`)}`);
    }
    return { messages: [lines.join('\n')] };
  }
}
