import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { answersOf, periodOf } from '../../src/scoring/index.js';
import { createEmptyDatabase } from '../support/db.js';
import { ROOT, runStart, runTs } from '../support/run.js';

// Consent, first service type, skip profile, U1..U9, five maladministration answers, skip the suggestion.
const SCRIPT = ['/start u_SAMSAT', '1', '1', '2', '4', '4', '3', '4', '4', '4', '4', '3', '4', '2', '2', '2', '2', '2', 'Lewati'].join('\n') + '\n';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('terminal chat (npm start without a Telegram token)', () => {
  let empty: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    empty = await createEmptyDatabase('skm_term');
  });
  afterAll(async () => {
    await empty?.drop();
  });

  it('runs a whole survey from piped stdin, stores it, and exits at the end of input', async () => {
    const run = await runTs('src/main.ts', [], { env: { DATABASE_URL: empty.url, TELEGRAM_BOT_TOKEN: '' }, input: SCRIPT });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Samsat');
    expect(run.stdout).toContain('  1. Saya setuju');
    expect(run.stdout).toContain('Pertanyaan 9/9');
    expect(run.stdout).toContain('Terima kasih, Bapak/Ibu! Penilaian Bapak/Ibu untuk Samsat sudah kami terima');
    const db = createDb(empty.url, 1);
    try {
      const rows = await db.response.findMany({ include: { unit: true } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.unit.code).toBe('SAMSAT');
      expect(rows[0]!.channel).toBe('terminal');
      expect([rows[0]!.u1, rows[0]!.u3, rows[0]!.u9]).toEqual([4, 3, 4]);
    } finally {
      await db.$disconnect();
    }
  });

  it('greets, lists the units from the database, and takes a number from the list and partial answers typed through stdin', async () => {
    // A database of its own: the demo citizen of the other tests has consented already.
    const own = await createEmptyDatabase('skm_term_greet');
    const env = { DATABASE_URL: own.url, TELEGRAM_BOT_TOKEN: '' };
    // Nothing typed: the greeting and the units to rate, numbered, are there before any input.
    const first = await runTs('src/main.ts', [], { env, input: '' });
    expect(first.code).toBe(0);
    expect(first.stdout.startsWith('Demo bot Survei Kepuasan Masyarakat (SKM) di terminal')).toBe(true);
    const db = createDb(own.url, 1);
    try {
      const units = await db.serviceUnit.findMany({ where: { active: true } });
      expect(units.length).toBeGreaterThan(1);
      for (const unit of units) expect(first.stdout).toMatch(new RegExp(`^  \\d\\. ${escape(unit.name)} \\(${unit.code}\\)$`, 'm'));
      const listed = /^ {2}(\d)\. Disdukcapil \(DUKCAPIL\)$/m.exec(first.stdout);
      expect(listed).not.toBeNull();

      const typed = [
        listed![1]!, // the unit, by its number on the list
        'mungkin', // not an answer: asked again briefly
        'setuju',
        'KTP elektronik',
        'lewati',
        'tidak', // U1 Tidak sesuai
        'kurang', // U2 Kurang mudah
        'sangat', // U3 Sangat cepat
        'mahal', // U4: two labels have it
        'gratis',
        'sesuai',
        'kompeten',
        'ramah dan sopan',
        'baik',
        'dikelola',
        'nggak',
        'ya',
        'tidak',
        'no',
        'tdk',
        'lewati',
      ];
      const run = await runTs('src/main.ts', [], { env, input: typed.join('\n') + '\n' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Terima kasih telah menggunakan layanan Disdukcapil');
      // The notice's summary is shown once: the wrong answer got the question alone, with the terminal's hint.
      expect(run.stdout.split('(UU 27/2022)')).toHaveLength(2);
      expect(run.stdout).toContain('Mohon maaf, jawaban tersebut tidak kami kenali. Silakan balas dengan angka 1–3.');
      expect(run.stdout).toContain('Maksud Bapak/Ibu "Sangat mahal" (1) atau "Cukup mahal" (2)? Silakan balas dengan angkanya.');
      expect(run.stdout).not.toContain('tombol');
      expect(run.stdout).toContain('Penilaian Bapak/Ibu untuk Disdukcapil sudah kami terima');
      const rows = await db.response.findMany({ where: { unit: { code: 'DUKCAPIL' } }, include: { serviceType: true } });
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(answersOf(row)).toEqual([1, 2, 4, 4, 3, 3, 3, 3, 4]);
      expect(row.serviceType?.name).toBe('Kartu Tanda Penduduk elektronik (KTP-el)');
      expect(row.maladmin).toEqual({ imbalan: false, calo: true, penundaan: false, diskriminasi: false, prosedur: false });
    } finally {
      await db.$disconnect();
      await own.drop();
    }
  });

  it("asks its first question through npm start's entry point without loading Prisma's runtime or Node's fetch", async () => {
    // Both would cost CPU beside a first start's initdb (src/db/lazy-prisma.ts, src/db/pg.ts). A
    // preload in the process itself says what is loaded when the consent question is written.
    const probe = `
      import Module from 'node:module';
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk, ...rest) => {
        if (String(chunk).includes('Saya setuju')) {
          const prisma = Object.keys(Module._cache).some((file) => file.includes('@prisma'));
          const undici = process.moduleLoadList.some((name) => name.includes('undici'));
          process.stderr.write('LOADED ' + JSON.stringify({ prisma, undici }) + '\\n');
        }
        return write(chunk, ...rest);
      };`;
    // A database of its own: the demo citizen of the other tests has consented already.
    const own = await createEmptyDatabase('skm_term_loaded');
    const run = await runStart(['--import', `data:text/javascript,${encodeURIComponent(probe)}`], {
      env: { DATABASE_URL: own.url, TELEGRAM_BOT_TOKEN: '', LOG_LEVEL: 'error' },
      input: '/start u_DUKCAPIL\n',
    }).finally(() => own.drop());
    expect(run.stdout).toContain('  1. Saya setuju');
    expect(run.stderr.trim()).toBe('LOADED {"prisma":false,"undici":false}');
    expect(run.code).toBe(0);
  });

  it('answers bad input in the terminal politely and keeps going', async () => {
    const run = await runTs('src/main.ts', [], {
      env: { DATABASE_URL: empty.url, TELEGRAM_BOT_TOKEN: '' },
      input: '/start u_NOPE\nhalo\n/apa\n',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"NOPE" tidak kami temukan');
    expect(run.stdout).toContain('/apa tidak dikenal');
  });

  it('with no DATABASE_URL, starts an embedded PostgreSQL whose data survives a restart', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-term-'));
    await fs.chmod(dir, 0o755);
    try {
      const env = { DATABASE_URL: '', SKM_DATA_DIR: dir, TELEGRAM_BOT_TOKEN: '' };
      const first = await runTs('src/main.ts', [], { env, input: SCRIPT, timeoutMs: 120_000 });
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('Penilaian Bapak/Ibu untuk Samsat sudah kami terima');
      // Same demo citizen, same day: the stored response from the first run is remembered.
      const second = await runTs('src/main.ts', [], { env, input: '/start u_SAMSAT\n', timeoutMs: 120_000 });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('Bapak/Ibu sudah menilai Samsat hari ini');

      // While the bot holds the data folder, the operator's CLI shares its running PostgreSQL.
      const running = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'src', 'main.ts')], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      running.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      running.stdin.write('/start u_DUKCAPIL\n');
      const deadline = Date.now() + 60_000;
      while (!out.includes('Disdukcapil') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(out).toContain('Disdukcapil');
      const period = periodOf('month', new Date(), 'Asia/Jakarta').label;
      const report = await runTs('src/cli/index.ts', ['report', '--unit', 'SAMSAT', '--period', period, '--format', 'json'], { env });
      running.stdin.end();
      const exit = await new Promise<number | null>((resolve) => running.on('close', resolve));
      expect(report.stderr).toBe('');
      expect(JSON.parse(report.stdout)).toMatchObject({ unit: 'SAMSAT', responses: 1 });
      expect(exit).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('ends quietly when its output is closed (npm start | head), and stops its embedded PostgreSQL', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-term-'));
    await fs.chmod(dir, 0o755);
    try {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'start.js')], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', SKM_DATA_DIR: dir, TELEGRAM_BOT_TOKEN: '', LOG_LEVEL: 'error' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      // The greeting has begun: the reader goes away, and the citizen's answers get replies nobody reads.
      await new Promise((resolve) => child.stdout.once('data', resolve));
      child.stdout.destroy();
      child.stdin.write('1\n2\n');
      const code = await exited;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(existsSync(path.join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
