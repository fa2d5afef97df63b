// What citizens wrote and reported: /saran (their suggestions, newest first, a page at a time) and
// /maladmin (maladministration reports, counted by kind).
import { describePeriod, formatCount, formatDayMonthYear, periodRange } from '../../scoring/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../survey/questionnaire.js';
import { PAGE_SIZE, pageOf, unitAndPeriod } from './args.js';
import type { StaffCommand } from './types.js';

const saran: StaffCommand = {
  name: 'saran',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.saran'),
  run: async (c) => {
    const { rest, page } = pageOf(c.req.arg);
    const { unit, period } = await unitAndPeriod(c, rest, '/saran DUKCAPIL bulan ini 2');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const where = { unitId: unit.id, submittedAt: { gte: start, lt: end }, suggestion: { not: null } };
    const [total, rows] = await Promise.all([
      c.root.response.count({ where }),
      c.root.response.findMany({
        where,
        orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * PAGE_SIZE,
        take: PAGE_SIZE,
        select: { submittedAt: true, suggestion: true },
      }),
    ]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const head = c.t('staff.saran.head', {
      unit: unit.name,
      period: describePeriod(period, c.req.locale),
      total: formatCount(total, c.req.locale),
      page,
      pages,
    });
    if (total === 0) return { messages: [c.t('staff.saran.none', { unit: unit.name, period: describePeriod(period, c.req.locale) })] };
    const lines = rows.map(
      (r) => `• ${formatDayMonthYear(r.submittedAt, unit.agency.timeZone, c.req.locale)}: ${r.suggestion!.replace(/\s+/g, ' ')}`,
    );
    if (page < pages) lines.push('', c.t('staff.saran.more', { next: `/saran ${unit.code} ${period.label} ${page + 1}` }));
    return { messages: [[head, ...lines].join('\n')] };
  },
};

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
