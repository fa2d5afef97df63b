// `skm demo remove`: takes the demo MPP (demo-seed.ts) out of a database that is going live, with
// everything that hangs on it, in one transaction. It touches nothing of any other agency: every
// row it deletes belongs to the demo agency or one of its units, and it refuses when the demo
// agency holds a unit the seed did not make (someone imported real units into it).
//
// What hangs on the agency (prisma/schema.prisma): its units with their service types, responses,
// day stats and follow-up plans; staff roles scoped to it or its units (the foreign keys would only
// set those to NULL, which would turn an agency role into one without an agency), invitations to
// it, its job runs and their outbox messages (a queued demo summary must not go out), staff users
// left without any role (and what is queued for them), and unfinished surveys on its units in
// conversations (reset: finishing one would store a response for a unit that no longer exists).
// The questionnaire is shared and stays; the audit log keeps its history and records the removal.
import type { Db } from '../db/client.js';
import { DEMO_AGENCY, DEMO_UNITS } from './demo-seed.js';
import { audit } from './staff.js';

export class DemoRemoveError extends Error {
  override name = 'DemoRemoveError';
}

export interface DemoRemoved {
  agency: string;
  units: number;
  responses: number;
  followUps: number;
  staffRoles: number;
  staffUsers: number;
  invitations: number;
  jobRuns: number;
  outboxMessages: number;
  conversations: number;
}

/** Null when there is no demo agency (nothing to do: running it twice is fine). */
export async function removeDemo(db: Db, actor = 'cli'): Promise<DemoRemoved | null> {
  return await db.$transaction(
    async (tx) => {
      // Locked, so that a `skm demo seed` or an import running meanwhile waits for this.
      const [agency] = await tx.$queryRaw<{ id: number; code: string }[]>`
        SELECT id, code FROM "Agency" WHERE code = ${DEMO_AGENCY.code} FOR UPDATE`;
      if (!agency) return null;
      const units = await tx.serviceUnit.findMany({ where: { agencyId: agency.id }, select: { id: true, code: true } });
      const demoCodes = new Set(DEMO_UNITS.map((u) => u.code));
      const foreign = units.filter((u) => !demoCodes.has(u.code)).map((u) => u.code);
      if (foreign.length > 0) {
        throw new DemoRemoveError(
          `Agency ${agency.code} holds units the demo seed did not make (${foreign.join(', ')}): nothing was removed. Move or remove those units first.`,
        );
      }
      const unitIds = units.map((u) => u.id);
      const scoped = { OR: [{ agencyId: agency.id }, { unitId: { in: unitIds } }] };

      const conversations = await tx.$executeRaw`
        UPDATE "Conversation"
        SET state = jsonb_set(jsonb_set(state, '{survey}', 'null'::jsonb), '{step}', '{"kind":"idle"}'::jsonb), "expiresAt" = NULL
        WHERE state #>> '{survey,unit,id}' = ANY(${unitIds.map(String)}::text[])`;

      const roles = await tx.staffRole.findMany({ where: scoped, select: { userId: true } });
      const staffRoles = (await tx.staffRole.deleteMany({ where: scoped })).count;
      const invitations = (await tx.invitation.deleteMany({ where: scoped })).count;
      const roleless = await tx.staffUser.findMany({
        where: { id: { in: [...new Set(roles.map((r) => r.userId))] }, roles: { none: {} } },
        select: { id: true },
      });
      const userIds = roleless.map((u) => u.id);

      const runs = await tx.jobRun.findMany({ where: { agencyId: agency.id }, select: { id: true } });
      const runIds = runs.map((r) => r.id);
      const messageWhere = { OR: [{ jobRunId: { in: runIds } }, { staffUserId: { in: userIds } }] };
      const files = await tx.outboxMessage.findMany({ where: { ...messageWhere, fileId: { not: null } }, select: { fileId: true } });
      const outboxMessages = (await tx.outboxMessage.deleteMany({ where: messageWhere })).count;
      const fileIds = [...new Set(files.map((f) => f.fileId!))];
      await tx.outboxFile.deleteMany({ where: { id: { in: fileIds }, messages: { none: {} } } });
      const jobRuns = (await tx.jobRun.deleteMany({ where: { id: { in: runIds } } })).count;
      const staffUsers = (await tx.staffUser.deleteMany({ where: { id: { in: userIds } } })).count;

      const followUps = (await tx.followUp.deleteMany({ where: { unitId: { in: unitIds } } })).count;
      const responses = (await tx.response.deleteMany({ where: { unitId: { in: unitIds } } })).count;
      // The triggers left zero rows behind for the deleted responses' days.
      await tx.$executeRaw`DELETE FROM "ResponseDayStat" WHERE "unitId" = ANY(${unitIds}::int[])`;
      await tx.serviceType.deleteMany({ where: { unitId: { in: unitIds } } });
      await tx.serviceUnit.deleteMany({ where: { id: { in: unitIds } } });
      await tx.agency.delete({ where: { id: agency.id } });

      const removed: DemoRemoved = {
        agency: agency.code,
        units: unitIds.length,
        responses,
        followUps,
        staffRoles,
        staffUsers,
        invitations,
        jobRuns,
        outboxMessages,
        conversations,
      };
      await audit(tx, actor, 'demo.remove', agency.code, { ...removed });
      return removed;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
