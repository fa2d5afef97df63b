// /unduh: every response of the caller's units in a period, as a spreadsheet (XLSX) or CSV,
// without any chat identity; or, with `pdf`, the official SKM report of the caller's unit or agency.
// Every download is audited.
import { describePeriod } from '../../scoring/index.js';
import { defaultTimeZone, periodArg } from './args.js';
import { type CommandContext, Reply, type StaffCommand, type StaffReply } from './types.js';

const FORMATS = ['csv', 'pdf'] as const;

const unduh: StaffCommand = {
  name: 'unduh',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.unduh'),
  run: async (c) => {
    const words = c.req.arg.trim().split(/\s+/).filter(Boolean);
    const last = words.at(-1)?.toLowerCase();
    const format = FORMATS.find((f) => f === last) ?? 'xlsx';
    const tz = await defaultTimeZone(c);
    const period = periodArg(c, (format === 'xlsx' ? words : words.slice(0, -1)).join(' '), tz, '/unduh bulan lalu');
    if (format === 'pdf') return await officialPdf(c, period);
    // The spreadsheet library (exceljs) loads on the first /unduh only.
    const { exportCsv, exportXlsx, loadExportData } = await import('../../reports/export.js');
    const data = await loadExportData(c.root, { unitIds: [...c.scope.unitIds], period, timeZone: tz });
    c.audit({ action: 'export', target: `${c.scope.unitIds.size} units`, details: { period: period.label, format } });
    const filename = `skm-${period.label}.${format}`;
    const exportWords = { locale: c.req.locale, say: c.t };
    // Indonesian Excel opens `;` and the decimal comma by a double click; English keeps the RFC form.
    const content =
      format === 'csv'
        ? Buffer.from(exportCsv(data, exportWords, c.req.locale === 'id' ? 'excel-id' : 'rfc4180'), 'utf8')
        : await exportXlsx(data, exportWords);
    return { messages: [], document: { filename, content, caption: c.t('staff.unduh.caption', { period: describePeriod(period, c.req.locale) }) } };
  },
};

/** The official report of the caller's one unit, or of their units of one agency taken together. */
async function officialPdf(c: CommandContext, period: Parameters<typeof describePeriod>[0]): Promise<StaffReply> {
  const units = await c.root.serviceUnit.findMany({
    where: { id: { in: [...c.scope.unitIds] } },
    include: { agency: true },
    orderBy: { code: 'asc' },
  });
  const agencies = new Set(units.map((u) => u.agencyId));
  if (units.length === 0) throw new Reply(c.t('staff.unduh.pdfNoUnits'));
  if (agencies.size > 1) throw new Reply(c.t('staff.unduh.pdfOneAgency'));
  const { loadOfficialReport, renderOfficialPdf } = await import('../../reports/official/index.js');
  const only = units.length === 1 ? units[0]! : undefined;
  const report = await loadOfficialReport(
    c.root,
    only ? { kind: 'unit', code: only.code } : { kind: 'agency', code: units[0]!.agency.code, unitIds: units.map((u) => u.id) },
    period,
    c.now,
  );
  c.audit({ action: 'export', target: `${report.scope.kind} ${report.scope.code}`, details: { period: period.label, format: 'pdf' } });
  const content = await renderOfficialPdf(report, c.t, c.req.locale);
  return {
    messages: [],
    document: {
      filename: `laporan-skm-${report.scope.code}-${period.label}.pdf`,
      content,
      caption: c.t('staff.unduh.pdfCaption', { period: describePeriod(period, c.req.locale) }),
    },
  };
}

export const EXPORT_COMMANDS: readonly StaffCommand[] = [unduh];
