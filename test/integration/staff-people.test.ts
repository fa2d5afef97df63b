// The rules of src/admin/commands/args.ts and people.ts that the mutation run found untested, each on
// its own: which unit a command without a unit code means (the caller's only unit, read in that
// unit's agency's time zone; with several or none the caller is asked for a code), what /pengguna
// lists and in what order, how /cabut reads its argument, and whose roles /cabut refuses.
// Calls StaffCommands.handle directly on a real PostgreSQL. Every fixture row is written with Prisma,
// not with grantRole: a fixture that used the code under test would fail the whole file's set-up
// when that code breaks, which a mutation run counts as no test failing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffCommands } from '../../src/admin/commands/index.js';
import { translate } from '../../src/i18n/index.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import type { Locale } from '../../src/survey/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { silentLog } from '../support/service.js';

// 23.30 WIB on 30 November in Jakarta is already 00.30 WITA on 1 December in Makassar: "this
// month" tells which agency's time zone a command read its period in.
const NOW = new Date('2026-11-30T16:30:00Z');

let t: TestDatabase;
let staff: StaffCommands;
const agency: Record<string, number> = {};
const unit: Record<string, number> = {};
let next = 0;

type RoleName = 'super_admin' | 'agency_admin' | 'agency_official' | 'unit_official';
type Grant = { role: RoleName; agency?: string; unit?: string; paused?: boolean };

/** A staff member with these roles, written directly; returns the user's external id and role ids. */
async function member(grants: Grant[], displayName: string | null = null): Promise<{ who: string; roles: number[] }> {
  const who = `7${String(++next).padStart(4, '0')}`;
  const user = await t.db.staffUser.create({ data: { channel: 'telegram', externalId: who, displayName } });
  const roles: number[] = [];
  for (const g of grants) {
    const row = await t.db.staffRole.create({
      data: {
        userId: user.id,
        role: g.role,
        agencyId: g.agency ? agency[g.agency]! : null,
        unitId: g.unit ? unit[g.unit]! : null,
        paused: g.paused ?? false,
      },
    });
    roles.push(row.id);
  }
  return { who, roles };
}

async function answer(who: string, command: string, arg = '', locale: Locale = 'id'): Promise<string[]> {
  const result = await staff.handle({ channel: 'telegram', userId: who, command, arg, locale, updateId: null });
  expect(result, `/${command} ${arg}`).not.toBeNull();
  if (!result || result.duplicate) throw new Error('no reply');
  return result.reply.messages;
}

async function activeRole(id: number): Promise<boolean> {
  return (await t.db.staffRole.findUniqueOrThrow({ where: { id } })).revokedAt === null;
}

async function snapshot() {
  const [row] = await t.db.$queryRaw<{ active: number; audits: number }[]>`
    SELECT (SELECT count(*) FROM "StaffRole" WHERE "revokedAt" IS NULL)::int AS active,
           (SELECT count(*) FROM "AuditLog")::int AS audits`;
  return row!;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } });
  for (const [code, name, timeZone] of [
    ['KOTA-A', 'Kota A', 'Asia/Jakarta'],
    ['KAB-B', 'Kabupaten B', 'Asia/Makassar'],
    ['DINAS-KOSONG', 'Dinas Kosong', 'Asia/Jakarta'],
  ] as const) {
    agency[code] = (await t.db.agency.create({ data: { code, name, timeZone } })).id;
  }
  for (const [code, name, of] of [
    ['A-SATU', 'Loket Satu', 'KOTA-A'],
    ['A-DUA', 'Loket Dua', 'KOTA-A'],
    ['B-SATU', 'Puskesmas B', 'KAB-B'],
  ] as const) {
    unit[code] = (await t.db.serviceUnit.create({ data: { code, name, agencyId: agency[of]!, monthlyServiceUsers: 100 } })).id;
  }
  staff = new StaffCommands({ db: t.db, t: translate, log: silentLog, clock: () => NOW, botUsername: () => 'skm_test_bot' });
});

afterAll(async () => {
  await t?.drop();
});

describe('a command without a unit code', () => {
  it('means the caller’s only unit, with its agency: a unit official’s unit, or the one unit of an official’s agency', async () => {
    const unitOfficial = await member([{ role: 'unit_official', unit: 'B-SATU' }]);
    const agencyOfficial = await member([{ role: 'agency_official', agency: 'KAB-B' }]);
    for (const { who } of [unitOfficial, agencyOfficial]) {
      // Read in Makassar's time zone (the unit's agency): already December there.
      const skor = await answer(who, 'skor');
      expect(skor[0]!.split('\n')[0]).toBe(translate('id', 'staff.skor.head', { unit: 'Puskesmas B', code: 'B-SATU', period: 'Desember 2026' }));
      expect(skor[0]).toContain(translate('id', 'staff.noResponses'));
      // A period alone is still the period, of the same unit.
      expect((await answer(who, 'skor', 'bulan lalu'))[0]!.split('\n')[0]).toBe(
        translate('id', 'staff.skor.head', { unit: 'Puskesmas B', code: 'B-SATU', period: 'November 2026' }),
      );
      expect((await answer(who, 'unsur'))[0]!.split('\n')[0]).toBe(
        translate('id', 'staff.skor.head', { unit: 'Puskesmas B', code: 'B-SATU', period: 'Desember 2026' }),
      );
      expect((await answer(who, 'maladmin'))[0]!.split('\n')[0]).toBe(
        translate('id', 'staff.maladmin.head', { unit: 'Puskesmas B', period: 'Desember 2026', total: '0' }),
      );
      expect((await answer(who, 'saran')).join('\n')).toContain('Puskesmas B');
      expect((await answer(who, 'saran')).join('\n')).toContain('Desember 2026');
      expect((await answer(who, 'tren'))[0]).toBe(translate('id', 'staff.tren.caption', { unit: 'Puskesmas B', code: 'B-SATU', n: 0 }));
    }
  });

  it('with several units or none, asks for a code with the command’s own example, in the caller’s language', async () => {
    const callers = {
      'an official of an agency with two units': await member([{ role: 'agency_official', agency: 'KOTA-A' }]),
      'an official of two units': await member([
        { role: 'unit_official', unit: 'A-SATU' },
        { role: 'unit_official', unit: 'A-DUA' },
      ]),
      'a unit official who is also an official of another agency': await member([
        { role: 'unit_official', unit: 'A-SATU' },
        { role: 'agency_official', agency: 'KAB-B' },
      ]),
      'an official of an agency without units': await member([{ role: 'agency_official', agency: 'DINAS-KOSONG' }]),
      'a super admin': await member([{ role: 'super_admin' }]),
    };
    const examples: Record<string, string> = {
      skor: '/skor DUKCAPIL bulan ini',
      unsur: '/unsur DUKCAPIL bulan lalu',
      tren: '/tren DUKCAPIL',
      saran: '/saran DUKCAPIL bulan ini 2',
      maladmin: '/maladmin DUKCAPIL bulan ini',
    };
    for (const [what, { who }] of Object.entries(callers)) {
      for (const [command, example] of Object.entries(examples)) {
        const reply = await answer(who, command);
        expect(reply, `/${command} by ${what}`).toEqual([translate('id', 'staff.needUnit', { example })]);
        expect(reply[0]).toContain(example);
      }
      expect(await answer(who, 'skor', 'bulan lalu'), what).toEqual([translate('id', 'staff.needUnit', { example: examples.skor! })]);
    }
    const en = await answer(callers['a super admin'].who, 'tren', '', 'en');
    expect(en).toEqual([translate('en', 'staff.needUnit', { example: '/tren DUKCAPIL' })]);
    expect(en[0]).not.toEqual(translate('id', 'staff.needUnit', { example: '/tren DUKCAPIL' }));
  });
});

describe('/pengguna', () => {
  it('lists each role with its holder, its agency or unit by name and code, and whether it is paused, in the order of the roles', async () => {
    const admin = await member([{ role: 'agency_admin', agency: 'KOTA-A' }], 'Pak Admin');
    const nameless = await member([{ role: 'unit_official', unit: 'A-DUA' }]);
    const official = await member([{ role: 'agency_official', agency: 'KOTA-A', paused: true }], 'Bu Rina');
    await member([{ role: 'unit_official', unit: 'B-SATU' }], 'Orang Kabupaten');
    // Updated after the others were written: PostgreSQL then keeps the row after them, so a listing
    // that relied on the rows' physical order instead of the role numbers would show it last.
    await t.db.staffRole.update({ where: { id: admin.roles[0]! }, data: { paused: false, grantedAt: NOW } });

    const role = (r: RoleName) => translate('id', `staff.roles.${r}`);
    const paused = translate('id', 'staff.pengguna.paused');
    const namelessUser = (await t.db.staffRole.findUniqueOrThrow({ where: { id: nameless.roles[0]! } })).userId;
    const ofKotaA = await t.db.staffRole.findMany({
      where: { revokedAt: null, OR: [{ agencyId: agency['KOTA-A']! }, { unit: { agencyId: agency['KOTA-A']! } }] },
      orderBy: { id: 'asc' },
    });
    const [reply] = await answer(admin.who, 'pengguna');
    const lines = reply!.split('\n');
    expect(lines[0]).toBe(translate('id', 'staff.pengguna.head', { n: ofKotaA.length }));
    const listed = lines.filter((l) => l.startsWith('#'));
    expect(listed.map((l) => Number(/^#(\d+) /.exec(l)![1]))).toEqual(ofKotaA.map((r) => r.id));
    expect(listed).toContain(`#${admin.roles[0]} Pak Admin – ${role('agency_admin')} – Kota A (KOTA-A)`);
    expect(listed).toContain(
      `#${nameless.roles[0]} ${translate('id', 'staff.pengguna.user', { id: namelessUser })} – ${role('unit_official')} – Loket Dua (A-DUA)`,
    );
    expect(listed).toContain(`#${official.roles[0]} Bu Rina – ${role('agency_official')} – Kota A (KOTA-A) – ${paused}`);
    expect(reply).not.toContain('Orang Kabupaten');
    expect(lines.slice(-2)).toEqual(['', translate('id', 'staff.pengguna.revokeHint')]);

    const superAdmin = await member([{ role: 'super_admin' }], 'Pak Super');
    const all = await t.db.staffRole.findMany({ where: { revokedAt: null }, orderBy: { id: 'asc' } });
    const everyone = (await answer(superAdmin.who, 'pengguna'))[0]!.split('\n').filter((l) => l.startsWith('#'));
    expect(everyone.map((l) => Number(/^#(\d+) /.exec(l)![1]))).toEqual(all.map((r) => r.id));
    expect(everyone).toContain(`#${superAdmin.roles[0]} Pak Super – ${role('super_admin')} – ${translate('id', 'staff.pengguna.all')}`);
    expect(everyone.find((l) => l.includes('Orang Kabupaten'))).toMatch(/ – Puskesmas B \(B-SATU\)$/);
    expect(everyone.find((l) => l.startsWith(`#${admin.roles[0]} `))).toBe(
      `#${admin.roles[0]} Pak Admin – ${role('agency_admin')} – Kota A (KOTA-A)`,
    );
  });
});

describe('/cabut', () => {
  it('takes a role number, with or without "#" and spaces around it; anything else gets the usage and revokes nothing', async () => {
    const admin = await member([{ role: 'agency_admin', agency: 'KOTA-A' }]);
    const victim = (await member([{ role: 'unit_official', unit: 'A-SATU' }])).roles[0]!;
    const usage = [translate('id', 'staff.cabut.usage')];
    const before = await snapshot();
    for (const arg of [
      '',
      '   ',
      'abc',
      '#',
      '##12',
      `${victim}x`,
      `x${victim}`,
      `#${victim}#`,
      `${victim} ${victim}`,
      `# ${victim}`,
      '1234567890',
    ]) {
      expect(await answer(admin.who, 'cabut', arg), `/cabut "${arg}"`).toEqual(usage);
    }
    expect(await snapshot()).toEqual(before);
    expect(await activeRole(victim)).toBe(true);
    expect(await answer(admin.who, 'cabut', '', 'en')).toEqual([translate('en', 'staff.cabut.usage')]);

    expect(await answer(admin.who, 'cabut', `  ${victim} `)).toEqual([translate('id', 'staff.cabut.done', { id: victim })]);
    expect(await activeRole(victim)).toBe(false);
    const another = (await member([{ role: 'unit_official', unit: 'A-DUA' }])).roles[0]!;
    expect(await answer(admin.who, 'cabut', ` #${another}  `)).toEqual([translate('id', 'staff.cabut.done', { id: another })]);
    expect(await activeRole(another)).toBe(false);
  });

  it('a super admin’s role is never revoked from the chat, not even by a super admin', async () => {
    const superAdmin = await member([{ role: 'super_admin' }]);
    const otherSuper = await member([{ role: 'super_admin' }]);
    const before = await snapshot();
    for (const id of [superAdmin.roles[0]!, otherSuper.roles[0]!]) {
      expect(await answer(superAdmin.who, 'cabut', `#${id}`)).toEqual([translate('id', 'staff.cabut.notFound', { id })]);
      expect(await activeRole(id)).toBe(true);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('one’s own admin role may go while another admin role remains; an official role of one’s own does not count as one', async () => {
    // A super admin who is also an agency's admin keeps the super admin role.
    const superAndAdmin = await member([{ role: 'super_admin' }, { role: 'agency_admin', agency: 'KOTA-A' }]);
    const itsAdmin = superAndAdmin.roles[1]!;
    expect(await answer(superAndAdmin.who, 'cabut', `#${itsAdmin}`)).toEqual([translate('id', 'staff.cabut.done', { id: itsAdmin })]);
    expect(await activeRole(itsAdmin)).toBe(false);

    // An admin who is only an official elsewhere: the admin role is the last one.
    const adminAndOfficial = await member([
      { role: 'agency_admin', agency: 'KOTA-A' },
      { role: 'agency_official', agency: 'KAB-B' },
      { role: 'unit_official', unit: 'A-DUA' },
    ]);
    const [adminRole, agencyOfficialRole, unitOfficialRole] = adminAndOfficial.roles as [number, number, number];
    const before = await snapshot();
    expect(await answer(adminAndOfficial.who, 'cabut', `#${adminRole}`)).toEqual([translate('id', 'staff.cabut.ownLastAdmin', { id: adminRole })]);
    expect(await snapshot()).toEqual(before);
    expect(await activeRole(adminRole)).toBe(true);

    // Their own official role in their agency may go: they stay an admin.
    expect(await answer(adminAndOfficial.who, 'cabut', `#${unitOfficialRole}`)).toEqual([
      translate('id', 'staff.cabut.done', { id: unitOfficialRole }),
    ]);
    expect(await activeRole(unitOfficialRole)).toBe(false);
    // Another admin's role in their agency may go too: their own admin role remains.
    const colleague = (await member([{ role: 'agency_admin', agency: 'KOTA-A' }])).roles[0]!;
    expect(await answer(adminAndOfficial.who, 'cabut', `#${colleague}`)).toEqual([translate('id', 'staff.cabut.done', { id: colleague })]);
    expect(await activeRole(colleague)).toBe(false);
    // The other agency's official role is not theirs to manage there.
    expect(await answer(adminAndOfficial.who, 'cabut', `#${agencyOfficialRole}`)).toEqual([
      translate('id', 'staff.cabut.notFound', { id: agencyOfficialRole }),
    ]);
    expect(await activeRole(agencyOfficialRole)).toBe(true);
    expect(await activeRole(adminRole)).toBe(true);
  });
});
