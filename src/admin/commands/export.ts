// /unduh: every response of the caller's units in a period, as a spreadsheet (XLSX) or CSV,
// without any chat identity. The export is audited.
import { describePeriod } from '../../scoring/index.js';
import { defaultTimeZone, periodArg } from './args.js';
import type { StaffCommand } from './types.js';

const unduh: StaffCommand = {
  name: 'unduh',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.unduh'),
  run: async (c) => {
    const words = c.req.arg.trim().split(/\s+/).filter(Boolean);
    const csv = words.at(-1)?.toLowerCase() === 'csv';
    const tz = await defaultTimeZone(c);
    const period = periodArg(c, (csv ? words.slice(0, -1) : words).join(' '), tz, '/unduh bulan lalu');
    // The spreadsheet library (exceljs) loads on the first /unduh only.
    const { exportCsv, exportXlsx, loadExportData } = await import('../../reports/export.js');
    const data = await loadExportData(c.root, { unitIds: [...c.scope.unitIds], period, timeZone: tz });
    c.audit({ action: 'export', target: `${c.scope.unitIds.size} units`, details: { period: period.label, format: csv ? 'csv' : 'xlsx' } });
    const filename = `skm-${period.label}.${csv ? 'csv' : 'xlsx'}`;
    const exportWords = { locale: c.req.locale, say: c.t };
    // Indonesian Excel opens `;` and the decimal comma by a double click; English keeps the RFC form.
    const content = csv
      ? Buffer.from(exportCsv(data, exportWords, c.req.locale === 'id' ? 'excel-id' : 'rfc4180'), 'utf8')
      : await exportXlsx(data, exportWords);
    return { messages: [], document: { filename, content, caption: c.t('staff.unduh.caption', { period: describePeriod(period, c.req.locale) }) } };
  },
};

export const EXPORT_COMMANDS: readonly StaffCommand[] = [unduh];
