// Argument parsing shared by the staff commands: units (always resolved against the caller's
// scope, so that a unit outside it reads exactly like a unit that does not exist), period words,
// role words and page numbers. A user mistake throws `Reply` with a translated text.
import type { UnitWithAgency } from '../../reports/unit-report.js';
import { type Period, parsePeriodWords, periodOf } from '../../scoring/index.js';
import { UNIT_CODE_PATTERN } from '../../survey/types.js';
import type { InvitableRole } from '../staff.js';
import { type CommandContext, Reply } from './types.js';

export const PAGE_SIZE = 10;

/** The words /undang takes for a role. */
export const ROLE_WORDS: Record<string, InvitableRole> = {
  admin: 'agency_admin',
  instansi: 'agency_official',
  agency: 'agency_official',
  unit: 'unit_official',
};

/** Looks a unit up by code within the caller's scope; outside it reads as "not found". */
export async function unitInScope(c: CommandContext, code: string): Promise<UnitWithAgency> {
  const unit = await c.db.serviceUnit.findUnique({ where: { code: code.toUpperCase() }, include: { agency: true } });
  if (!unit || !c.scope.unitIds.has(unit.id)) throw new Reply(c.t('staff.unitNotFound', { code: code.toUpperCase() }));
  return unit;
}

/** The caller's only unit; with several, the caller must name one (`example` shows how). */
export async function defaultUnit(c: CommandContext, example: string): Promise<UnitWithAgency> {
  if (c.scope.unitIds.size === 1) {
    const [id] = [...c.scope.unitIds];
    const unit = await c.root.serviceUnit.findUnique({ where: { id: id! }, include: { agency: true } });
    if (unit) return unit;
  }
  throw new Reply(c.t('staff.needUnit', { example }));
}

/** The time zone period words are read in when no unit is named: the first agency in scope. */
export async function defaultTimeZone(c: CommandContext): Promise<string> {
  const first = await c.root.serviceUnit.findFirst({ where: { id: { in: [...c.scope.unitIds] } }, include: { agency: true } });
  return first?.agency.timeZone ?? 'Asia/Jakarta';
}

/** Period words (`bulan lalu`, `2026-W47`...); empty means this month. */
export function periodArg(c: CommandContext, text: string, timeZone: string, example: string): Period {
  if (text.trim() === '') return periodOf('month', c.now, timeZone);
  const p = parsePeriodWords(text, c.now, timeZone);
  if (!p) throw new Reply(c.t('staff.badPeriod', { text: text.trim(), example }));
  return p;
}

/** "[unit] [periode]": the whole argument as a period, else the first word as the unit. */
export async function unitAndPeriod(c: CommandContext, arg: string, example: string): Promise<{ unit: UnitWithAgency; period: Period }> {
  const text = arg.trim();
  const tz = await defaultTimeZone(c);
  if (text === '' || parsePeriodWords(text, c.now, tz)) {
    const unit = await defaultUnit(c, example);
    return { unit, period: periodArg(c, text, unit.agency.timeZone, example) };
  }
  const [first, ...rest] = text.split(/\s+/);
  if (!UNIT_CODE_PATTERN.test(first!)) throw new Reply(c.t('staff.badArgs', { example }));
  const unit = await unitInScope(c, first!);
  return { unit, period: periodArg(c, rest.join(' '), unit.agency.timeZone, example) };
}

/** A trailing page number (`2`, `hal 2`, `halaman 2`), and the argument before it. */
export function pageOf(arg: string): { rest: string; page: number } {
  const match = /^(.*?)(?:\s+(?:hal(?:aman)?\s*)?(\d{1,3}))?$/i.exec(arg.trim());
  const page = match?.[2] ? Math.max(1, Number(match[2])) : 1;
  return { rest: match?.[1] ?? arg, page };
}
