// Demo data: one Mal Pelayanan Publik with a few tenant units and their service types, so that
// `npm start` on a fresh machine has something to rate. Idempotent: running it again changes nothing.
import { DEFAULT_QUESTIONNAIRE } from '../survey/questionnaire.js';
import { type Db, sqlOf } from '../db/client.js';

export const DEMO_AGENCY = { code: 'MPP-DEMO', name: 'Mal Pelayanan Publik Kota Demo', timeZone: 'Asia/Jakarta' };

export const DEMO_UNITS: { code: string; name: string; monthlyServiceUsers: number; serviceTypes: string[] }[] = [
  {
    code: 'DUKCAPIL',
    name: 'Disdukcapil',
    monthlyServiceUsers: 1200,
    serviceTypes: ['Kartu Tanda Penduduk elektronik (KTP-el)', 'Kartu Keluarga', 'Akta Kelahiran', 'Pindah datang'],
  },
  {
    code: 'DPMPTSP',
    name: 'DPMPTSP (Perizinan)',
    monthlyServiceUsers: 600,
    serviceTypes: ['Nomor Induk Berusaha (NIB)', 'Persetujuan Bangunan Gedung (PBG)', 'Izin reklame'],
  },
  {
    code: 'SAMSAT',
    name: 'Samsat',
    monthlyServiceUsers: 2000,
    serviceTypes: ['Pajak kendaraan tahunan', 'Pajak lima tahunan dan ganti pelat', 'Balik nama kendaraan'],
  },
  {
    code: 'BPJSKES',
    name: 'BPJS Kesehatan',
    monthlyServiceUsers: 800,
    serviceTypes: ['Pendaftaran peserta', 'Perubahan data peserta', 'Pengaduan layanan'],
  },
  {
    code: 'IMIGRASI',
    name: 'Kantor Imigrasi',
    monthlyServiceUsers: 500,
    serviceTypes: ['Paspor baru', 'Penggantian paspor'],
  },
];

/**
 * Adds the demo agency, units, service types and questionnaire, in one transaction; what exists
 * already is left as it is. Plain SQL sent in one go (see src/db/sql.ts): it runs before the
 * terminal demo's first prompt, where Prisma's first queries would cost a noticeable part of a
 * cold start.
 */
export async function seedDemo(db: Db): Promise<{ agency: string; units: number }> {
  const now = new Date();
  const types = DEMO_UNITS.flatMap((u) => u.serviceTypes.map((name, sortOrder) => ({ code: u.code, name, sortOrder })));
  await sqlOf(db).transaction(
    async (tx) => {
      // The questionnaire the demo agency uses (version 1 of the built-in default).
      tx.send(`INSERT INTO "Questionnaire" (key, version, definition) VALUES ('default', 1, $1::jsonb) ON CONFLICT (key, version) DO NOTHING`, [
        JSON.stringify(DEFAULT_QUESTIONNAIRE),
      ]);
      tx.send(`INSERT INTO "Agency" (code, name, "timeZone", "updatedAt") VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`, [
        DEMO_AGENCY.code,
        DEMO_AGENCY.name,
        DEMO_AGENCY.timeZone,
        now,
      ]);
      tx.send(
        `INSERT INTO "ServiceUnit" (code, name, "monthlyServiceUsers", "agencyId", "updatedAt")
         SELECT u.code, u.name, u.users, a.id, $5
         FROM unnest($1::text[], $2::text[], $3::int[]) AS u(code, name, users) JOIN "Agency" a ON a.code = $4
         ON CONFLICT (code) DO NOTHING`,
        [DEMO_UNITS.map((u) => u.code), DEMO_UNITS.map((u) => u.name), DEMO_UNITS.map((u) => u.monthlyServiceUsers), DEMO_AGENCY.code, now],
      );
      tx.send(
        `INSERT INTO "ServiceType" ("unitId", name, "sortOrder")
         SELECT s.id, t.name, t.ord FROM unnest($1::text[], $2::text[], $3::int[]) AS t(code, name, ord) JOIN "ServiceUnit" s ON s.code = t.code
         ON CONFLICT ("unitId", name) DO NOTHING`,
        [types.map((t) => t.code), types.map((t) => t.name), types.map((t) => t.sortOrder)],
      );
    },
    { statementMs: 30_000 },
  );
  return { agency: DEMO_AGENCY.code, units: DEMO_UNITS.length };
}
