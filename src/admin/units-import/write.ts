// Writing checked unit rows: one transaction that brings agencies, units and service types in
// line with the file (what changes is listed in index.ts), under an advisory lock so that two
// imports at once do not blur each other's counts.
import type { Db, Tx } from '../../db/client.js';
import { UnitsFileError } from './issues.js';
import { type ContactField, type UnitRow, crossRowIssues, sortIssues, summaryMessage } from './validate.js';

export interface UnitsImportSummary {
  agenciesCreated: number;
  agenciesUpdated: number;
  unitsCreated: number;
  /** Units whose name, agency or monthly users changed, or that got new service types. */
  unitsUpdated: number;
  serviceTypesAdded: number;
  /** Units in the file that needed no change. */
  unchanged: number;
}

/** A one-line account of an import for the operator. */
export function formatSummary(s: UnitsImportSummary): string {
  return (
    `agencies: ${s.agenciesCreated} created, ${s.agenciesUpdated} updated; ` +
    `units: ${s.unitsCreated} created, ${s.unitsUpdated} updated, ${s.unchanged} unchanged; ` +
    `service types added: ${s.serviceTypesAdded}`
  );
}

// Serialises concurrent imports, so that each one's counts describe what it did.
const IMPORT_LOCK = 7_310_001;
// Keeps each statement's bind parameters well below PostgreSQL's limit of 65535.
const CHUNK = 2_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type AgencyFields = { code: string; name: string; timeZone: string } & Partial<Record<ContactField, string>>;
const CONTACT_FIELDS: readonly ContactField[] = ['contactEmail', 'contactPhone', 'contactAddress'];

async function agencyIds(tx: Tx, rows: readonly UnitRow[], summary: UnitsImportSummary): Promise<Map<string, number>> {
  const wanted = new Map<string, AgencyFields>();
  for (const row of rows) {
    const agency = wanted.get(row.agencyCode) ?? { code: row.agencyCode, name: row.agencyName, timeZone: row.timeZone };
    // A contact given on any row of the agency (the rows agree where they give one).
    for (const field of CONTACT_FIELDS) if (row[field] !== null) agency[field] = row[field];
    wanted.set(row.agencyCode, agency);
  }
  const codes = [...wanted.keys()];
  const existing = new Map((await tx.agency.findMany({ where: { code: { in: codes } } })).map((a) => [a.code, a]));
  const missing = [...wanted.values()].filter((a) => !existing.has(a.code));
  if (missing.length > 0) summary.agenciesCreated += (await tx.agency.createMany({ data: missing })).count;
  for (const agency of wanted.values()) {
    const current = existing.get(agency.code);
    if (!current) continue;
    const contactChanged = CONTACT_FIELDS.some((f) => agency[f] !== undefined && agency[f] !== current[f]);
    if (current.name !== agency.name || current.timeZone !== agency.timeZone || contactChanged) {
      await tx.agency.update({ where: { id: current.id }, data: agency });
      summary.agenciesUpdated++;
    }
  }
  const all = await tx.agency.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } });
  return new Map(all.map((a) => [a.code, a.id]));
}

/**
 * Writes valid rows (see readUnitsFile) in one transaction and says what changed. Rows that
 * contradict each other (a unit twice, an agency with two names) are refused as a whole.
 */
export async function importUnits(db: Db, rows: UnitRow[]): Promise<UnitsImportSummary> {
  const conflicts = crossRowIssues(rows);
  if (conflicts.length > 0) {
    const sorted = sortIssues(conflicts);
    throw new UnitsFileError(summaryMessage(sorted), sorted);
  }
  const summary: UnitsImportSummary = {
    agenciesCreated: 0,
    agenciesUpdated: 0,
    unitsCreated: 0,
    unitsUpdated: 0,
    serviceTypesAdded: 0,
    unchanged: 0,
  };
  if (rows.length === 0) return summary;

  return await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`;
      const agencyIdOf = await agencyIds(tx, rows, summary);

      const unitCodes = rows.map((row) => row.unitCode);
      const existing = new Map<string, { id: number; name: string; agencyId: number; monthlyServiceUsers: number | null; types: Set<string> }>();
      for (const part of chunks(unitCodes)) {
        const found = await tx.serviceUnit.findMany({
          where: { code: { in: part } },
          select: { id: true, code: true, name: true, agencyId: true, monthlyServiceUsers: true, serviceTypes: { select: { name: true } } },
        });
        for (const u of found) existing.set(u.code, { ...u, types: new Set(u.serviceTypes.map((t) => t.name.toLowerCase())) });
      }

      const created = rows.filter((row) => !existing.has(row.unitCode));
      for (const part of chunks(created)) {
        await tx.serviceUnit.createMany({
          data: part.map((row) => ({
            code: row.unitCode,
            name: row.unitName,
            agencyId: agencyIdOf.get(row.agencyCode)!,
            monthlyServiceUsers: row.monthlyServiceUsers,
          })),
        });
      }
      summary.unitsCreated = created.length;
      const unitIdOf = new Map([...existing].map(([code, u]) => [code, u.id]));
      for (const part of chunks(created.map((row) => row.unitCode))) {
        for (const u of await tx.serviceUnit.findMany({ where: { code: { in: part } }, select: { id: true, code: true } })) {
          unitIdOf.set(u.code, u.id);
        }
      }

      const newTypes: { unitId: number; name: string; sortOrder: number }[] = [];
      for (const row of rows) {
        const unitId = unitIdOf.get(row.unitCode)!;
        const current = existing.get(row.unitCode);
        const addedTypes = row.serviceTypes
          .map((name, sortOrder) => ({ unitId, name, sortOrder }))
          .filter((t) => !current?.types.has(t.name.toLowerCase()));
        newTypes.push(...addedTypes);
        if (!current) continue;

        const agencyId = agencyIdOf.get(row.agencyCode)!;
        const users = row.monthlyServiceUsers ?? current.monthlyServiceUsers;
        // A unit listed under another agency has moved (e.g. a counter handed to another OPD):
        // the file is the operator's word on where the unit belongs now. Its responses stay
        // with the unit.
        const changed = current.name !== row.unitName || current.agencyId !== agencyId || current.monthlyServiceUsers !== users;
        if (changed) {
          await tx.serviceUnit.update({
            where: { id: current.id },
            data: { name: row.unitName, agencyId, monthlyServiceUsers: users },
          });
        }
        if (changed || addedTypes.length > 0) summary.unitsUpdated++;
        else summary.unchanged++;
      }
      for (const part of chunks(newTypes)) {
        summary.serviceTypesAdded += (await tx.serviceType.createMany({ data: part })).count;
      }
      return summary;
    },
    // One round trip per changed row: allow time in proportion to the file.
    { maxWait: 10_000, timeout: 60_000 + rows.length * 20 },
  );
}
