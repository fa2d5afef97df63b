// The bot's HTTP server (fastify), in every mode that runs the bot: health checks for a supervisor
// or load balancer, and in webhook mode the endpoint Telegram POSTs updates to.
//
//   GET  /healthz          200 while the process runs (liveness)
//   GET  /readyz           200 when the database answers, its migrations are applied and every
//                          channel is connected; 503 with the failing checks otherwise (readiness)
//   POST <webhook path>    Telegram updates: the secret header is checked (constant time) before
//                          the body is read; JSON objects only, at most `maxBodyBytes`; answered 200
//                          once the update is claimed (or deliberately ignored), 5xx otherwise so
//                          that Telegram delivers it again.
//   anything `routes` adds (the public results pages: src/web/routes.ts)
import crypto from 'node:crypto';
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean>;
}

export type WebhookIntake = 'accepted' | 'ignored' | 'dropped' | 'failed' | 'stopping';

export interface HttpServerOptions {
  host: string;
  /** 0: any free port (see `port` of the result). */
  port: number;
  log: Logger;
  /** Longest time to receive a whole request (headers and body); slower ones are cut off. */
  requestTimeoutMs: number;
  readiness: () => Promise<Readiness>;
  webhook?:
    | {
        path: string;
        secret: string;
        maxBodyBytes: number;
        handle: (update: Record<string, unknown>) => Promise<WebhookIntake>;
      }
    | undefined;
  /** More routes (the public pages, src/web/), added before the server listens. */
  routes?: ((app: FastifyInstance) => Promise<void>) | undefined;
}

export interface HttpServer {
  /** The port it listens on. */
  port: number;
  /** fastify, for routes added later. */
  app: FastifyInstance;
  /** Answers 503 to new webhook posts (Telegram delivers them again later, maybe to another instance). */
  drain(): void;
  close(): Promise<void>;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Compares in constant time (hashes first, so the lengths need not match). */
function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { log, webhook } = options;
  let draining = false;
  const app = Fastify({
    logger: false,
    // Requests that trickle in (slow or half-open connections) are cut off; Node checks every second.
    serverFactory: (handler) =>
      http.createServer(
        {
          requestTimeout: options.requestTimeoutMs,
          headersTimeout: Math.min(options.requestTimeoutMs, 60_000),
          connectionsCheckingInterval: 1000,
          keepAliveTimeout: 5000,
        },
        handler,
      ),
    bodyLimit: webhook?.maxBodyBytes ?? 1024 * 1024,
    return503OnClosing: true,
  });

  app.get('/healthz', async (_request, reply) => reply.code(200).send({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await options.readiness().catch((): Readiness => ({ ready: false, checks: { readiness: false } }));
    const ready = readiness.ready && !draining;
    return reply.code(ready ? 200 : 503).send({ ready, checks: { ...readiness.checks, ...(draining ? { draining: false } : {}) } });
  });

  if (webhook) {
    app.route({
      method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: webhook.path,
      handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send({ error: 'method not allowed' }),
    });
    app.post<{ Body: Record<string, unknown> }>(webhook.path, {
      bodyLimit: webhook.maxBodyBytes,
      schema: { body: { type: 'object' } },
      // Before the body is read: a forged request costs nothing.
      onRequest: async (request, reply) => {
        if (!sameSecret(request.headers[SECRET_HEADER], webhook.secret)) {
          log.warn({ ip: request.ip }, 'webhook request with a wrong or missing secret refused');
          return reply.code(403).send({ error: 'forbidden' });
        }
        if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
          return reply.code(415).send({ error: 'application/json expected' });
        }
        if (draining) return reply.code(503).send({ error: 'shutting down' });
        return undefined;
      },
      handler: async (request, reply) => {
        const intake = await webhook.handle(request.body);
        if (intake === 'failed') return reply.code(500).send({ ok: false });
        if (intake === 'stopping') return reply.code(503).send({ ok: false });
        return reply.code(200).send({ ok: true });
      },
    });
  }

  if (options.routes) await options.routes(app);

  // Refused requests (bad JSON, too large, wrong type) are the sender's problem, not ours: warn.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) {
      log.warn({ status, code: error.code, path: request.routeOptions.url ?? 'unknown' }, 'HTTP request refused');
      return reply.code(status).send({ error: error.code ?? 'bad request' });
    }
    log.error({ err: error, path: request.routeOptions.url ?? 'unknown' }, 'HTTP request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));

  await app.listen({ host: options.host, port: options.port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new Error(`port ${options.port} is already in use: set PORT to a free port`);
    if (error.code === 'EACCES') throw new Error(`no permission to listen on port ${options.port}: set PORT to 1024 or above`);
    throw error;
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ port, webhook: webhook ? webhook.path : undefined }, 'HTTP server listening (GET /healthz, /readyz)');
  return {
    port,
    app,
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      await app.close();
    },
  };
}
