// The scores: /skor (IKM, quality, performance, zone), /unsur (the nine elements), /zona (units in
// scope by zone, best and worst) and /tren (IKM over the last twelve weeks or months, as a chart).
import { type AgencyReport, reportForAgency } from '../../reports/agency-report.js';
import { unitSums } from '../../reports/aggregate.js';
import { reportForUnit, scoreConfigOf } from '../../reports/unit-report.js';
import {
  describePeriod,
  ELEMENT_CODES,
  defaultElementName,
  type Mutu,
  formatCount,
  formatDecimal,
  type Period,
  periodOf,
  periodRange,
  previousPeriod,
  score,
  weakestElements,
} from '../../scoring/index.js';
import { zoneWords } from '../../text/index.js';
import { defaultTimeZone, defaultUnit, periodArg, unitAndPeriod, unitInScope } from './args.js';
import type { CommandContext, StaffCommand } from './types.js';

const skor: StaffCommand = {
  name: 'skor',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.skor'),
  run: async (c) => {
    const { unit, period } = await unitAndPeriod(c, c.req.arg, '/skor DUKCAPIL bulan ini');
    const r = await reportForUnit(c.root, unit, period);
    const head = c.t('staff.skor.head', { unit: r.unitName, code: r.unit, period: describePeriod(period, c.req.locale) });
    const l = c.req.locale;
    const count = r.target
      ? c.t('staff.skor.countTarget', { n: formatCount(r.responses, l), target: formatCount(r.target.sample, l) })
      : c.t('staff.skor.count', { n: formatCount(r.responses, l) });
    if (r.ikm === null) return { messages: [[head, count, c.t('staff.noResponses')].join('\n')] };
    const lines = [
      head,
      c.t('staff.skor.ikm', { ikm: formatDecimal(r.ikm, 2, l), mutu: r.mutu!, kinerja: r.kinerja!, zone: zoneWords(r.zona!, c.t) }),
      count,
    ];
    if (r.provisional) lines.push(c.t('staff.provisional', { min: r.minResponses }));
    return { messages: [lines.join('\n')] };
  },
};

/**
 * A plain list, one element a line: a table would need a monospace font, which a chat shows only
 * with markup this bot does not send, and a phone wraps its long rows anyway.
 */
const unsur: StaffCommand = {
  name: 'unsur',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.unsur'),
  run: async (c) => {
    const { unit, period } = await unitAndPeriod(c, c.req.arg, '/unsur DUKCAPIL bulan lalu');
    const { start, end } = periodRange(period, unit.agency.timeZone);
    const sums = await unitSums(c.root, unit.id, start, end);
    const result = score(sums, scoreConfigOf(unit.agency));
    const head = c.t('staff.skor.head', { unit: unit.name, code: unit.code, period: describePeriod(period, c.req.locale) });
    if (!result) return { messages: [[head, c.t('staff.noResponses')].join('\n')] };
    const locale = c.req.locale;
    const weakest = new Set(weakestElements(result, 2).map((w) => w.code));
    const rows = ELEMENT_CODES.map((code, i) =>
      c.t(weakest.has(code) ? 'staff.unsur.rowWeakest' : 'staff.unsur.row', {
        code,
        name: defaultElementName(code)[locale],
        nrr: formatDecimal(result.nrr[i]!, 3, locale),
        ikm: formatDecimal(result.nrr[i]! * 25, 2, locale),
      }),
    );
    const lines = [head, c.t('staff.unsur.legend'), '', ...rows, '', c.t('staff.skor.count', { n: formatCount(result.responses, locale) })];
    if (result.provisional) lines.push(c.t('staff.provisional', { min: scoreConfigOf(unit.agency).minResponses }));
    return { messages: [lines.join('\n')] };
  },
};

/** "IKM Dinas X: 78,12 · mutu B (Baik) · 🟢 zona hijau · 412 responden", for one agency (or the caller's part of it). */
function agencyHeadline(c: CommandContext, r: AgencyReport, name: string): string {
  if (r.ikm === null) return c.t('staff.zona.agencyEmpty', { name });
  return c.t('staff.zona.agency', {
    name,
    ikm: `${formatDecimal(r.ikm, 2, c.req.locale)}${r.provisional ? '*' : ''}`,
    mutu: r.mutu!,
    kinerja: kinerjaWords(c, r.mutu!),
    zone: zoneWords(r.zona!, c.t),
    n: formatCount(r.responses, c.req.locale),
  });
}

function kinerjaWords(c: CommandContext, mutu: Mutu): string {
  return c.t(`summary.kinerja.${mutu}`);
}

const zona: StaffCommand = {
  name: 'zona',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.zona'),
  run: async (c) => {
    const tz = await defaultTimeZone(c);
    const period = periodArg(c, c.req.arg, tz, '/zona bulan lalu');
    const locale = c.req.locale;
    const inScope = [...c.scope.unitIds];
    const agencies = await c.root.agency.findMany({
      where: { units: { some: { id: { in: inScope } } } },
      include: { units: true },
      orderBy: { code: 'asc' },
    });
    // Each agency is measured in its own time zone, its headline pooled from all responses of the
    // caller's units in it (the whole agency for an agency official).
    const reports = await Promise.all(agencies.map((a) => reportForAgency(c.root, a, period, { unitIds: inScope })));
    const rows = reports.flatMap((r) => r.units);
    const headlines = reports.map((r, i) => {
      const whole = agencies[i]!.units.every((u) => !u.active || c.scope.unitIds.has(u.id));
      return agencyHeadline(c, r, whole ? r.agencyName : c.t('staff.zona.yourUnits', { agency: r.agencyName }));
    });
    const scored = rows.filter((r) => r.ikm !== null).sort((a, b) => b.ikm! - a.ikm! || a.unit.localeCompare(b.unit));
    const line = (r: (typeof rows)[number]) =>
      c.t('staff.zona.unit', {
        code: r.unit,
        ikm: `${formatDecimal(r.ikm!, 2, locale)}${r.provisional ? '*' : ''}`,
        n: formatCount(r.responses, locale),
        name: r.unitName,
      });
    const lines = [c.t('staff.zona.head', { period: describePeriod(period, locale), units: rows.length }), ...headlines];
    for (const zone of ['hijau', 'kuning', 'merah'] as const) {
      const inZone = scored.filter((r) => r.zona === zone);
      lines.push('', `${zoneWords(zone, c.t)}: ${inZone.length}`);
      for (const r of inZone) lines.push(`  ${line(r)}`);
    }
    const empty = rows.filter((r) => r.ikm === null);
    if (empty.length > 0) lines.push('', c.t('staff.zona.empty', { n: empty.length }), `  ${empty.map((r) => r.unit).join(', ')}`);
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
    if (scored.some((r) => r.provisional) || reports.some((r) => r.ikm !== null && r.provisional)) lines.push('', c.t('staff.zona.provisionalMark'));
    return { messages: [lines.join('\n')] };
  },
};

const tren: StaffCommand = {
  name: 'tren',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.tren'),
  run: async (c) => {
    const words = c.req.arg.trim().split(/\s+/).filter(Boolean);
    const monthly = words.some((w) => ['bulan', 'bulanan', 'month', 'monthly'].includes(w.toLowerCase()));
    const codeWord = words.find((w) => !['bulan', 'bulanan', 'minggu', 'mingguan', 'month', 'monthly', 'week', 'weekly'].includes(w.toLowerCase()));
    const unit = codeWord ? await unitInScope(c, codeWord) : await defaultUnit(c, '/tren DUKCAPIL');
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
      const result = score(await unitSums(c.root, unit.id, start, end), config);
      points.push({ period: period.label, ikm: result?.ikm ?? null });
    }
    const caption = c.t('staff.tren.caption', { unit: unit.name, code: unit.code, n: points.filter((x) => x.ikm !== null).length });
    if (!c.renderTrend)
      return { messages: [caption, ...points.map((x) => `${x.period}: ${x.ikm === null ? '-' : formatDecimal(x.ikm, 2, c.req.locale)}`)] };
    const png = await c.renderTrend({
      title: c.t('staff.tren.title', { unit: unit.name }),
      xTitle: c.t(monthly ? 'staff.tren.month' : 'staff.tren.week'),
      yTitle: 'IKM',
      zones: config.zones,
      series: [{ label: unit.code, points }],
    });
    return { messages: [], photo: { content: png, caption } };
  },
};

export const SCORE_COMMANDS: readonly StaffCommand[] = [skor, unsur, zona, tren];
