import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import jsQRModule from 'jsqr';
import { PDFDocument, PDFRawStream, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { postersPdf, qrPng, telegramDeepLink, whatsappLink, winAnsiSafe, writePosters, type PosterUnit } from '../../src/admin/qr.js';

// jsqr is a UMD bundle whose module.exports is the function itself; its typings declare an ES
// default export, which NodeNext reads as `.default`.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const A4 = { width: 595.28, height: 841.89 };

function decodeQr(png: Buffer): { width: number; height: number; text: string | undefined } {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return { width: image.width, height: image.height, text: found?.data };
}

// WinAnsi is Latin-1 except 0x80–0x9F (Node's TextDecoder may lack windows-1252 without full ICU).
const WIN_ANSI_80 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const winAnsi = (bytes: Buffer) => [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? WIN_ANSI_80[b - 0x80] : String.fromCharCode(b))).join('');

/** Every string the PDF shows with Tj, decoded from WinAnsi (pdf-lib writes them as hex). */
async function shownText(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  const shown: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const raw = Buffer.from(object.contents);
    let content: string;
    try {
      content = zlib.inflateSync(raw).toString('latin1');
    } catch {
      content = raw.toString('latin1');
    }
    for (const m of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) shown.push(winAnsi(Buffer.from(m[1] ?? '', 'hex')));
  }
  return shown;
}

function unit(code: string, name = `Unit ${code}`, extra: Partial<PosterUnit> = {}): PosterUnit {
  return { code, name, agencyName: 'Pemerintah Kabupaten Contoh', telegramLink: telegramDeepLink('skm_demo_bot', code), ...extra };
}

describe('Telegram deep link', () => {
  it('opens the bot with the unit code as start payload', () => {
    expect(telegramDeepLink('skm_demo_bot', 'DUKCAPIL')).toBe('https://t.me/skm_demo_bot?start=u_DUKCAPIL');
    expect(telegramDeepLink('@SkmKotaBot', 'MPP-7')).toBe('https://t.me/SkmKotaBot?start=u_MPP-7');
  });

  it('rejects usernames Telegram would not allow for a bot', () => {
    for (const bad of ['bot', 'skm_demo', 'skm demo_bot', '1skm_bot', '_skm_bot', `a${'b'.repeat(29)}bot`, 'skm-demo-bot', '']) {
      expect(() => telegramDeepLink(bad, 'DUKCAPIL'), bad).toThrow(RangeError);
    }
    // 32 characters is still allowed.
    expect(telegramDeepLink(`a${'b'.repeat(28)}bot`, 'X')).toContain('?start=u_X');
  });

  it('rejects unit codes outside A–Z, 0–9 and "-"', () => {
    for (const bad of ['dukcapil', 'DUK CAPIL', 'DUK_CAPIL', '', 'A'.repeat(21), '../X', 'DUKÇAPIL']) {
      expect(() => telegramDeepLink('skm_demo_bot', bad), bad).toThrow(RangeError);
    }
  });
});

describe('QR code PNG', () => {
  it('decodes back to exactly the deep link', async () => {
    const link = telegramDeepLink('skm_demo_bot', 'DUKCAPIL');
    const png = await qrPng(link);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const decoded = decodeQr(png);
    expect(decoded.text).toBe(link);
    expect(decoded.width).toBe(decoded.height);
    // Whole pixels per module: the largest such size up to 1024.
    expect(decoded.width).toBeGreaterThan(900);
    expect(decoded.width).toBeLessThanOrEqual(1024);
  });

  it('honours a smaller size and still scans', async () => {
    const link = telegramDeepLink('skm_demo_bot', 'MPP-LOKET-12');
    const decoded = decodeQr(await qrPng(link, 300));
    expect(decoded.width).toBeLessThanOrEqual(300);
    expect(decoded.width).toBeGreaterThan(250);
    expect(decoded.text).toBe(link);
  });

  it('rejects a nonsense size', async () => {
    await expect(qrPng('x', 0)).rejects.toThrow(RangeError);
    await expect(qrPng('x', 12.5)).rejects.toThrow(RangeError);
  });
});

describe('WinAnsi-safe text', () => {
  it('keeps what Helvetica can show, strips diacritics it cannot, drops emoji', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    expect(winAnsiSafe('Café – Dağ şehir ≥ 80 😀 ok', font)).toBe('Café – Dag sehir >= 80 ok');
    expect(winAnsiSafe('Loket\n1\t A', font)).toBe('Loket 1 A');
    expect(winAnsiSafe('漢字 Loket', font)).toBe('?? Loket');
  });
});

describe('poster PDF', () => {
  it('has one A4 portrait page per unit', async () => {
    const pdf = await postersPdf([
      unit('DUKCAPIL', 'Dinas Kependudukan dan Pencatatan Sipil'),
      unit('DPMPTSP'),
      unit('RSUD', 'RSUD', { whatsappLink: 'https://wa.me/6281234567890?text=SKM%20RSUD' }),
    ]);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(3);
    for (const page of doc.getPages()) {
      expect(page.getWidth()).toBeCloseTo(A4.width, 1);
      expect(page.getHeight()).toBeCloseTo(A4.height, 1);
    }
    const text = await shownText(pdf);
    expect(text).toContain('Bagaimana pelayanan kami hari ini?');
    expect(text).toContain('Kode unit: DUKCAPIL');
    expect(text).toContain('Kode unit: RSUD');
    expect(text).toContain('Atau buka: https://t.me/skm_demo_bot?start=u_DPMPTSP');
    expect(text).toContain('WhatsApp: https://wa.me/6281234567890?text=SKM%20RSUD');
    expect(text.filter((t) => t.startsWith('WhatsApp:'))).toHaveLength(1);
    expect(text.filter((t) => t === 'Survei Kepuasan Masyarakat (PermenPANRB No. 14 Tahun 2017)')).toHaveLength(3);
  });

  it('a long unit name is wrapped and, past four lines, shortened with an ellipsis', async () => {
    const pdf = await postersPdf([unit('PANJANG', 'Layanan Terpadu Satu Pintu '.repeat(20)), unit('KATA', `Loket${'X'.repeat(300)}`)]);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(2);
    const text = await shownText(pdf);
    // Drawn in order: agency, the unit name's lines, then the call to action.
    const namesOn = (from: number) => {
      const start = text.indexOf('Pemerintah Kabupaten Contoh', from);
      return text.slice(start + 1, text.indexOf('Bagaimana pelayanan kami hari ini?', start));
    };
    const first = namesOn(0);
    expect(first).toHaveLength(4);
    expect(first[0]?.startsWith('Layanan Terpadu Satu Pintu')).toBe(true);
    expect(first.at(-1)?.endsWith('…')).toBe(true);
    // A single word too wide for the page is cut between characters.
    const second = namesOn(text.indexOf('Kode unit: PANJANG'));
    expect(second.length).toBeGreaterThan(1);
    expect(second.join('')).toMatch(/^LoketX+…?$/);
  });

  it('characters Helvetica cannot encode do not stop the poster', async () => {
    const pdf = await postersPdf([unit('UMUM', 'Café – Pelayanan Dağ 😀 Umum', { agencyName: 'Dinas “Kota” Ümraniye ğ' })]);
    const text = await shownText(pdf);
    expect(text).toContain('Café – Pelayanan Dag Umum');
    expect(text).toContain('Dinas “Kota” Ümraniye g');
  });

  it('refuses an empty list and duplicate codes', async () => {
    await expect(postersPdf([])).rejects.toThrow(RangeError);
    await expect(postersPdf([unit('A1'), unit('A1')])).rejects.toThrow(RangeError);
    await expect(postersPdf([{ ...unit('A1'), code: 'a/1' }])).rejects.toThrow(RangeError);
  });
});

describe('writePosters', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the PDF and one scannable PNG per unit, creating the folder', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-qr-'));
    dirs.push(root);
    const outDir = path.join(root, 'poster', '2026');
    const units = [unit('DUKCAPIL'), unit('MPP-LOKET-12')];
    const result = await writePosters(units, outDir);

    expect(result.pdf).toBe(path.join(outDir, 'poster-skm.pdf'));
    expect(result.pngs).toEqual([path.join(outDir, 'qr-DUKCAPIL.png'), path.join(outDir, 'qr-MPP-LOKET-12.png')]);
    expect((await fs.readdir(outDir)).sort()).toEqual(['poster-skm.pdf', 'qr-DUKCAPIL.png', 'qr-MPP-LOKET-12.png']);

    const pdf = await fs.readFile(result.pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(2);
    for (const [i, file] of result.pngs.entries()) {
      expect(decodeQr(await fs.readFile(file)).text).toBe(units[i]?.telegramLink);
    }
  });
});

describe('WhatsApp links', () => {
  it('open a chat with the bot\'s number with "NILAI <CODE>" typed in', async () => {
    expect(whatsappLink('6281234567890', 'dukcapil')).toBe('https://wa.me/6281234567890?text=NILAI%20DUKCAPIL');
    expect(() => whatsappLink('+62 812', 'DUKCAPIL')).toThrow(/not a WhatsApp number/);
    expect(() => whatsappLink('6281234567890', 'DUK CAPIL')).toThrow(/unit code/);
    const png = await qrPng(whatsappLink('6281234567890', 'MPP-LOKET-12'));
    expect(decodeQr(png).text).toBe('https://wa.me/6281234567890?text=NILAI%20MPP-LOKET-12');
  });
});
