// The official SKM report (PDF): model.ts loads its content as plain data, pdf.ts draws it.
export { type OfficialReport, type OfficialScope, loadOfficialReport } from './model.js';
export { renderOfficialPdf } from './pdf.js';
