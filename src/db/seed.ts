// Demo data: one Mal Pelayanan Publik with a few tenant units and their service types, so that
// `npm start` on a fresh machine has something to rate. Idempotent: running it again changes nothing.
import { DEFAULT_QUESTIONNAIRE } from '../survey/questionnaire.js';
import type { Db } from './client.js';

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

export async function seedDemo(db: Db): Promise<{ agency: string; units: number }> {
  // The questionnaire the demo agency uses (version 1 of the built-in default).
  await db.questionnaire.createMany({
    data: [{ key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE }],
    skipDuplicates: true,
  });
  const agency = await db.agency.upsert({
    where: { code: DEMO_AGENCY.code },
    create: DEMO_AGENCY,
    update: {},
  });
  for (const unit of DEMO_UNITS) {
    const row = await db.serviceUnit.upsert({
      where: { code: unit.code },
      create: { code: unit.code, name: unit.name, agencyId: agency.id, monthlyServiceUsers: unit.monthlyServiceUsers },
      update: {},
    });
    await db.serviceType.createMany({
      data: unit.serviceTypes.map((name, sortOrder) => ({ unitId: row.id, name, sortOrder })),
      skipDuplicates: true,
    });
  }
  return { agency: agency.code, units: DEMO_UNITS.length };
}
