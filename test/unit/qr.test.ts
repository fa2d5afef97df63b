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
    // WhatsApp as a QR under its app's name, and the typed way in words: no URL to type.
    expect(text.filter((t) => t === 'WhatsApp')).toHaveLength(1);
    expect(text).toContain('membuka aplikasi WhatsApp');
    expect(text).toContain('Atau kirim SKM RSUD ke WhatsApp +62 812-3456-7890');
    expect(text.join('\n')).not.toContain('wa.me');
    expect(text.join('\n')).not.toMatch(/\bAnda\b/);
    expect(text.filter((t) => t.includes('Bapak/Ibu')).length).toBeGreaterThan(0);
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

/**
 * The poster page as a bitmap, from the filled rectangles of its content stream (the QR modules
 * and their white backgrounds are drawn as rectangles; text is left out): enough to scan the codes.
 */
async function rasterisedRectangles(pdf: Uint8Array, pageIndex: number, scale = 3): Promise<PNG> {
  const doc = await PDFDocument.load(pdf);
  const page = doc.getPages()[pageIndex]!;
  const width = Math.ceil(page.getWidth() * scale);
  const height = Math.ceil(page.getHeight() * scale);
  const png = new PNG({ width, height });
  png.data.fill(255);
  const contents = page.node.Contents();
  const streams = contents instanceof PDFRawStream ? [contents] : [];
  if (!(contents instanceof PDFRawStream) && contents) {
    const array = contents as unknown as { asArray(): unknown[] };
    for (const ref of array.asArray()) {
      const stream = doc.context.lookup(ref as Parameters<typeof doc.context.lookup>[0]);
      if (stream instanceof PDFRawStream) streams.push(stream);
    }
  }
  expect(streams.length).toBeGreaterThan(0);
  let rectangles = 0;
  for (const stream of streams) {
    const raw = Buffer.from(stream.contents);
    let content: string;
    try {
      content = zlib.inflateSync(raw).toString('latin1');
    } catch {
      content = raw.toString('latin1');
    }
    const pattern =
      /q\n([\d.]+) ([\d.]+) ([\d.]+) rg\n[^Q]*?1 0 0 1 ([-\d.]+) ([-\d.]+) cm\n[^Q]*?0 0 m\n0 ([-\d.]+) l\n([-\d.]+) [-\d.]+ l\n[^Q]*?f\nQ/g;
    for (const m of content.matchAll(pattern)) {
      const [r, g, b, x, y, h, w] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
      const value = r + g + b === 0 ? 0 : 255;
      const x0 = Math.round(x * scale);
      const x1 = Math.round((x + w) * scale);
      const top = Math.round(height - (y + h) * scale);
      const bottom = Math.round(height - y * scale);
      for (let py = Math.max(0, top); py < Math.min(height, bottom); py++) {
        for (let px = Math.max(0, x0); px < Math.min(width, x1); px++) {
          const i = (py * width + px) * 4;
          png.data[i] = png.data[i + 1] = png.data[i + 2] = value;
        }
      }
      rectangles++;
    }
  }
  expect(rectangles).toBeGreaterThan(100);
  return png;
}

function decodeRegion(png: PNG, x: number, width: number): string | undefined {
  const region = new Uint8ClampedArray(width * png.height * 4);
  for (let y = 0; y < png.height; y++) {
    png.data.copy(Buffer.from(region.buffer, y * width * 4, width * 4), 0, (y * png.width + x) * 4, (y * png.width + x + width) * 4);
  }
  return jsQR(region, width, png.height)?.data;
}

describe('poster with both channels', () => {
  it('shows two QR codes side by side, WhatsApp and Telegram, each decoding to its own link', async () => {
    const wa = whatsappLink('6281234567890', 'DUKCAPIL');
    const tg = telegramDeepLink('skm_demo_bot', 'DUKCAPIL');
    const pdf = await postersPdf([unit('DUKCAPIL', 'Dinas Kependudukan dan Pencatatan Sipil', { telegramLink: tg, whatsappLink: wa })]);
    const text = await shownText(pdf);
    expect(text).toEqual(expect.arrayContaining(['WhatsApp', 'membuka aplikasi WhatsApp', 'Telegram', 'membuka aplikasi Telegram']));
    const page = await rasterisedRectangles(pdf, 0);
    const half = Math.floor(page.width / 2);
    expect(decodeRegion(page, 0, half)).toBe(wa);
    expect(decodeRegion(page, half, page.width - half)).toBe(tg);
    expect(wa).toBe('https://wa.me/6281234567890?text=NILAI%20DUKCAPIL');
  });

  it('with one channel, one QR across the middle; PNG files named per channel when there are two', async () => {
    const wa = whatsappLink('6281234567890', 'SAMSAT');
    const pdf = await postersPdf([{ code: 'SAMSAT', name: 'Samsat', agencyName: 'MPP', whatsappLink: wa }]);
    const page = await rasterisedRectangles(pdf, 0);
    expect(decodeRegion(page, 0, page.width)).toBe(wa);
    const text = await shownText(pdf);
    expect(text).not.toContain('Telegram');
    await expect(postersPdf([{ code: 'KOSONG', name: 'Kosong', agencyName: 'MPP' }])).rejects.toThrow(/no Telegram or WhatsApp link/);

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-qr-both-'));
    try {
      const both = { telegramLink: telegramDeepLink('skm_demo_bot', 'DUKCAPIL'), whatsappLink: whatsappLink('6281234567890', 'DUKCAPIL') };
      const result = await writePosters([unit('DUKCAPIL', 'Disdukcapil', both)], dir);
      expect(result.pngs.map((f) => path.basename(f))).toEqual(['qr-DUKCAPIL-whatsapp.png', 'qr-DUKCAPIL-telegram.png']);
      expect(decodeQr(await fs.readFile(result.pngs[0]!)).text).toBe(both.whatsappLink);
      expect(decodeQr(await fs.readFile(result.pngs[1]!)).text).toBe(both.telegramLink);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
