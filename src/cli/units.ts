// `skm units list|activate|deactivate`: which service units take ratings. A deactivated unit keeps
// its ratings and history; the survey no longer finds it, posters and summaries leave it out.
// Returns null for a command that is not one of these.
import { audit } from '../admin/staff.js';
import { ReportError } from '../reports/unit-report.js';
import { UNIT_CODE_PATTERN } from '../survey/types.js';
import { type CliIo, UsageError, formatTable, parseWithPositionals, withDatabase } from './common.js';

export async function runUnitCommands(command: string, sub: string | undefined, rest: string[], io: CliIo): Promise<number | null> {
  if (command !== 'units') return null;
  if (sub === 'list') return list(rest, io);
  if (sub === 'activate' || sub === 'deactivate') return setActive(rest, sub === 'activate', io);
  return null;
}

function codeOf(value: string, what: 'unit' | 'agency'): string {
  const code = value.trim().toUpperCase();
  if (!UNIT_CODE_PATTERN.test(code))
    throw new UsageError(`"${value}" is not ${what === 'unit' ? 'a unit' : 'an agency'} code (A-Z, 0-9, -; at most 20).`);
  return code;
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, { agency: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  const agency = values.agency === undefined ? undefined : codeOf(values.agency, 'agency');
  const lines = await withDatabase(async ({ db }) => {
    if (agency && !(await db.agency.findUnique({ where: { code: agency } }))) throw new ReportError(`Agency "${agency}" does not exist.`);
    const units = await db.serviceUnit.findMany({
      where: agency ? { agency: { code: agency } } : {},
      include: { agency: { select: { code: true } } },
      orderBy: [{ agency: { code: 'asc' } }, { code: 'asc' }],
    });
    if (units.length === 0) return [agency ? `Agency ${agency} has no units yet.` : 'There are no units yet (skm units import, or skm demo seed).'];
    return formatTable([['code', 'name', 'agency', 'active'], ...units.map((u) => [u.code, u.name, u.agency.code, u.active ? 'yes' : 'no'])]);
  });
  for (const line of lines) io.out(line);
  return 0;
}

async function setActive(args: string[], active: boolean, io: CliIo): Promise<number> {
  const verb = active ? 'activate' : 'deactivate';
  const { positionals } = parseWithPositionals(args, {});
  if (positionals.length !== 1) throw new UsageError(`Give one unit code: skm units ${verb} <CODE>.`);
  const code = codeOf(positionals[0]!, 'unit');
  const changed = await withDatabase(({ db }) =>
    db.$transaction(async (tx) => {
      const unit = await tx.serviceUnit.findUnique({ where: { code } });
      if (!unit) throw new ReportError(`Unit "${code}" does not exist.`);
      if (unit.active === active) return false;
      await tx.serviceUnit.update({ where: { id: unit.id }, data: { active } });
      await audit(tx, 'cli', `unit.${verb}`, code);
      return true;
    }),
  );
  if (!changed) io.out(`Unit ${code} is already ${active ? 'active' : 'deactivated'}: nothing changed.`);
  else if (active) io.out(`Unit ${code} takes ratings again.`);
  else
    io.out(
      `Unit ${code} is deactivated: it takes no new ratings (a running bot stops taking them within 30 seconds), gets no poster and is left out of summaries. Its ratings are kept.`,
    );
  return 0;
}
