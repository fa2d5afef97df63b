// Who may do what with the staff commands: every command of the registry (StaffCommands.commandList)
// × every kind of caller (super admin, agency admin, agency official, unit official, a citizen, a
// revoked admin) × targets in the caller's own unit, own agency, another agency, a revoked role.
// Calls StaffCommands.handle directly on a real PostgreSQL: authorisation lives there, not in a channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffCommands, type StaffResult } from '../../src/admin/commands/index.js';
import { grantRole } from '../../src/admin/staff.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { translate } from '../../src/i18n/index.js';
import type { Locale } from '../../src/survey/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { silentLog } from '../support/service.js';

const NOW = new Date('2026-11-23T02:00:00Z');
const CALLERS = ['super_admin', 'agency_admin', 'agency_official', 'unit_official', 'citizen', 'revoked_admin'] as const;
type Caller = (typeof CALLERS)[number];
const STAFF_CALLERS = ['super_admin', 'agency_admin', 'agency_official', 'unit_official'] as const;
const USER_OF: Record<Caller, string> = {
  super_admin: '9001',
  agency_admin: '9002',
  agency_official: '9003',
  unit_official: '9004',
  citizen: '9005',
  revoked_admin: '9006',
};

/** Units: A-SATU and A-DUA belong to the callers' agency KOTA-A, B-SATU to another agency. */
const OWN_UNIT = 'A-SATU';
const OWN_AGENCY_UNIT = 'A-DUA';
const OTHER_AGENCY_UNIT = 'B-SATU';
const NO_SUCH_UNIT = 'TIDAK-ADA';
const IN_SCOPE: Record<(typeof STAFF_CALLERS)[number], string[]> = {
  super_admin: [OWN_UNIT, OWN_AGENCY_UNIT, OTHER_AGENCY_UNIT],
  agency_admin: [OWN_UNIT, OWN_AGENCY_UNIT],
  agency_official: [OWN_UNIT, OWN_AGENCY_UNIT],
  unit_official: [OWN_UNIT],
};

/**
 * How each command of the registry is aimed at something. Every command must be listed: a new
 * command without an entry fails the first test, so it cannot join without an authorisation check.
 */
type Target = { kind: 'unit' } | { kind: 'none' } | { kind: 'invite' } | { kind: 'role' };
const TARGETS: Record<string, Target> = {
  skor: { kind: 'unit' },
  unsur: { kind: 'unit' },
  zona: { kind: 'none' }, // lists every unit in scope
  tren: { kind: 'unit' },
  saran: { kind: 'unit' },
  maladmin: { kind: 'unit' },
  tindaklanjut: { kind: 'unit' },
  unduh: { kind: 'none' },
  langganan: { kind: 'none' },
  berhenti: { kind: 'none' },
  lanjut: { kind: 'none' },
  bantuan: { kind: 'none' },
  pengguna: { kind: 'none' },
  unit: { kind: 'none' },
  undang: { kind: 'invite' },
  cabut: { kind: 'role' },
};

let t: TestDatabase;
let staff: StaffCommands;
let agencyA = 0;
let agencyB = 0;
const unitId: Record<string, number> = {};
let victims = 0;

// A Caller, or a raw user id for someone outside the fixture.
type Who = Caller | (string & {});

function ask(caller: Who, command: string, arg = '', locale: Locale = 'id'): Promise<StaffResult | null> {
  const userId = caller in USER_OF ? USER_OF[caller as Caller] : caller;
  return staff.handle({ channel: 'telegram', userId, command, arg, locale, updateId: null });
}

/** The reply's texts; fails the test when the request was not answered as a staff matter. */
async function answer(caller: Who, command: string, arg = '', locale: Locale = 'id'): Promise<string[]> {
  const result = await ask(caller, command, arg, locale);
  expect(result, `/${command} ${arg} by ${caller}`).not.toBeNull();
  if (!result || result.duplicate) throw new Error('no reply');
  return result.reply.messages;
}

/** A new staff member holding one role; returns the role's id. */
async function roleFor(
  role: 'agency_admin' | 'agency_official' | 'unit_official',
  where: { agencyId?: number; unitId?: number },
  externalId = `v${++victims}`,
) {
  const { userId } = await grantRole(
    t.db,
    { channel: 'telegram', externalId },
    { role, agencyId: where.agencyId ?? null, unitId: where.unitId ?? null },
  );
  return (await t.db.staffRole.findFirstOrThrow({ where: { userId, role, revokedAt: null }, orderBy: { id: 'desc' } })).id;
}

async function activeRole(id: number): Promise<boolean> {
  return (await t.db.staffRole.findUniqueOrThrow({ where: { id } })).revokedAt === null;
}

/** What a refusal or a mistake may not have changed. */
async function snapshot() {
  const [row] = await t.db.$queryRaw<{ invitations: number; active: number; followUps: number; audits: number }[]>`
    SELECT (SELECT count(*) FROM "Invitation")::int AS invitations,
           (SELECT count(*) FROM "StaffRole" WHERE "revokedAt" IS NULL)::int AS active,
           (SELECT count(*) FROM "FollowUp")::int AS "followUps",
           (SELECT count(*) FROM "AuditLog")::int AS audits`;
  return row!;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } });
  agencyA = (await t.db.agency.create({ data: { code: 'KOTA-A', name: 'Kota A', timeZone: 'Asia/Jakarta' } })).id;
  agencyB = (await t.db.agency.create({ data: { code: 'KAB-B', name: 'Kabupaten B', timeZone: 'Asia/Makassar' } })).id;
  for (const [code, agencyId] of [
    [OWN_UNIT, agencyA],
    [OWN_AGENCY_UNIT, agencyA],
    [OTHER_AGENCY_UNIT, agencyB],
  ] as const) {
    unitId[code] = (await t.db.serviceUnit.create({ data: { code, name: `Unit ${code}`, agencyId, monthlyServiceUsers: 100 } })).id;
  }
  const who = (caller: Caller) => ({ channel: 'telegram', externalId: USER_OF[caller] });
  await grantRole(t.db, who('super_admin'), { role: 'super_admin', agencyId: null, unitId: null });
  await grantRole(t.db, who('agency_admin'), { role: 'agency_admin', agencyId: agencyA, unitId: null });
  await grantRole(t.db, who('agency_official'), { role: 'agency_official', agencyId: agencyA, unitId: null });
  await grantRole(t.db, who('unit_official'), { role: 'unit_official', agencyId: null, unitId: unitId[OWN_UNIT]! });
  await grantRole(t.db, who('revoked_admin'), { role: 'agency_admin', agencyId: agencyA, unitId: null });
  await t.db.staffRole.updateMany({ where: { user: { externalId: USER_OF.revoked_admin } }, data: { revokedAt: NOW } });
  staff = new StaffCommands({ db: t.db, t: translate, log: silentLog, botUsername: () => 'skm_test_bot', clock: () => NOW });
});

afterAll(async () => {
  await t?.drop();
});

describe('who may use which staff command', () => {
  it('every command × every caller: official commands for staff, admin commands for admins, nothing for anyone else', async () => {
    const registry = staff.commandList();
    expect(registry.length).toBeGreaterThanOrEqual(16);
    expect(registry.map((c) => c.name).sort()).toEqual(Object.keys(TARGETS).sort());
    expect(
      registry
        .filter((c) => c.level === 'admin')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['cabut', 'pengguna', 'undang', 'unit']);

    const expected: Record<string, Record<Caller, string>> = {};
    const actual: Record<string, Record<Caller, string>> = {};
    for (const { name, level, writes } of registry) {
      expected[name] = {} as Record<Caller, string>;
      actual[name] = {} as Record<Caller, string>;
      for (const caller of CALLERS) {
        const isStaff = caller !== 'citizen' && caller !== 'revoked_admin';
        const isAdmin = caller === 'super_admin' || caller === 'agency_admin';
        expected[name][caller] = isStaff && (level === 'official' || isAdmin) ? 'answered' : 'not staff';
        // Aimed at the one unit every staff caller has, so that a refusal is about the caller.
        const victim = name === 'cabut' ? await roleFor('unit_official', { unitId: unitId[OWN_UNIT]! }) : 0;
        const arg = { unit: OWN_UNIT, none: name === 'unduh' ? 'csv' : '', invite: `unit ${OWN_UNIT}`, role: `#${victim}` }[TARGETS[name]!.kind];
        const before = await snapshot();
        const result = await ask(caller, name, arg);
        if (result === null) {
          actual[name][caller] = 'not staff';
          // Passed on to the citizen conversation: nothing changed.
          expect(await snapshot(), `/${name} by ${caller}`).toEqual(before);
          if (victim) expect(await activeRole(victim)).toBe(true);
          continue;
        }
        actual[name][caller] = 'answered';
        expect(result.duplicate).toBe(false);
        if (result.duplicate) continue;
        const texts = [...result.reply.messages, result.reply.document?.caption ?? ''].join('\n');
        expect(texts, `/${name} by ${caller}`).not.toContain(translate('id', 'errors.internal'));
        expect(texts, `/${name} by ${caller}`).not.toContain(translate('id', 'staff.unitNotFound', { code: OWN_UNIT }));
        if (name === 'undang') expect((await snapshot()).invitations).toBe(before.invitations + 1);
        if (name === 'cabut') expect(await activeRole(victim), `/cabut by ${caller}`).toBe(false);
        if (!writes && name !== 'unduh') expect((await snapshot()).audits).toBe(before.audits);
      }
    }
    expect(actual).toEqual(expected);
  });
});

describe('a unit outside the caller’s scope reads exactly like a unit that does not exist', () => {
  const unitCommands = Object.entries(TARGETS)
    .filter(([, target]) => target.kind === 'unit')
    .map(([name]) => name);

  it.each(STAFF_CALLERS)('%s: own unit, own agency’s unit, another agency’s unit, no such unit', async (caller) => {
    expect(unitCommands.length).toBeGreaterThanOrEqual(6);
    const notFound = (code: string) => translate('id', 'staff.unitNotFound', { code });
    let refusals = 0;
    for (const command of unitCommands) {
      const missing = await answer(caller, command, NO_SUCH_UNIT);
      expect(missing, `/${command} ${NO_SUCH_UNIT}`).toEqual([notFound(NO_SUCH_UNIT)]);
      for (const code of [OWN_UNIT, OWN_AGENCY_UNIT, OTHER_AGENCY_UNIT]) {
        const before = await snapshot();
        // Lower case too: the lookup upper-cases the code, the scope check must still hold.
        for (const typed of [code, code.toLowerCase()]) {
          const reply = await answer(caller, command, typed);
          if (IN_SCOPE[caller].includes(code)) {
            expect(reply, `/${command} ${typed} by ${caller}`).not.toEqual([notFound(code)]);
          } else {
            refusals++;
            expect(reply, `/${command} ${typed} by ${caller}`).toEqual([notFound(code)]);
            // The same words as for a unit that does not exist, but for the code itself.
            expect(reply.map((m) => m.replace(code, NO_SUCH_UNIT))).toEqual(missing);
            expect(await snapshot()).toEqual(before);
          }
        }
      }
    }
    const outside = 3 - IN_SCOPE[caller].length;
    expect(refusals).toBe(outside * unitCommands.length * 2);
  });

  it.each(STAFF_CALLERS)('%s: /zona, /unit and /unduh show only the units in scope', async (caller) => {
    const all = [OWN_UNIT, OWN_AGENCY_UNIT, OTHER_AGENCY_UNIT];
    const zona = (await answer(caller, 'zona')).join('\n');
    expect(all.filter((code) => zona.includes(code))).toEqual(IN_SCOPE[caller]);
    if (caller === 'super_admin' || caller === 'agency_admin') {
      const list = (await answer(caller, 'unit')).join('\n');
      expect(all.filter((code) => list.includes(`${code} – `))).toEqual(IN_SCOPE[caller]);
    }
    const result = await ask(caller, 'unduh', 'csv');
    if (!result || result.duplicate) throw new Error('no reply');
    const csv = result.reply.document?.content.toString('utf8') ?? '';
    expect(csv.length).toBeGreaterThan(0);
    expect(all.filter((code) => csv.includes(code))).toEqual(IN_SCOPE[caller]);
  });
});

describe('/undang', () => {
  it('an agency admin invites to their own agency and its units, never to another agency', async () => {
    const before = await snapshot();
    expect((await answer('agency_admin', 'undang', 'admin KOTA-A'))[0]).toContain('Kota A');
    expect((await answer('agency_admin', 'undang', `unit ${OWN_AGENCY_UNIT}`))[0]).toContain(`Unit ${OWN_AGENCY_UNIT}`);
    expect((await snapshot()).invitations).toBe(before.invitations + 2);

    const refused = await snapshot();
    const missingAgency = await answer('agency_admin', 'undang', 'admin TIDAK-ADA');
    expect(missingAgency).toEqual([translate('id', 'staff.agencyNotFound', { code: 'TIDAK-ADA' })]);
    for (const role of ['admin', 'instansi', 'agency']) {
      const reply = await answer('agency_admin', 'undang', `${role} kab-b`);
      expect(reply, `/undang ${role} KAB-B`).toEqual([translate('id', 'staff.agencyNotFound', { code: 'KAB-B' })]);
      expect(reply.map((m) => m.replace('KAB-B', 'TIDAK-ADA'))).toEqual(missingAgency);
    }
    expect(await answer('agency_admin', 'undang', `unit ${OTHER_AGENCY_UNIT}`)).toEqual([
      translate('id', 'staff.unitNotFound', { code: OTHER_AGENCY_UNIT }),
    ]);
    expect(await snapshot()).toEqual(refused);
    expect(await t.db.invitation.count({ where: { OR: [{ agencyId: agencyB }, { unitId: unitId[OTHER_AGENCY_UNIT]! }] } })).toBe(0);
  });

  it('an admin of one agency who is only an official of another sees its units but may not invite there', async () => {
    const mixed = 'admin-a-official-b';
    await roleFor('agency_admin', { agencyId: agencyA }, mixed);
    await roleFor('agency_official', { agencyId: agencyB }, mixed);
    expect((await answer(mixed, 'skor', OTHER_AGENCY_UNIT)).join('\n')).toContain(`Unit ${OTHER_AGENCY_UNIT}`);
    const before = await snapshot();
    expect(await answer(mixed, 'undang', `unit ${OTHER_AGENCY_UNIT}`)).toEqual([translate('id', 'staff.unitNotFound', { code: OTHER_AGENCY_UNIT })]);
    expect(await answer(mixed, 'undang', 'instansi KAB-B')).toEqual([translate('id', 'staff.agencyNotFound', { code: 'KAB-B' })]);
    const otherOfficial = await roleFor('unit_official', { unitId: unitId[OTHER_AGENCY_UNIT]! });
    expect(await answer(mixed, 'cabut', `#${otherOfficial}`)).toEqual([translate('id', 'staff.cabut.notFound', { id: otherOfficial })]);
    expect(await activeRole(otherOfficial)).toBe(true);
    expect((await snapshot()).invitations).toBe(before.invitations);
  });

  it('a super admin may invite an admin of any agency', async () => {
    expect((await answer('super_admin', 'undang', 'admin KAB-B'))[0]).toContain('Kabupaten B');
    expect(await t.db.invitation.count({ where: { agencyId: agencyB, role: 'agency_admin' } })).toBe(1);
  });
});

describe('/cabut', () => {
  it('an agency admin revokes roles in their own agency and its units; another agency’s, a revoked or a super admin’s role reads as not found', async () => {
    const ownUnitRole = await roleFor('unit_official', { unitId: unitId[OWN_AGENCY_UNIT]! });
    const ownAgencyRole = await roleFor('agency_official', { agencyId: agencyA });
    expect(await answer('agency_admin', 'cabut', `#${ownUnitRole}`)).toEqual([translate('id', 'staff.cabut.done', { id: ownUnitRole })]);
    expect(await answer('agency_admin', 'cabut', String(ownAgencyRole))).toEqual([translate('id', 'staff.cabut.done', { id: ownAgencyRole })]);
    expect(await activeRole(ownUnitRole)).toBe(false);
    expect(await activeRole(ownAgencyRole)).toBe(false);

    const superRole = (await t.db.staffRole.findFirstOrThrow({ where: { role: 'super_admin' } })).id;
    const refused = {
      'another agency’s unit': await roleFor('unit_official', { unitId: unitId[OTHER_AGENCY_UNIT]! }),
      'another agency': await roleFor('agency_official', { agencyId: agencyB }),
      'another agency’s admin': await roleFor('agency_admin', { agencyId: agencyB }),
      'a super admin': superRole,
      'a revoked role': ownUnitRole,
    };
    const missing = 999_999;
    const notFound = await answer('agency_admin', 'cabut', `#${missing}`);
    expect(notFound).toEqual([translate('id', 'staff.cabut.notFound', { id: missing })]);
    const before = await snapshot();
    for (const [what, id] of Object.entries(refused)) {
      const reply = await answer('agency_admin', 'cabut', `#${id}`);
      expect(
        reply.map((m) => m.replace(`#${id}`, `#${missing}`)),
        what,
      ).toEqual(notFound);
    }
    expect(await snapshot()).toEqual(before);
    for (const id of [refused['another agency’s unit'], refused['another agency'], refused['another agency’s admin'], superRole]) {
      expect(await activeRole(id)).toBe(true);
    }
  });

  it('an admin cannot revoke their own last admin role, and is told why in their language', async () => {
    const own = (
      await t.db.staffRole.findFirstOrThrow({ where: { user: { externalId: USER_OF.agency_admin }, role: 'agency_admin', revokedAt: null } })
    ).id;
    const before = await snapshot();
    const id = await answer('agency_admin', 'cabut', `#${own}`);
    expect(id).toEqual([translate('id', 'staff.cabut.ownLastAdmin', { id: own })]);
    expect(id[0]).toContain('Bapak/Ibu');
    const en = await answer('agency_admin', 'cabut', `#${own}`, 'en');
    expect(en).toEqual([translate('en', 'staff.cabut.ownLastAdmin', { id: own })]);
    expect(en[0]).not.toEqual(id[0]);
    expect(await activeRole(own)).toBe(true);
    expect(await snapshot()).toEqual(before);
    // Still an admin afterwards.
    expect(await ask('agency_admin', 'pengguna')).not.toBeNull();
  });

  it('an admin holding another admin role may give one up; another admin may revoke theirs', async () => {
    const both = 'admin-of-two';
    const roleA = await roleFor('agency_admin', { agencyId: agencyA }, both);
    const roleB = await roleFor('agency_admin', { agencyId: agencyB }, both);
    expect(await answer(both, 'cabut', `#${roleA}`)).toEqual([translate('id', 'staff.cabut.done', { id: roleA })]);
    // Now B is their last admin role.
    expect(await answer(both, 'cabut', `#${roleB}`)).toEqual([translate('id', 'staff.cabut.ownLastAdmin', { id: roleB })]);
    expect(await activeRole(roleB)).toBe(true);
    // Someone else may: the super admin.
    expect(await answer('super_admin', 'cabut', `#${roleB}`)).toEqual([translate('id', 'staff.cabut.done', { id: roleB })]);
    expect(await ask(both, 'pengguna')).toBeNull();
  });
});

describe('/pengguna', () => {
  it('an agency admin sees only the staff of their own agency and its units; a super admin sees everyone', async () => {
    const otherAgencyRoles = [
      await roleFor('agency_admin', { agencyId: agencyB }),
      await roleFor('unit_official', { unitId: unitId[OTHER_AGENCY_UNIT]! }),
    ];
    const ownRoles = [await roleFor('unit_official', { unitId: unitId[OWN_UNIT]! }), await roleFor('agency_official', { agencyId: agencyA })];
    const listed = async (caller: Caller) =>
      (await answer(caller, 'pengguna'))
        .join('\n')
        .split('\n')
        .flatMap((line) => /^#(\d+) /.exec(line)?.[1] ?? [])
        .map(Number)
        .sort((a, b) => a - b);

    const active = await t.db.staffRole.findMany({ where: { revokedAt: null }, include: { unit: true }, orderBy: { id: 'asc' } });
    const ofAgencyA = active.filter((r) => (r.agencyId ?? r.unit?.agencyId) === agencyA).map((r) => r.id);
    expect(ofAgencyA).toEqual(expect.arrayContaining(ownRoles));
    expect(ofAgencyA.length).toBeGreaterThan(ownRoles.length);

    const mine = await listed('agency_admin');
    expect(mine).toEqual(ofAgencyA);
    for (const id of otherAgencyRoles) expect(mine).not.toContain(id);
    const everyone = await listed('super_admin');
    expect(everyone).toEqual(active.map((r) => r.id));
    for (const id of otherAgencyRoles) expect(everyone).toContain(id);
  });
});
