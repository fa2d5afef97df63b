// What citizens wrote and reported: /saran (their suggestions, newest first, a page at a time, and
// an official's approval of one for the public pages, or hiding it) and /maladmin (maladministration
// reports, counted by kind).
import { describePeriod, formatCount, formatDayMonthYear, periodRange } from '../../scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../survey/questionnaire.js';
import { PAGE_SIZE, pageOf, unitAndPeriod } from './args.js';
import { type CommandContext, type StaffCommand, Reply } from './types.js';

/** `/saran setujui 123`, `/saran sembunyikan #123` (or approve/hide): an official's decision on one suggestion. */
const REVIEW = /^(setujui|approve|sembunyikan|hide)\s+#?(\d{1,18})$/i;

const saran: StaffCommand = {
  name: 'saran',
  level: 'official',
  // Approving or hiding changes what the public pages show: with the claim, in one transaction.
  writes: true,
  menu: (t) => t('staff.menu.saran'),
  run: async (c) => {
    const review = REVIEW.exec(c.req.arg.trim());
    if (review) return reviewSuggestion(c, /^(setujui|approve)$/i.test(review[1]!) ? 'approved' : 'hidden', BigInt(review[2]!));
    const { rest, page } = pageOf(c.req.arg);
    const { unit, period } = await unitAndPeriod(c, rest, '/saran DUKCAPIL bulan ini 2');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const where = { unitId: unit.id, submittedAt: { gte: start, lt: end }, suggestion: { not: null } };
    // One after the other: both run on the claim's transaction, one connection.
    const total = await c.db.response.count({ where });
    const rows = await c.db.response.findMany({
      where,
      orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, submittedAt: true, suggestion: true, suggestionState: true },
    });
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const head = c.t('staff.saran.head', {
      unit: unit.name,
      period: describePeriod(period, c.req.locale),
      total: formatCount(total, c.req.locale),
      page,
      pages,
    });
    if (total === 0) return { messages: [c.t('staff.saran.none', { unit: unit.name, period: describePeriod(period, c.req.locale) })] };
    const lines = rows.map((r) => {
      const state = c.t(
        r.suggestionState === 'approved'
          ? 'staff.saran.state.approved'
          : r.suggestionState === 'hidden'
            ? 'staff.saran.state.hidden'
            : 'staff.saran.state.new',
      );
      return `• #${r.id} · ${formatDayMonthYear(r.submittedAt, unit.agency.timeZone, c.req.locale)} · ${state}: ${r.suggestion!.replace(/\s+/g, ' ')}`;
    });
    lines.push('', c.t('staff.saran.howToReview', { id: String(rows[0]!.id) }));
    if (page < pages) lines.push(c.t('staff.saran.more', { next: `/saran ${unit.code} ${period.label} ${page + 1}` }));
    return { messages: [[head, ...lines].join('\n')] };
  },
};

/**
 * Marks one suggestion approved (it may appear on the public pages and the lobby TV) or hidden
 * (it never does). Only a suggestion of a unit in the caller's scope: any other number reads as
 * not found. Audited like every staff action.
 */
async function reviewSuggestion(c: CommandContext, state: 'approved' | 'hidden', id: bigint) {
  const row = await c.db.response.findUnique({ where: { id }, select: { id: true, unitId: true, suggestion: true, suggestionState: true } });
  if (!row || row.suggestion === null || !c.scope.unitIds.has(row.unitId)) throw new Reply(c.t('staff.saran.notFound', { id: String(id) }));
  if (row.suggestionState !== state) {
    await c.db.response.update({ where: { id }, data: { suggestionState: state, reviewedAt: c.now } });
    c.audit({ action: state === 'approved' ? 'suggestion.approve' : 'suggestion.hide', target: `response ${id}` });
  }
  return { messages: [c.t(state === 'approved' ? 'staff.saran.approved' : 'staff.saran.hidden', { id: String(id) })] };
}

const maladmin: StaffCommand = {
  name: 'maladmin',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.maladmin'),
  run: async (c) => {
    const { unit, period } = await unitAndPeriod(c, c.req.arg, '/maladmin DUKCAPIL bulan ini');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const rows = await c.root.$queryRaw<{ item: string; n: bigint }[]>`
      SELECT key AS item, count(*) AS n FROM "Response", jsonb_each(maladmin)
      WHERE "unitId" = ${unit.id} AND "submittedAt" >= ${start} AND "submittedAt" < ${end} AND value = 'true'::jsonb
      GROUP BY key`;
    const total = await c.root.response.count({
      where: { unitId: unit.id, submittedAt: { gte: start, lt: end }, maladminCount: { gt: 0 } },
    });
    const counts = new Map(rows.map((r) => [r.item, Number(r.n)]));
    const lines = [
      c.t('staff.maladmin.head', { unit: unit.name, period: describePeriod(period, c.req.locale), total: formatCount(total, c.req.locale) }),
    ];
    for (const item of DEFAULT_QUESTIONNAIRE.maladmin)
      lines.push(`• ${c.t(`staff.maladminItems.${item.code}`)}: ${formatCount(counts.get(item.code) ?? 0, c.req.locale)}`);
    return { messages: [lines.join('\n')] };
  },
};

export const FEEDBACK_COMMANDS: readonly StaffCommand[] = [saran, maladmin];
