// The public routes on the bot's HTTP server. Read-only, no personal data, no cookies:
//
//   GET /                        the agencies that publish
//   GET /<AGENCY>                an agency's results (?period=month|semester|year or 2026-11, 2026-S2, 2026; ?lang=en)
//   GET /<AGENCY>/<UNIT>         one unit's results with its nine NRRs
//   GET /<AGENCY>/tv             the lobby screen, and /<AGENCY>/tv.json, the data it refreshes from
//   GET /u/<UNIT>                a poster's landing page: one button per configured chat channel
//   GET /assets/<file>           the stylesheets and the lobby screen's script
//
// An unknown agency and one whose scores are not public are the same 404 page. Every answer has a
// strict Content-Security-Policy (scripts and styles from files on this server only), an ETag and
// a short max-age; rendered answers are kept for `cacheMs` (RenderCache), so a busy page does not
// reach the database more than once per interval.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { telegramDeepLink, whatsappLink } from '../text/links.js';
import type { Db } from '../db/client.js';
import { translate } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { WEB_ASSETS_DIR } from '../paths.js';
import type { Locale } from '../survey/types.js';
import { RenderCache, type Rendered } from './cache.js';
import { PublicData, publicPeriod } from './data.js';
import { agencyPage } from './pages/agency.js';
import type { PageContext, Say } from './pages/common.js';
import { badRequestPage, notFoundPage } from './pages/error.js';
import { indexPage } from './pages/index-page.js';
import { landingPage } from './pages/landing.js';
import { tvFeed, tvPage } from './pages/tv.js';
import { unitPage } from './pages/unit.js';

export interface PublicRoutesOptions {
  db: Db;
  log: Logger;
  /** The bot's Telegram username (known once the channel asked Telegram), for the landing page. */
  botUsername: () => string | undefined;
  /** The bot's WhatsApp number (international digits), when WhatsApp is on. */
  whatsappNumber: string | undefined;
  /** How long a rendered answer is reused (default 10 s). */
  cacheMs?: number;
  /** How often the lobby screen asks for new data (default 10 s). */
  tvRefreshMs?: number;
  now?: () => Date;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const CODE = '^[A-Za-z0-9-]{1,20}$';
const querystring = {
  type: 'object',
  properties: {
    lang: { type: 'string', enum: ['id', 'en'] },
    period: { type: 'string', pattern: '^(month|semester|year|\\d{4}(-\\d{2}|-S[12])?)$' },
  },
} as const;
const agencyParams = { type: 'object', properties: { agency: { type: 'string', pattern: CODE } }, required: ['agency'] } as const;
const unitParams = {
  type: 'object',
  properties: { agency: { type: 'string', pattern: CODE }, unit: { type: 'string', pattern: CODE } },
  required: ['agency', 'unit'],
} as const;

interface Query {
  lang?: Locale;
  period?: string;
}

const ASSET_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** The asset files, read once at start: a handful of small files. */
function loadAssets(cache: RenderCache): Map<string, Promise<Rendered>> {
  const assets = new Map<string, Promise<Rendered>>();
  for (const name of fs.readdirSync(WEB_ASSETS_DIR)) {
    const type = ASSET_TYPES[path.extname(name)];
    if (!type) continue;
    const body = fs.readFileSync(path.join(WEB_ASSETS_DIR, name), 'utf8');
    assets.set(
      name,
      cache.get(`asset:${name}`, async () => ({ status: 200, type, body })),
    );
  }
  return assets;
}

export async function registerPublicRoutes(app: FastifyInstance, options: PublicRoutesOptions): Promise<void> {
  const data = new PublicData(options.db);
  const cache = new RenderCache(options.cacheMs ?? 10_000);
  const assets = loadAssets(new RenderCache(Number.POSITIVE_INFINITY));
  const now = options.now ?? (() => new Date());
  const tvRefreshMs = options.tvRefreshMs ?? 10_000;

  const context = (request: FastifyRequest, query: Query): PageContext => {
    const locale: Locale = query.lang ?? 'id';
    const t: Say = (key, params) => translate(locale, key, params);
    return {
      lang: locale,
      t,
      path: request.url.split('?')[0]!,
      query: query.period ? { period: query.period } : {},
      now: now(),
    };
  };

  const send = (request: FastifyRequest, reply: FastifyReply, page: Rendered, maxAge: number) => {
    reply.headers(SECURITY_HEADERS).header('etag', page.etag).header('cache-control', `public, max-age=${maxAge}`).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return reply.code(page.status).type(page.type).send(page.body);
  };
  const htmlPage = (status: number, body: string) => ({ status, type: 'text/html; charset=utf-8', body });

  await app.register(async (scope) => {
    // A malformed address or query is the reader's mistake: a page saying so, never a 500.
    scope.setErrorHandler(async (error: { statusCode?: number; validation?: unknown }, request, reply) => {
      const lang = (request.query as Query | undefined)?.lang === 'en' ? 'en' : 'id';
      const c = context(request, { lang });
      if (error.validation || (error.statusCode ?? 500) < 500) {
        return send(request, reply, { ...htmlPage(400, badRequestPage(c)), etag: '"bad-request"' }, 0);
      }
      options.log.error({ err: error, path: request.routeOptions.url ?? 'unknown' }, 'public page failed');
      return reply.code(500).headers(SECURITY_HEADERS).type('text/plain; charset=utf-8').send('500');
    });

    scope.get<{ Params: { file: string } }>(
      '/assets/:file',
      { schema: { params: { type: 'object', properties: { file: { type: 'string', pattern: '^[a-z-]+\\.(css|js)$' } } } } },
      async (request, reply) => {
        const asset = assets.get(request.params.file);
        if (!asset) return send(request, reply, { status: 404, type: 'text/plain; charset=utf-8', body: 'not found', etag: '"none"' }, 60);
        return send(request, reply, await asset, 300);
      },
    );

    scope.get<{ Querystring: Query }>('/', { schema: { querystring } }, async (request, reply) => {
      const c = context(request, request.query);
      const page = await cache.get(`index:${c.lang}`, async () => htmlPage(200, indexPage(c, await data.agencies())));
      return send(request, reply, page, 30);
    });

    scope.get<{ Params: { unit: string }; Querystring: Query }>(
      '/u/:unit',
      { schema: { params: { type: 'object', properties: { unit: { type: 'string', pattern: CODE } }, required: ['unit'] }, querystring } },
      async (request, reply) => {
        const c = context(request, request.query);
        const code = request.params.unit.toUpperCase();
        const page = await cache.get(`landing:${code}:${c.lang}`, async () => {
          const unit = await options.db.serviceUnit.findUnique({ where: { code }, include: { agency: true } });
          if (!unit?.active) return htmlPage(404, notFoundPage(c));
          const bot = options.botUsername();
          const links = {
            telegram: bot ? telegramDeepLink(bot, unit.code) : undefined,
            whatsapp: options.whatsappNumber ? whatsappLink(options.whatsappNumber, unit.code) : undefined,
          };
          return htmlPage(200, landingPage(c, { name: unit.name, agencyName: unit.agency.name }, links));
        });
        return send(request, reply, page, 300);
      },
    );

    /** The agency page's data for a request, or the reason there is none. */
    const agencyData = async (c: PageContext, code: string, choice: string | undefined, suggestions: number) => {
      const agency = await data.agency(code);
      if (!agency) return 'not-found' as const;
      const period = publicPeriod(choice, c.now, agency.timeZone);
      if (!period) return 'bad-period' as const;
      return { period, page: await data.agencyPage(agency, period, suggestions) };
    };

    scope.get<{ Params: { agency: string }; Querystring: Query }>(
      '/:agency',
      { schema: { params: agencyParams, querystring } },
      async (request, reply) => {
        const c = context(request, request.query);
        const code = request.params.agency.toUpperCase();
        const page = await cache.get(`agency:${code}:${request.query.period ?? ''}:${c.lang}`, async () => {
          const found = await agencyData(c, code, request.query.period, 10);
          if (found === 'not-found') return htmlPage(404, notFoundPage(c));
          if (found === 'bad-period') return htmlPage(400, badRequestPage(c));
          return htmlPage(200, agencyPage(c, found.page));
        });
        return send(request, reply, page, 30);
      },
    );

    const tvData = async (c: PageContext, code: string) => {
      const found = await agencyData(c, code, 'month', 10);
      return typeof found === 'string' ? null : tvFeed(c.t, c.lang, found.page, found.period, c.now);
    };

    scope.get<{ Params: { agency: string }; Querystring: Query }>(
      '/:agency/tv',
      { schema: { params: agencyParams, querystring } },
      async (request, reply) => {
        const c = context(request, request.query);
        const code = request.params.agency.toUpperCase();
        const page = await cache.get(`tv:${code}:${c.lang}`, async () => {
          const feed = await tvData(c, code);
          return feed ? htmlPage(200, tvPage(c, feed, tvRefreshMs)) : htmlPage(404, notFoundPage(c));
        });
        return send(request, reply, page, 5);
      },
    );

    scope.get<{ Params: { agency: string }; Querystring: Query }>(
      '/:agency/tv.json',
      { schema: { params: agencyParams, querystring } },
      async (request, reply) => {
        const c = context(request, request.query);
        const code = request.params.agency.toUpperCase();
        const page = await cache.get(`tv.json:${code}:${c.lang}`, async () => {
          const feed = await tvData(c, code);
          return feed
            ? { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(feed) }
            : { status: 404, type: 'application/json; charset=utf-8', body: '{"error":"not found"}' };
        });
        return send(request, reply, page, 0);
      },
    );

    scope.get<{ Params: { agency: string; unit: string }; Querystring: Query }>(
      '/:agency/:unit',
      { schema: { params: unitParams, querystring } },
      async (request, reply) => {
        const c = context(request, request.query);
        const code = request.params.agency.toUpperCase();
        const unitCode = request.params.unit.toUpperCase();
        const page = await cache.get(`unit:${code}:${unitCode}:${request.query.period ?? ''}:${c.lang}`, async () => {
          const agency = await data.agency(code);
          if (!agency) return htmlPage(404, notFoundPage(c));
          const period = publicPeriod(request.query.period, c.now, agency.timeZone);
          if (!period) return htmlPage(400, badRequestPage(c));
          const found = await data.unitPage(agency, unitCode, period);
          return found ? htmlPage(200, unitPage(c, found)) : htmlPage(404, notFoundPage(c));
        });
        return send(request, reply, page, 30);
      },
    );
  });
}
