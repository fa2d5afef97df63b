// Demo data: one Mal Pelayanan Publik with a few tenant units and their service types, so that
// `npm start` on a fresh machine has something to rate. Idempotent: running it again changes nothing.
import { DEFAULT_QUESTIONNAIRE } from '../survey/questionnaire.js';
import type { Db } from '../db/client.js';

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

/** Adds the demo agency, units, service types and questionnaire, in one transaction. */
export async function seedDemo(db: Db): Promise<{ agency: string; units: number }> {
  return await db.$transaction(async (tx) => {
    // The questionnaire the demo agency uses (version 1 of the built-in default).
    await tx.questionnaire.createMany({
      data: [{ key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE }],
      skipDuplicates: true,
    });
    const agency = await tx.agency.upsert({ where: { code: DEMO_AGENCY.code }, create: DEMO_AGENCY, update: {}, select: { id: true, code: true } });
    await tx.serviceUnit.createMany({
      data: DEMO_UNITS.map((u) => ({ code: u.code, name: u.name, agencyId: agency.id, monthlyServiceUsers: u.monthlyServiceUsers })),
      skipDuplicates: true,
    });
    const units = await tx.serviceUnit.findMany({ where: { code: { in: DEMO_UNITS.map((u) => u.code) } }, select: { id: true, code: true } });
    const idOf = new Map(units.map((u) => [u.code, u.id]));
    await tx.serviceType.createMany({
      data: DEMO_UNITS.flatMap((u) => u.serviceTypes.map((name, sortOrder) => ({ unitId: idOf.get(u.code)!, name, sortOrder }))),
      skipDuplicates: true,
    });
    return { agency: agency.code, units: DEMO_UNITS.length };
  });
}
