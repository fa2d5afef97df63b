// The scores: /skor (IKM, quality, performance, zone), /unsur (the nine elements), /zona (units in
// scope by zone, best and worst) and /tren (IKM over the last twelve weeks or months, as a chart).
import { sumsByUnit, unitSums } from '../../reports/aggregate.js';
import { reportForUnit, scoreConfigOf } from '../../reports/unit-report.js';
import {
  describePeriod,
  ELEMENT_CODES,
  defaultElementName,
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
import type { StaffCommand } from './types.js';

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
    const weakest = new Set(weakestElements(result, 2).map((w) => w.code));
    const rows = ELEMENT_CODES.map((code, i) => {
      const nrr = formatDecimal(result.nrr[i]!, 3, c.req.locale);
      const ikm = formatDecimal(result.nrr[i]! * 25, 2, c.req.locale);
      return `${code.padEnd(3)} ${nrr}  ${ikm.padStart(6)}  ${defaultElementName(code)[c.req.locale]}${weakest.has(code) ? ' ⚠️' : ''}`;
    });
    const lines = [head, c.t('staff.unsur.legend'), ...rows, c.t('staff.skor.count', { n: formatCount(result.responses, c.req.locale) })];
    if (result.provisional) lines.push(c.t('staff.provisional', { min: scoreConfigOf(unit.agency).minResponses }));
    return { messages: [lines.join('\n')] };
  },
};

const zona: StaffCommand = {
  name: 'zona',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.zona'),
  run: async (c) => {
    const tz = await defaultTimeZone(c);
    const period = periodArg(c, c.req.arg, tz, '/zona bulan lalu');
    const units = await c.root.serviceUnit.findMany({
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
        c.root,
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
    const line = (r: (typeof rows)[number]) =>
      `${r.code} ${formatDecimal(r.ikm!, 2, c.req.locale)} (${formatCount(r.n, c.req.locale)})${r.provisional ? '*' : ''} – ${r.name}`;
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
