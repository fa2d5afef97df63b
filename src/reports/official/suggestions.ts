// The suggestions an official report may print: only those an official approved with /saran
// (free text can name people; nothing unreviewed leaves the bot).
import type { Db } from '../../db/client.js';

/** Approved suggestions of the units in [start, end), oldest first. */
export async function approvedSuggestions(db: Db, unitIds: readonly number[], start: Date, end: Date): Promise<string[]> {
  if (unitIds.length === 0) return [];
  const rows = await db.response.findMany({
    where: { unitId: { in: [...unitIds] }, submittedAt: { gte: start, lt: end }, suggestionState: 'approved', suggestion: { not: null } },
    select: { suggestion: true },
    orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => r.suggestion!.trim()).filter((text) => text !== '');
}
