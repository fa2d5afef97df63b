// The public pages in a real browser (Debian's Chromium through playwright-core), served by the
// bot's own HTTP server module with the public routes, on a real database: the numbers are the
// report model's and `skm report`'s, the period and language switches work, unapproved suggestions
// never show, an unpublished agency is a 404 page, the lobby TV picks up a new rating by itself and
// keeps its data while the server is away, and the landing page links to the bot. axe-core finds
// no accessibility violation on any page. Screenshots land in test-output/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { telegramDeepLink, whatsappLink } from '../../src/admin/qr.js';
import { type HttpServer, startHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { agencyReport } from '../../src/reports/agency-report.js';
import { columnsOf, parsePeriod, zonedTimeUtc } from '../../src/scoring/index.js';
import { formatDecimal } from '../../src/scoring/numbers.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { registerPublicRoutes } from '../../src/web/routes.js';
import { MISSING_CHROMIUM, axeViolations, findChromium, launchChromium, screenshot } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runTs } from '../support/run.js';

const TZ = 'Asia/Makassar';
/** The pages' clock: 20 November 2026, 10.00 WITA. "This month" is November, "this year" 2026. */
const NOW = zonedTimeUtc(2026, 11, 20, 10, 0, TZ);
const BOT = 'skm_uji_bot';
const WA = '6281234567890';

let t: TestDatabase;
let server: HttpServer;
let base: string;
let browser: Browser | undefined;
let questionnaireId: number;
let unitA: number;
let session = 0;

function response(unitId: number, answers: readonly number[], submittedAt: Date, suggestion?: { text: string; state: string | null }) {
  return {
    ...columnsOf(answers),
    questionnaireId,
    channel: 'telegram',
    locale: 'id',
    sessionId: `pub-${session++}`,
    unitId,
    submittedAt,
    startedAt: submittedAt,
    maladmin: {},
    ...(suggestion ? { suggestion: suggestion.text, suggestionState: suggestion.state } : {}),
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  questionnaireId = (await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } })).id;
  const agency = await db.agency.create({ data: { code: 'MPP-UJI', name: 'MPP Kota Uji', timeZone: TZ, minResponses: 5 } });
  const hidden = await db.agency.create({ data: { code: 'RAHASIA', name: 'Dinas Tertutup', timeZone: TZ, publicScores: false } });
  const a = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-KTP', name: 'Loket KTP', monthlyServiceUsers: 400 } });
  const b = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-IZIN', name: 'Perizinan <Usaha>' } });
  await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'UJI-BARU', name: 'Loket Baru' } });
  const h = await db.serviceUnit.create({ data: { agencyId: hidden.id, code: 'TUTUP-1', name: 'Loket Tertutup' } });
  unitA = a.id;
  const nov = (day: number, hour = 10) => zonedTimeUtc(2026, 11, day, hour, 0, TZ);
  await db.response.createMany({
    data: [
      // Unit A: 6 responses in November (not provisional), U4 weakest.
      ...[1, 2, 3, 4, 5, 6].map((d) => response(a.id, [4, 3, 4, 2, 3, 4, 4, 3, 3], nov(d))),
      response(a.id, [3, 3, 3, 1, 3, 3, 3, 3, 3], nov(7), { text: 'Antrean cepat, petugas ramah <b>sekali</b>', state: 'approved' }),
      response(a.id, [3, 3, 3, 3, 3, 3, 3, 3, 3], nov(8), { text: 'Petugas bernama Budi kasar', state: 'hidden' }),
      response(a.id, [3, 3, 3, 3, 3, 3, 3, 3, 3], nov(9), { text: 'Belum ditinjau: nomor saya 0812', state: null }),
      // Unit B: 2 responses (provisional), poor.
      response(b.id, [2, 2, 1, 2, 2, 2, 2, 2, 2], nov(10)),
      response(b.id, [2, 1, 2, 2, 2, 2, 2, 2, 1], nov(11)),
      // Earlier in the year: only the year page counts them.
      ...[1, 2, 3].map((d) => response(a.id, [1, 1, 1, 1, 1, 1, 1, 1, 1], zonedTimeUtc(2026, 3, d, 9, 0, TZ))),
      response(h.id, [4, 4, 4, 4, 4, 4, 4, 4, 4], nov(3)),
    ],
  });
  const log = createLogger('silent');
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    log,
    requestTimeoutMs: 10_000,
    readiness: async () => ({ ready: true, checks: {} }),
    routes: (app) =>
      registerPublicRoutes(app, { db, log, botUsername: () => BOT, whatsappNumber: WA, cacheMs: 200, tvRefreshMs: 400, now: () => NOW }),
  });
  base = `http://127.0.0.1:${server.port}`;
  if (findChromium()) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

async function open(path: string, viewport = { width: 1100, height: 900 }): Promise<{ page: Page; status: number }> {
  const page = await browser!.newPage({ viewport });
  const answer = await page.goto(`${base}${path}`);
  return { page, status: answer?.status() ?? 0 };
}

const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent())?.trim() ?? '';

describe('public pages over HTTP', () => {
  it('answer with a strict Content-Security-Policy, an ETag that turns a repeat into 304, and no inline script', async () => {
    const first = await fetch(`${base}/MPP-UJI`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(first.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const body = await first.text();
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(body).not.toMatch(/\sstyle=/);
    const again = await fetch(`${base}/MPP-UJI`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('an unknown agency, an unpublished one, an unknown unit and a bad period are pages, not errors', async () => {
    for (const path of ['/TIDAK-ADA', '/RAHASIA', '/RAHASIA/TUTUP-1', '/RAHASIA/tv', '/MPP-UJI/TIDAK-ADA', '/u/TIDAK-ADA']) {
      const answer = await fetch(`${base}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(await answer.text(), path).toContain('Halaman tidak ditemukan');
    }
    expect((await fetch(`${base}/RAHASIA/tv.json`)).status).toBe(404);
    const bad = await fetch(`${base}/MPP-UJI?period=kemarin`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Alamat tidak dikenali');
    expect((await fetch(`${base}/bukan%20kode!`)).status).toBe(400);
  });

  it('`skm agency set --public off` makes the agency a 404 page within the cache time (one stale answer at most); `on` brings it back', async () => {
    const env = { DATABASE_URL: t.url, LOG_LEVEL: 'silent' };
    const off = await runTs('src/cli/index.ts', ['agency', 'set', 'mpp-uji', '--public', 'off'], { env });
    expect(off.stderr).toBe('');
    expect(off.stdout).toContain('public page       off');
    await expect.poll(async () => (await fetch(`${base}/MPP-UJI`)).status, { timeout: 5000 }).toBe(404);
    await expect.poll(async () => (await fetch(`${base}/`)).text(), { timeout: 5000 }).not.toContain('MPP Kota Uji');
    const on = await runTs('src/cli/index.ts', ['agency', 'set', 'MPP-UJI', '--public', 'on'], { env });
    expect(on.stdout).toContain('public page       on');
    await expect.poll(async () => (await fetch(`${base}/MPP-UJI`)).status, { timeout: 5000 }).toBe(200);
    await expect.poll(async () => (await fetch(`${base}/`)).text(), { timeout: 5000 }).toContain('MPP Kota Uji');
    const audit = await t.db.auditLog.findMany({ where: { action: 'agency.set', target: 'MPP-UJI' } });
    expect(audit.map((a) => a.details)).toEqual([{ publicScores: false }, { publicScores: true }]);
  }, 120_000); // two runs of the CLI, each its own process

  it('the page never names what an unapproved or hidden suggestion said, whatever page or feed', async () => {
    for (const path of ['/MPP-UJI', '/MPP-UJI/UJI-KTP', '/MPP-UJI/tv', '/MPP-UJI/tv.json', '/MPP-UJI?period=year&lang=en']) {
      const body = await (await fetch(`${base}${path}`)).text();
      expect(body, path).toContain('Antrean cepat');
      expect(body, path).not.toContain('Budi');
      expect(body, path).not.toContain('Belum ditinjau');
    }
  });
});

describe.skipIf(findChromium() === null)('public pages in Chromium', () => {
  it('the agency page shows the report model’s numbers, the units and the approved suggestion as text', async () => {
    const report = await agencyReport(t.db, 'MPP-UJI', parsePeriod('2026-11')!);
    const { page, status } = await open('/MPP-UJI');
    expect(status).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    expect(await text(page, '.headline [data-testid=ikm]')).toBe(formatDecimal(report.ikm!, 2, 'id'));
    expect(await text(page, '.headline [data-testid=ikm]')).toContain(',');
    expect(await text(page, '.headline [data-testid=mutu]')).toBe(report.mutu);
    expect(await text(page, '.period-now')).toBe('Periode: November 2026');
    const rows = page.locator('.units tbody tr');
    expect(await rows.count()).toBe(report.units.length);
    for (const unit of report.units) {
      const row = page.locator(`.units tr[data-unit="${unit.unit}"]`);
      expect(await row.locator('th').textContent()).toBe(unit.unitName);
      expect((await row.locator('[data-col=ikm]').textContent())?.trim()).toBe(
        unit.ikm === null ? '–' : `${formatDecimal(unit.ikm, 2, 'id')}${unit.provisional ? ' sementara' : ''}`,
      );
    }
    const ktp = report.units.find((u) => u.unit === 'UJI-KTP')!;
    expect(await page.locator('.units tr[data-unit="UJI-KTP"] [data-col=respondents]').textContent()).toBe(
      `${ktp.responses} dari target ${ktp.target!.sample} responden`,
    );
    expect(ktp.responses).toBe(9);
    // The escaped unit name and suggestion read as typed: no markup got through.
    expect(await page.locator('.quotes blockquote').first().textContent()).toBe('Antrean cepat, petugas ramah <b>sekali</b>');
    expect(await page.locator('svg.chart title').textContent()).toBe('Tren IKM');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'agency');
    await page.close();
  });

  it('the unit page shows the nine NRRs of `skm report` and marks the weakest', { timeout: 90_000 }, async () => {
    const cli = await runTs('src/cli/index.ts', ['report', '--unit', 'UJI-KTP', '--period', '2026-11', '--format', 'json'], {
      env: { DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
    });
    expect(cli.stderr).toBe('');
    const report = JSON.parse(cli.stdout) as { ikm: number; unsur: { code: string; nrr: number }[] };
    const { page, status } = await open('/MPP-UJI/uji-ktp');
    expect(status).toBe(200);
    expect(await text(page, 'h1')).toBe('Loket KTP');
    expect(await text(page, '.headline [data-testid=ikm]')).toBe(formatDecimal(report.ikm, 2, 'id'));
    expect(report.unsur).toHaveLength(9);
    for (const u of report.unsur) {
      expect(await text(page, `tr[data-element=${u.code}] [data-col=nrr]`), u.code).toBe(formatDecimal(u.nrr, 3, 'id'));
    }
    const lowest = report.unsur.reduce((a, b) => (b.nrr < a.nrr ? b : a));
    expect(await page.locator('tr.weakest').getAttribute('data-element')).toBe(lowest.code);
    expect(await page.locator('tr.weakest .weak-mark').textContent()).toBe('nilai terendah');
    expect(await page.locator('tr.weakest').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'unit');
    await page.close();
  });

  it('the period switch shows the year, and the language switch shows the page in English with decimal points', async () => {
    const { page } = await open('/MPP-UJI');
    await page.getByRole('link', { name: 'Tahun ini' }).click();
    await page.waitForURL(/period=year/);
    const year = await agencyReport(t.db, 'MPP-UJI', parsePeriod('2026')!);
    expect(await text(page, '.period-now')).toBe('Periode: Tahun 2026');
    expect(await text(page, '.headline [data-testid=ikm]')).toBe(formatDecimal(year.ikm!, 2, 'id'));
    expect(await page.locator('.periods a[aria-current=page]').textContent()).toBe('Tahun ini');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(page.url()).toContain('period=year');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(page, '.period-now')).toBe('Period: Year 2026');
    expect(await text(page, '.headline [data-testid=ikm]')).toBe(formatDecimal(year.ikm!, 2, 'en'));
    expect(await text(page, '.headline [data-testid=ikm]')).toContain('.');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the index lists the publishing agencies only', async () => {
    const { page } = await open('/');
    const names = await page.locator('.agencies li a').allTextContents();
    expect(names).toEqual(['MPP Kota Uji']);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the landing page has one button per configured channel, each the deep link the bot expects', async () => {
    const { page, status } = await open('/u/uji-ktp');
    expect(status).toBe(200);
    expect(await text(page, 'h1')).toBe('Loket KTP');
    const wa = page.getByRole('link', { name: 'Nilai lewat WhatsApp' });
    const tg = page.getByRole('link', { name: 'Nilai lewat Telegram' });
    expect(await wa.getAttribute('href')).toBe(whatsappLink(WA, 'UJI-KTP'));
    expect(await tg.getAttribute('href')).toBe(telegramDeepLink(BOT, 'UJI-KTP'));
    expect(await tg.getAttribute('href')).toBe('https://t.me/skm_uji_bot?start=u_UJI-KTP');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'landing');
    await page.close();
  });

  it('the lobby TV picks up a new rating by itself, and keeps its data while the server is unreachable', async () => {
    const { page, status } = await open('/MPP-UJI/tv', { width: 1920, height: 1080 });
    expect(status).toBe(200);
    const respondents = page.locator('[data-testid=tv-respondents]');
    expect(await respondents.textContent()).toBe('11 responden');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'tv');
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));

    await t.db.response.create({ data: response(unitA, [4, 4, 4, 4, 4, 4, 4, 4, 4], NOW) });
    await expect.poll(() => respondents.textContent(), { timeout: 15_000 }).toBe('12 responden');
    expect(loads).toEqual([]); // no reload: the script replaced the slides in place

    // The server goes away: the last data stays and the screen says the connection is lost.
    await page.route('**/tv.json*', (route) => route.abort());
    await expect.poll(() => page.locator('#tv-status').textContent(), { timeout: 15_000 }).toBe('Koneksi terputus: menampilkan data terakhir');
    expect(await respondents.textContent()).toBe('12 responden');
    await page.unroute('**/tv.json*');
    await expect.poll(() => page.locator('#tv-status').textContent(), { timeout: 20_000 }).toBe('');
    await page.close();
  });
});

if (findChromium() === null) {
  describe('public pages in Chromium', () => {
    it.skip(MISSING_CHROMIUM, () => {});
  });
}
