import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UnitRow, UnitsFileError, formatIssues, formatSummary, importUnits, readUnitsFile } from '../../src/admin/units-import/index.js';
import type { Db } from '../../src/db/client.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'units');
const fixture = (name: string) => path.join(fixtures, name);

// The content of valid.csv, as an operator would type it into Excel (numbers as numbers).
const VALID_TABLE: (string | number | null)[][] = [
  ['agency_code', 'agency_name', 'time_zone', 'unit_code', 'unit_name', 'monthly_service_users', 'service_types'],
  [
    'MPP-BPP',
    'Mal Pelayanan Publik Kota Balikpapan',
    'Asia/Makassar',
    'BPP-DUKCAPIL',
    'Disdukcapil Balikpapan',
    1200,
    'Kartu Tanda Penduduk elektronik (KTP-el);Kartu Keluarga;Akta Kelahiran',
  ],
  [
    'MPP-BPP',
    'Mal Pelayanan Publik Kota Balikpapan',
    'Asia/Makassar',
    'BPP-SAMSAT',
    'Samsat Balikpapan, Kalimantan Timur',
    2000,
    'Pajak kendaraan tahunan;Balik nama kendaraan',
  ],
  [
    'MPP-PTK',
    'Mal Pelayanan Publik Kota Pontianak',
    'Asia/Pontianak',
    'PTK-DPMPTSP',
    'DPMPTSP (Perizinan)',
    null,
    'Nomor Induk Berusaha (NIB);Persetujuan Bangunan Gedung (PBG)',
  ],
  ['MPP-PTK', 'Mal Pelayanan Publik Kota Pontianak', 'Asia/Pontianak', 'PTK-IMIGRASI', 'Kantor Imigrasi', 0, null],
  ['MPP-JYP', 'Mal Pelayanan Publik Kota Jayapura', 'Asia/Jayapura', 'JYP-BPJSKES', 'BPJS Kesehatan', 800, 'Pendaftaran peserta'],
];

const EXPECTED_CONTENT = {
  agencies: [
    { code: 'MPP-BPP', name: 'Mal Pelayanan Publik Kota Balikpapan', timeZone: 'Asia/Makassar' },
    { code: 'MPP-JYP', name: 'Mal Pelayanan Publik Kota Jayapura', timeZone: 'Asia/Jayapura' },
    { code: 'MPP-PTK', name: 'Mal Pelayanan Publik Kota Pontianak', timeZone: 'Asia/Pontianak' },
  ],
  units: [
    {
      code: 'BPP-DUKCAPIL',
      name: 'Disdukcapil Balikpapan',
      agency: 'MPP-BPP',
      monthlyServiceUsers: 1200,
      active: true,
      serviceTypes: [
        { name: 'Kartu Tanda Penduduk elektronik (KTP-el)', sortOrder: 0, active: true },
        { name: 'Kartu Keluarga', sortOrder: 1, active: true },
        { name: 'Akta Kelahiran', sortOrder: 2, active: true },
      ],
    },
    {
      code: 'BPP-SAMSAT',
      name: 'Samsat Balikpapan, Kalimantan Timur',
      agency: 'MPP-BPP',
      monthlyServiceUsers: 2000,
      active: true,
      serviceTypes: [
        { name: 'Pajak kendaraan tahunan', sortOrder: 0, active: true },
        { name: 'Balik nama kendaraan', sortOrder: 1, active: true },
      ],
    },
    {
      code: 'JYP-BPJSKES',
      name: 'BPJS Kesehatan',
      agency: 'MPP-JYP',
      monthlyServiceUsers: 800,
      active: true,
      serviceTypes: [{ name: 'Pendaftaran peserta', sortOrder: 0, active: true }],
    },
    {
      code: 'PTK-DPMPTSP',
      name: 'DPMPTSP (Perizinan)',
      agency: 'MPP-PTK',
      monthlyServiceUsers: null,
      active: true,
      serviceTypes: [
        { name: 'Nomor Induk Berusaha (NIB)', sortOrder: 0, active: true },
        { name: 'Persetujuan Bangunan Gedung (PBG)', sortOrder: 1, active: true },
      ],
    },
    { code: 'PTK-IMIGRASI', name: 'Kantor Imigrasi', agency: 'MPP-PTK', monthlyServiceUsers: 0, active: true, serviceTypes: [] },
  ],
};

async function content(db: Db) {
  const agencies = await db.agency.findMany({ orderBy: { code: 'asc' }, select: { code: true, name: true, timeZone: true } });
  const units = await db.serviceUnit.findMany({
    orderBy: { code: 'asc' },
    select: {
      code: true,
      name: true,
      monthlyServiceUsers: true,
      active: true,
      agency: { select: { code: true } },
      serviceTypes: { orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }], select: { name: true, sortOrder: true, active: true } },
    },
  });
  return {
    agencies,
    units: units.map(({ agency, ...unit }) => ({
      code: unit.code,
      name: unit.name,
      agency: agency.code,
      monthlyServiceUsers: unit.monthlyServiceUsers,
      active: unit.active,
      serviceTypes: unit.serviceTypes,
    })),
  };
}

async function counts(db: Db) {
  return {
    agencies: await db.agency.count(),
    units: await db.serviceUnit.count(),
    serviceTypes: await db.serviceType.count(),
  };
}

/** The UnitsFileError a promise rejects with (fails the test when it resolves or throws something else). */
async function fileError(promise: Promise<unknown>): Promise<UnitsFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnitsFileError);
  return error as UnitsFileError;
}

let tmp: string;
const databases: TestDatabase[] = [];
async function freshDb(): Promise<Db> {
  const t = await createTestDatabase(2);
  databases.push(t);
  return t.db;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'skm-units-'));
});
afterAll(async () => {
  await Promise.all(databases.map((t) => t.drop()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function writeXlsx(name: string, table: ExcelJS.CellValue[][], trailingEmptyRows = 0): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Unit layanan');
  for (const row of table) sheet.addRow(row);
  // Rows Excel keeps after the data: formatted but empty.
  for (let i = 0; i < trailingEmptyRows; i++) {
    const row = sheet.getRow(table.length + 1 + i);
    row.getCell(1).value = '';
    row.getCell(2).value = null;
    row.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };
    row.commit();
  }
  // A second worksheet is not read.
  workbook.addWorksheet('Catatan').addRow(['agency_code', 'bukan data']);
  const file = path.join(tmp, name);
  await workbook.xlsx.writeFile(file);
  return file;
}

describe('reading a units file', () => {
  it('a comma CSV, a semicolon CSV and an XLSX with the same units read the same', async () => {
    const comma = await readUnitsFile(fixture('valid.csv'));
    expect(comma.map((row) => row.line)).toEqual([2, 3, 4, 5, 6]);
    expect(comma[1]).toEqual({
      line: 3,
      agencyCode: 'MPP-BPP',
      agencyName: 'Mal Pelayanan Publik Kota Balikpapan',
      timeZone: 'Asia/Makassar',
      unitCode: 'BPP-SAMSAT',
      unitName: 'Samsat Balikpapan, Kalimantan Timur',
      monthlyServiceUsers: 2000,
      serviceTypes: ['Pajak kendaraan tahunan', 'Balik nama kendaraan'],
      contactEmail: null,
      contactPhone: null,
      contactAddress: null,
    } satisfies UnitRow);
    // Lower-case codes are stored upper-case; a row after a multi-line cell keeps its row number.
    expect(comma[2]).toMatchObject({ line: 4, agencyCode: 'MPP-PTK', unitCode: 'PTK-DPMPTSP', monthlyServiceUsers: null });
    expect(comma[3]).toMatchObject({ agencyName: 'Mal Pelayanan Publik Kota Pontianak', monthlyServiceUsers: 0, serviceTypes: [] });

    const semicolon = await readUnitsFile(fixture('valid-semicolon.csv'));
    expect(semicolon).toEqual(comma);
    const xlsx = await readUnitsFile(await writeXlsx('valid.xlsx', VALID_TABLE, 3));
    expect(xlsx).toEqual(comma);
  });

  it('a CSV with only the required columns is valid', async () => {
    const rows = await readUnitsFile(fixture('minimal.csv'));
    expect(rows).toEqual([
      {
        line: 2,
        agencyCode: 'KEMENAG-BPP',
        agencyName: 'Kantor Kementerian Agama Kota Balikpapan',
        timeZone: 'Asia/Makassar',
        unitCode: 'KUA-1',
        unitName: 'KUA Kecamatan Satu',
        monthlyServiceUsers: null,
        serviceTypes: [],
        contactEmail: null,
        contactPhone: null,
        contactAddress: null,
      },
    ]);
  });

  it('every bad cell is reported with its line and column', async () => {
    const error = await fileError(readUnitsFile(fixture('bad-rows.csv')));
    expect(error.issues.map((i) => [i.line, i.column])).toEqual([
      [3, 'unit_code'],
      [4, 'unit_name'],
      [5, 'monthly_service_users'],
      [6, 'time_zone'],
      [7, 'unit_code'],
      [8, 'agency_name'],
      [9, 'service_types'],
      [11, 'agency_code'],
      [11, 'unit_name'],
      [11, 'monthly_service_users'],
      [12, 'time_zone'],
    ]);
    const messages = error.issues.map((i) => i.message);
    expect(messages[0]).toBe(`"BPP SAMSAT!" may contain only letters A–Z, digits 0–9 and '-' (found space, "!")`);
    expect(messages[1]).toBe('is required');
    expect(messages[2]).toBe('"-5" must be empty or a whole number from 0 to 10000000 (no separators)');
    expect(messages[3]).toBe('unknown time zone "Asia/Bandung"; use WIB, WITA, WIT or Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura');
    expect(messages[4]).toBe('unit code BPP-DUKCAPIL already appears on line 2');
    expect(messages[5]).toBe(
      'agency MPP-BPP has agency_name "Mal Pelayanan Publik Kota Balikpapan" on line 2, here "MPP Balikpapan"; all rows of an agency must agree',
    );
    expect(messages[6]).toBe('"legalisir" is listed twice');
    expect(messages[7]).toBe('"X" must be 2–20 characters long (has 1)');
    expect(messages[8]).toBe('"N" must be 2–120 characters long (has 1)');
    expect(messages[9]).toBe('"1.200" must be empty or a whole number from 0 to 10000000 (no separators)');
    expect(messages[10]).toBe('agency MPP-BPP has time_zone "Asia/Makassar" on line 2, here "Asia/Jakarta"; all rows of an agency must agree');
    expect(error.message).toBe('11 problems in bad-rows.csv on 9 lines; nothing was imported');
    const text = formatIssues(error.issues).split('\n');
    expect(text).toHaveLength(11);
    expect(text[0]).toBe(`line 3, unit_code: "BPP SAMSAT!" may contain only letters A–Z, digits 0–9 and '-' (found space, "!")`);
    expect(text[4]).toBe('line 7, unit_code: unit code BPP-DUKCAPIL already appears on line 2');
  });

  it('an XLSX reports bad cells by spreadsheet row, including Excel error values', async () => {
    const file = await writeXlsx('bad.xlsx', [
      VALID_TABLE[0]!,
      ['MPP-BPP', 'Mal Pelayanan Publik Kota Balikpapan', 'Asia/Makassar', 'BPP-DUKCAPIL', 'Disdukcapil', 12.5, 'KTP-el'],
      [null, null, null, null, null, null, null],
      ['MPP-BPP', 'Mal Pelayanan Publik Kota Balikpapan', 'Asia/Makassar', 'BPP-SAMSAT', { error: '#N/A' }, 10, null],
    ]);
    const error = await fileError(readUnitsFile(file));
    expect(error.issues).toEqual([
      { line: 2, column: 'monthly_service_users', message: '"12.5" must be empty or a whole number from 0 to 10000000 (no separators)' },
      { line: 4, column: 'unit_name', message: 'is required' },
      { line: 4, column: 'column E', message: 'the cell holds the Excel error #N/A' },
    ]);
  });

  it('time zones may be written WIB, WITA or WIT, in any case', async () => {
    const file = path.join(tmp, 'zone-words.csv');
    await writeFile(
      file,
      'agency_code;agency_name;time_zone;unit_code;unit_name\nMPP-BPP;MPP Balikpapan;WITA;BPP-1;Samsat\nMPP-JYP;MPP Jayapura;wit;JYP-1;Samsat\nMPP-PTK;MPP Pontianak;WIB;PTK-1;Samsat\n',
    );
    const rows = await readUnitsFile(file);
    expect(rows.map((r) => r.timeZone)).toEqual(['Asia/Makassar', 'Asia/Jayapura', 'Asia/Jakarta']);
  });

  it('blank lines before the header are skipped and the lines keep their numbers', async () => {
    const file = path.join(tmp, 'leading-blank.csv');
    await writeFile(
      file,
      '\n;;\nagency_code;agency_name;time_zone;unit_code;unit_name\nMPP-BPP;Mal Pelayanan Publik Kota Balikpapan;Asia/Makassar;BPP_SAMSAT;Samsat\n',
    );
    const error = await fileError(readUnitsFile(file));
    expect(error.issues).toEqual([
      { line: 4, column: 'unit_code', message: `"BPP_SAMSAT" may contain only letters A–Z, digits 0–9 and '-' (found "_")` },
    ]);
  });

  it('an empty file, a header without rows and a wrong header are clear errors', async () => {
    const empty = await fileError(readUnitsFile(fixture('empty.csv')));
    expect(empty.message).toBe(
      'the file is empty: expected a header row with the columns agency_code, agency_name, time_zone, unit_code, unit_name, monthly_service_users, service_types, contact_email, contact_phone, contact_address',
    );
    expect(empty.issues).toEqual([{ line: 0, column: '', message: empty.message }]);

    const headerOnly = await fileError(readUnitsFile(fixture('header-only.csv')));
    expect(headerOnly.issues).toEqual([{ line: 2, column: '', message: 'the file has a header row but no units below it' }]);
    expect(formatIssues(headerOnly.issues)).toBe('line 2: the file has a header row but no units below it');

    const unknown = await fileError(readUnitsFile(fixture('unknown-column.csv')));
    expect(unknown.issues).toEqual([
      { line: 1, column: 'unit_name', message: 'required column is missing from the header row' },
      {
        line: 1,
        column: 'unit_nama',
        message:
          'unknown column (column E); the columns are agency_code, agency_name, time_zone, unit_code, unit_name, monthly_service_users, service_types, contact_email, contact_phone, contact_address',
      },
      {
        line: 1,
        column: 'kepala_unit',
        message:
          'unknown column (column H); the columns are agency_code, agency_name, time_zone, unit_code, unit_name, monthly_service_users, service_types, contact_email, contact_phone, contact_address',
      },
    ]);
    expect(unknown.message).toBe('3 problems in unknown-column.csv on 1 line; nothing was imported');

    const missing = await fileError(readUnitsFile(fixture('missing-column.csv')));
    expect(missing.issues).toEqual([{ line: 1, column: 'time_zone', message: 'required column is missing from the header row' }]);
    expect(missing.message).toBe('1 problem in missing-column.csv: line 1, time_zone: required column is missing from the header row');
  });

  it('other file types, missing files and non-UTF-8 CSVs are refused with a reason', async () => {
    const ods = await fileError(readUnitsFile(path.join(tmp, 'units.ods')));
    expect(ods.message).toBe('unsupported file type ".ods": use a .csv (UTF-8) or .xlsx file');
    const missing = await fileError(readUnitsFile(path.join(tmp, 'nothing-here.csv')));
    expect(missing.message).toBe(`cannot read ${path.join(tmp, 'nothing-here.csv')}: no such file`);

    const latin1 = path.join(tmp, 'latin1.csv');
    await writeFile(latin1, Buffer.from('agency_code,agency_name\nMPP-X,Dinas Pariwisata \xe9\n', 'latin1'));
    const notUtf8 = await fileError(readUnitsFile(latin1));
    expect(notUtf8.message).toBe('the file is not UTF-8 text: in Excel, save it as "CSV UTF-8" or as .xlsx');

    const notXlsx = path.join(tmp, 'renamed.xlsx');
    await writeFile(notXlsx, 'agency_code,agency_name\n');
    const broken = await fileError(readUnitsFile(notXlsx));
    expect(broken.message).toMatch(/^cannot read the file as an Excel workbook \(\.xlsx\): /);
  });
});

describe('importing units into PostgreSQL', () => {
  it('the three formats of one file give the same database content', async () => {
    const files = [fixture('valid.csv'), fixture('valid-semicolon.csv'), await writeXlsx('same.xlsx', VALID_TABLE, 2)];
    for (const file of files) {
      const db = await freshDb();
      const summary = await importUnits(db, await readUnitsFile(file));
      expect(summary).toEqual({ agenciesCreated: 3, agenciesUpdated: 0, unitsCreated: 5, unitsUpdated: 0, serviceTypesAdded: 8, unchanged: 0 });
      expect(await content(db)).toEqual(EXPECTED_CONTENT);
    }
  });

  describe('on one database', () => {
    let db: Db;
    beforeAll(async () => {
      db = await freshDb();
      await seedDemo(db);
    });

    it('a file with bad rows writes nothing', async () => {
      const before = await counts(db);
      expect(before).toEqual({ agencies: 1, units: 5, serviceTypes: 15 });
      await fileError(readUnitsFile(fixture('bad-rows.csv')));
      // Rows that contradict each other are refused by importUnits too, before any write.
      const rows = await readUnitsFile(fixture('valid.csv'));
      const twice = [...rows, { ...rows[0]!, line: 7, unitName: 'Dukcapil lagi' }];
      const error = await fileError(importUnits(db, twice));
      expect(error.issues).toEqual([{ line: 7, column: 'unit_code', message: 'unit code BPP-DUKCAPIL already appears on line 2' }]);
      expect(await counts(db)).toEqual(before);
    });

    it('importing the same file twice changes nothing the second time', async () => {
      const rows = await readUnitsFile(fixture('valid.csv'));
      const first = await importUnits(db, rows);
      expect(first).toEqual({ agenciesCreated: 3, agenciesUpdated: 0, unitsCreated: 5, unitsUpdated: 0, serviceTypesAdded: 8, unchanged: 0 });
      const afterFirst = await content(db);
      const updatedAt = (await db.serviceUnit.findMany({ orderBy: { code: 'asc' }, select: { updatedAt: true } })).map((u) => u.updatedAt.getTime());

      const second = await importUnits(db, await readUnitsFile(fixture('valid.csv')));
      expect(second).toEqual({ agenciesCreated: 0, agenciesUpdated: 0, unitsCreated: 0, unitsUpdated: 0, serviceTypesAdded: 0, unchanged: 5 });
      expect(formatSummary(second)).toBe('agencies: 0 created, 0 updated; units: 0 created, 0 updated, 5 unchanged; service types added: 0');
      expect(await content(db)).toEqual(afterFirst);
      expect((await db.serviceUnit.findMany({ orderBy: { code: 'asc' }, select: { updatedAt: true } })).map((u) => u.updatedAt.getTime())).toEqual(
        updatedAt,
      );
      // The same units saved by Indonesian Excel (';', BOM, CRLF, other column order) are no change either.
      const third = await importUnits(db, await readUnitsFile(fixture('valid-semicolon.csv')));
      expect(third).toEqual(second);
      expect(await content(db)).toEqual(afterFirst);
      // The demo agency's units, not in the file, are untouched.
      expect(await db.serviceUnit.count({ where: { agency: { code: 'MPP-DEMO' } } })).toBe(5);
    });

    it('a changed file updates names, numbers and agencies, and only adds service types', async () => {
      const summary = await importUnits(db, await readUnitsFile(fixture('changed.csv')));
      expect(summary).toEqual({
        agenciesCreated: 1, // MPP-SMD
        agenciesUpdated: 1, // MPP-JYP renamed
        unitsCreated: 1, // SMD-SAMSAT
        unitsUpdated: 4, // BPP-SAMSAT renamed, BPP-DUKCAPIL new type, PTK-IMIGRASI moved, PTK-DPMPTSP users
        serviceTypesAdded: 3, // Pindah datang, and the two of SMD-SAMSAT
        unchanged: 1, // JYP-BPJSKES
      });
      const after = await content(db);
      const unit = (code: string) => after.units.find((u) => u.code === code);
      expect(after.agencies.filter((a) => a.code !== 'MPP-DEMO')).toEqual([
        { code: 'MPP-BPP', name: 'Mal Pelayanan Publik Kota Balikpapan', timeZone: 'Asia/Makassar' },
        { code: 'MPP-JYP', name: 'MPP Kota Jayapura', timeZone: 'Asia/Jayapura' },
        { code: 'MPP-PTK', name: 'Mal Pelayanan Publik Kota Pontianak', timeZone: 'Asia/Pontianak' },
        { code: 'MPP-SMD', name: 'Mal Pelayanan Publik Kota Samarinda', timeZone: 'Asia/Makassar' },
      ]);
      expect(unit('BPP-SAMSAT')).toMatchObject({ name: 'Samsat Kota Balikpapan', monthlyServiceUsers: 2000 });
      // An empty monthly_service_users keeps the number; types left out of the file stay, a
      // differently capitalised name is the same type.
      expect(unit('BPP-DUKCAPIL')).toEqual({
        code: 'BPP-DUKCAPIL',
        name: 'Disdukcapil Balikpapan',
        agency: 'MPP-BPP',
        monthlyServiceUsers: 1200,
        active: true,
        serviceTypes: [
          { name: 'Kartu Tanda Penduduk elektronik (KTP-el)', sortOrder: 0, active: true },
          { name: 'Kartu Keluarga', sortOrder: 1, active: true },
          { name: 'Pindah datang', sortOrder: 1, active: true },
          { name: 'Akta Kelahiran', sortOrder: 2, active: true },
        ],
      });
      expect(unit('PTK-IMIGRASI')).toMatchObject({ agency: 'MPP-BPP', name: 'Kantor Imigrasi', monthlyServiceUsers: 0 });
      expect(unit('PTK-DPMPTSP')).toMatchObject({ agency: 'MPP-PTK', monthlyServiceUsers: 600 });
      expect(unit('JYP-BPJSKES')).toMatchObject({ agency: 'MPP-JYP', name: 'BPJS Kesehatan', monthlyServiceUsers: 800 });
      expect(unit('SMD-SAMSAT')).toEqual({
        code: 'SMD-SAMSAT',
        name: 'Samsat Samarinda',
        agency: 'MPP-SMD',
        monthlyServiceUsers: 1500,
        active: true,
        serviceTypes: [
          { name: 'Pajak kendaraan tahunan', sortOrder: 0, active: true },
          { name: 'Mutasi kendaraan', sortOrder: 1, active: true },
        ],
      });
      expect(await counts(db)).toEqual({ agencies: 5, units: 11, serviceTypes: 15 + 8 + 3 });

      const again = await importUnits(db, await readUnitsFile(fixture('changed.csv')));
      expect(again).toEqual({ agenciesCreated: 0, agenciesUpdated: 0, unitsCreated: 0, unitsUpdated: 0, serviceTypesAdded: 0, unchanged: 6 });
    });
  });
});

describe('the agency contact for the privacy notice', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'skm-contact-'));
    db = await freshDb();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const csv = async (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    await writeFile(file, lines.join('\n'));
    return file;
  };
  const HEAD = 'agency_code;agency_name;time_zone;unit_code;unit_name;contact_email;contact_phone;contact_address';

  it('is imported with the units, kept when a later file leaves it empty, and changed when a file gives a new one', async () => {
    const first = await csv('contact.csv', [
      HEAD,
      'KONTAK;Dinas Kontak;Asia/Jakarta;KONTAK-1;Loket Satu;ppid@kontak.go.id;(021) 555-1234;"Jl. Merdeka No. 1, Jakarta"',
      'KONTAK;Dinas Kontak;Asia/Jakarta;KONTAK-2;Loket Dua;;;',
    ]);
    await importUnits(db, await readUnitsFile(first));
    const stored = () => db.agency.findUniqueOrThrow({ where: { code: 'KONTAK' } });
    expect(await stored()).toMatchObject({
      contactEmail: 'ppid@kontak.go.id',
      contactPhone: '(021) 555-1234',
      contactAddress: 'Jl. Merdeka No. 1, Jakarta',
    });

    const silent = await csv('silent.csv', [HEAD, 'KONTAK;Dinas Kontak;Asia/Jakarta;KONTAK-1;Loket Satu;;;']);
    const unchanged = await importUnits(db, await readUnitsFile(silent));
    expect(unchanged.agenciesUpdated).toBe(0);
    expect((await stored()).contactEmail).toBe('ppid@kontak.go.id');

    const changed = await csv('changed-contact.csv', [HEAD, 'KONTAK;Dinas Kontak;Asia/Jakarta;KONTAK-1;Loket Satu;pengaduan@kontak.go.id;;']);
    expect((await importUnits(db, await readUnitsFile(changed))).agenciesUpdated).toBe(1);
    expect(await stored()).toMatchObject({ contactEmail: 'pengaduan@kontak.go.id', contactPhone: '(021) 555-1234' });
  });

  it('refuses a malformed contact and two rows of one agency giving different ones, with the line of each', async () => {
    const bad = await csv('bad-contact.csv', [
      HEAD,
      'BURUK;Dinas Buruk;Asia/Jakarta;BURUK-1;Loket Satu;bukan-email;telepon;',
      'BURUK;Dinas Buruk;Asia/Jakarta;BURUK-2;Loket Dua;a@buruk.go.id;;',
      'BURUK;Dinas Buruk;Asia/Jakarta;BURUK-3;Loket Tiga;b@buruk.go.id;;',
    ]);
    const error = await readUnitsFile(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnitsFileError);
    const text = formatIssues((error as UnitsFileError).issues);
    expect(text).toContain('line 2, contact_email: "bukan-email" is not an e-mail address');
    expect(text).toContain('line 2, contact_phone: "telepon" is not a phone number');
    expect(text).toMatch(/line 4, contact_email: agency BURUK has contact_email "a@buruk\.go\.id" on line 3/);
    expect(await db.agency.findUnique({ where: { code: 'BURUK' } })).toBeNull();
  });
});
