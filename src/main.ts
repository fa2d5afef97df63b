// `npm start`: the bot when TELEGRAM_BOT_TOKEN is set and/or WHATSAPP_ENABLED=true, otherwise a
// terminal chat as one demo citizen on an embedded PostgreSQL seeded with a demo MPP.
//
// Start-up order matters for a cold start: the embedded PostgreSQL (a separate process) is started
// first, and the heavier modules (telegraf, i18next) load while it initialises; Prisma loads at its
// first query (src/db/lazy-prisma.ts).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from './config/index.js';
import { EX_CONFIG, EmbeddedSetupError, type EmbeddedLaunch, launchEmbeddedPostgres } from './db/embedded.js';
import type { Db } from './db/client.js';
import type { Logger } from './log.js';
import type { OutMessage, Translate } from './survey/types.js';

type Embedded = EmbeddedLaunch | undefined;

/**
 * Synthetic surveys the bot runs in memory before it takes its first update (SurveyService.warmUp).
 * Measured on a 2-core server with the pool's ten logins: about 320 ms for 50, 570–660 ms for 200
 * (the first surveys cost the most: the code is not compiled yet).
 */
const WARM_UP_SURVEYS = 50;
/** Rounds of the database warm-up: one synthetic survey per pool connection each. */
const WARM_UP_DATABASE_ROUNDS = 2;
/** Rounds of the Bot API client's warm-up (src/channels/telegram/warm-up.ts): four calls each. */
const WARM_UP_BOT_API_ROUNDS = 200;

/**
 * Without DATABASE_URL, PostgreSQL is launched before the configuration module (zod) has even
 * loaded, from the raw variables; main() checks that the validated configuration agrees.
 */
function earlyDataDir(): string | undefined {
  if ((process.env.DATABASE_URL ?? '').trim() !== '') return undefined;
  return path.join(path.resolve((process.env.SKM_DATA_DIR ?? '').trim() || '.data'), 'postgres');
}
const early = earlyDataDir();
const earlyLaunch = early === undefined ? undefined : launchEmbeddedPostgres({ dataDir: early });
earlyLaunch?.catch(() => {});

/**
 * The bot: Telegram (with a token) and/or WhatsApp (WHATSAPP_ENABLED), the officials' schedule and
 * the outbox sender. Runs until a signal, or until a channel fails.
 */
async function runBot(config: Config, log: Logger, embedded: Embedded): Promise<number> {
  const [{ createApp }, { DEMO_AGENCY, seedDemo }, { translate }, { JOBS }, { jobSettingsOf }, { StaffCommands }, { Scheduler }, outbox] =
    await Promise.all([
      import('./app.js'),
      import('./admin/demo-seed.js'),
      import('./i18n/index.js'),
      import('./jobs/registry.js'),
      import('./jobs/job.js'),
      import('./admin/commands/index.js'),
      import('./jobs/scheduler.js'),
      import('./outbox/index.js'),
    ]);
  const app = await createApp(config, log, { embedded, prepare: config.seedDemo === 'true' ? seedDemo : undefined });
  const { db } = app.database;
  if ((await db.serviceUnit.count({ where: { active: true } })) === 0) {
    log.warn('no service units yet: add some (npm run skm -- demo seed, for a demo) before sharing QR codes');
  }
  // The terminal demo seeds its MPP into whatever database it runs on; a live bot seeds it only
  // with SEED_DEMO=true. Found here otherwise, it is most likely left over from trying the demo.
  if (config.seedDemo !== 'true' && (await db.agency.count({ where: { code: DEMO_AGENCY.code } })) > 0) {
    log.warn(
      { agency: DEMO_AGENCY.code },
      'the demo agency is in this database: citizens can rate its units; remove it with: npm run skm -- demo remove',
    );
  }
  let botUsername: string | undefined = config.telegramBotUsername;
  const staff = new StaffCommands({
    db,
    t: translate,
    log,
    botUsername: () => botUsername,
    // The chart library (vega) loads on the first /tren only.
    renderTrend: async (input) => {
      const { renderTrendPng } = await import('./charts/trend.js');
      return renderTrendPng(input.series, { title: input.title, xTitle: input.xTitle, yTitle: input.yTitle, zones: input.zones });
    },
  });

  // Telegram: the channel, and the outbox sender for officials on Telegram (one per deployment, a lease).
  const telegram = config.telegram;
  const tg = telegram
    ? await (async () => {
        const [{ TelegramChannel }, { TelegramTransport }, { keyboard }, { warmUpBotApiClient }] = await Promise.all([
          import('./channels/telegram/channel.js'),
          import('./channels/telegram/transport.js'),
          import('./channels/telegram/convert.js'),
          import('./channels/telegram/warm-up.js'),
        ]);
        const channel = new TelegramChannel({
          staff,
          token: telegram.token,
          apiRoot: telegram.apiRoot,
          service: app.service,
          t: translate,
          log,
          defaultLocale: config.defaultLocale,
          webhook: telegram.webhookUrl ? { url: telegram.webhookUrl, secret: telegram.webhookSecret ?? '' } : undefined,
          chatQueueMax: config.chatQueueMax,
        });
        const sender = new outbox.OutboxSender({
          db,
          transports: { telegram: new TelegramTransport({ token: telegram.token, apiRoot: telegram.apiRoot }) },
          limits: {
            telegram: {
              globalPerSecond: config.outbox.telegram.perSecond,
              perChatPerSecond: 1 / config.outbox.telegram.perChatSeconds,
              groupPerMinute: config.outbox.telegram.groupPerMinute,
            },
          },
          maxAttempts: config.outbox.maxAttempts,
          log,
        });
        const render = (messages: OutMessage[]) => {
          for (const message of messages) keyboard(message);
        };
        return { channel, sender, render, warmUpClient: () => warmUpBotApiClient({ rounds: WARM_UP_BOT_API_ROUNDS }) };
      })()
    : undefined;

  // WhatsApp: the channel holds the socket (a lease) and sends officials' WhatsApp rows itself.
  const wa = config.whatsapp.enabled
    ? await (async () => {
        const { WhatsAppChannel } = await import('./channels/whatsapp/channel.js');
        return new WhatsAppChannel({
          db,
          service: app.service,
          staff,
          t: translate,
          log,
          defaultLocale: config.defaultLocale,
          pseudonymizer: app.pseudonymizer,
          chatQueueMax: config.chatQueueMax,
          outbox: {
            perMinute: config.outbox.whatsapp.perMinute,
            perChatPerMinute: config.outbox.whatsapp.perChatPerMinute,
            sender: { maxAttempts: config.outbox.maxAttempts },
          },
          onLoggedOut: () => tellAdminsWhatsAppLoggedOut(db, translate, log, () => tg?.sender.wake()),
          onReplaced: () => tellAdminsWhatsAppLoggedOut(db, translate, log, () => tg?.sender.wake(), 'replaced'),
        });
      })()
    : undefined;

  // Without SCHEDULER_ENABLED only the housekeeping jobs run here (maintenance: retention).
  const scheduler = new Scheduler({
    db,
    t: translate,
    log,
    ...jobSettingsOf(config, app.pseudonymizer),
    jobs: config.schedulerEnabled ? JOBS : JOBS.filter((j) => j.scope === 'global' && j.housekeeping === true),
    onQueued: () => {
      tg?.sender.wake();
      wa?.wakeOutbox();
    },
  });

  // Health checks in every mode, and the webhook when Telegram delivers by webhook.
  const webhookUrl = telegram?.webhookUrl;
  const httpServer = config.http.enabled
    ? await (async () => {
        const [{ startHttpServer }, { readinessCheck }] = await Promise.all([import('./http/server.js'), import('./http/readiness.js')]);
        return await startHttpServer({
          host: config.http.host,
          port: config.http.port,
          log,
          requestTimeoutMs: config.http.requestTimeoutMs,
          readiness: readinessCheck(db, {
            ...(tg ? { telegram: () => tg.channel.isConnected() } : {}),
            // Only the instance holding the WhatsApp lease keeps a socket; the others stand by. One
            // that gave up (its session kept being replaced) is not ready until someone acts.
            ...(wa ? { whatsapp: () => !wa.gaveUp && (!wa.isLeaseHolder || wa.connected) } : {}),
          }),
          webhook:
            tg && webhookUrl
              ? {
                  path: new URL(webhookUrl).pathname || '/',
                  secret: telegram.webhookSecret ?? '',
                  maxBodyBytes: config.http.webhookMaxBodyBytes,
                  handle: (update) => tg.channel.handleUpdate(update),
                }
              : undefined,
          // The public results pages, the lobby TV and the posters' landing pages.
          routes: async (server) => {
            const { registerPublicRoutes } = await import('./web/routes.js');
            await registerPublicRoutes(server, {
              db,
              log,
              botUsername: () => botUsername,
              whatsappNumber: config.whatsapp.enabled ? config.whatsapp.number : undefined,
            });
          },
        });
      })().catch(async (error: unknown) => {
        await app.close();
        throw error;
      })
    : undefined;

  let exitCode = 0;
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    shuttingDown ??= (async () => {
      log.info({ reason }, 'shutting down');
      // New webhook posts get 503 (Telegram delivers them again, to this or another instance).
      httpServer?.drain();
      await scheduler.stop();
      const ms = config.shutdownTimeoutSeconds * 1000;
      await Promise.all([tg?.channel.stop(ms), tg?.sender.stop(ms), wa?.stop(ms)]);
      await httpServer?.close();
      await app.close();
      log.info('stopped');
    })();
    return shuttingDown;
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // A closed terminal or SSH session: without this, Node dies at once and PostgreSQL is orphaned.
  process.once('SIGHUP', () => void shutdown('SIGHUP'));
  try {
    // Before the first update: a bot restarted after an outage gets the updates queued meanwhile at
    // once. The engine first; then, as a chat channel may meet that crowd, the database path (on
    // every connection) and the Bot API client, side by side.
    const warmStarted = performance.now();
    const warm = await app.service.warmUp({ surveys: WARM_UP_SURVEYS, choicesAs: tg ? 'buttons' : 'list', render: tg?.render });
    const [warmDb, warmApi] = await Promise.all([
      tg || wa
        ? app.service
            .warmUpDatabase({ connections: config.dbPoolSize, rounds: WARM_UP_DATABASE_ROUNDS })
            .catch((error: unknown) => void log.warn({ err: error }, 'database warm-up failed; going on'))
        : undefined,
      tg?.warmUpClient().catch((error: unknown) => void log.warn({ err: error }, 'Bot API client warm-up failed; going on')),
    ]);
    log.info(
      { engineSteps: warm.steps, databaseTaps: warmDb?.taps ?? 0, botApiCalls: warmApi?.calls ?? 0, ms: Math.round(performance.now() - warmStarted) },
      'warmed up before the first update',
    );
    if (tg) {
      // Waits (retrying with backoff) while the Bot API cannot be reached; /readyz says so meanwhile.
      await tg.channel.start();
      botUsername ??= tg.channel.username;
      if (!shuttingDown) await tg.sender.start();
    }
    if (wa && !shuttingDown) {
      await wa.start();
      log.info(config.whatsapp.number ? 'WhatsApp channel started' : 'WhatsApp channel started (set WHATSAPP_NUMBER for wa.me links on posters)');
    }
    // The first sweep (missed runs) may render charts: the bot already answers meanwhile.
    if (!shuttingDown) scheduler.start().catch((error: unknown) => log.error({ err: error }, 'scheduler failed to start'));
    await Promise.race([tg?.channel.done(), wa?.done()].filter((p): p is Promise<void> => p !== undefined));
  } catch (error) {
    const { TelegramUnauthorizedError } = await import('./channels/telegram/retry.js');
    if (error instanceof TelegramUnauthorizedError) {
      // A configuration mistake: a supervisor should not restart in a loop (EX_CONFIG).
      log.fatal(error.message);
      process.stderr.write(`skm-bot could not start: ${error.message}\n`);
      exitCode = 78;
    } else {
      log.fatal({ err: error }, 'a channel failed');
      exitCode = 1;
    }
  }
  await shutdown('channel ended');
  return exitCode;
}

/**
 * WhatsApp logged the bot out (the session was deleted), or another holder kept replacing the
 * session and the bot stopped reconnecting: every agency admin on Telegram is told what the
 * operator must do. Through the outbox, once per event.
 */
async function tellAdminsWhatsAppLoggedOut(
  db: Db,
  t: Translate,
  log: Logger,
  wake: () => void,
  what: 'loggedOut' | 'replaced' = 'loggedOut',
): Promise<void> {
  try {
    const { enqueue } = await import('./outbox/store.js');
    const admins = await db.staffUser.findMany({
      where: { channel: 'telegram', blockedAt: null, roles: { some: { revokedAt: null, role: { in: ['agency_admin', 'super_admin'] } } } },
    });
    if (admins.length === 0) return;
    const locale = (l: string) => (l === 'en' ? 'en' : 'id');
    await enqueue(
      db,
      null,
      admins.map((a) => ({
        channel: 'telegram' as const,
        chatId: a.externalId,
        staffUserId: a.id,
        text: t(locale(a.locale), what === 'replaced' ? 'whatsapp.replaced' : 'whatsapp.loggedOut'),
      })),
    );
    wake();
  } catch (error) {
    log.error({ err: error, what }, 'could not tell the admins about the WhatsApp connection');
  }
}

async function runDemoTerminal(config: Config, log: Logger, embedded: Embedded): Promise<number> {
  const [{ createApp }, { runTerminal }, { seedDemo }, { translate }] = await Promise.all([
    import('./app.js'),
    import('./channels/terminal/channel.js'),
    import('./admin/demo-seed.js'),
    import('./i18n/index.js'),
  ]);
  const app = await createApp(config, log, { embedded, prepare: config.seedDemo !== 'false' ? seedDemo : undefined });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close());
  const onSignal = () => {
    void close().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    await runTerminal({
      service: app.service,
      t: translate,
      log,
      input: process.stdin,
      output: process.stdout,
      prompt: process.stdin.isTTY === true,
      greet: true,
      defaultLocale: config.defaultLocale,
    });
  } finally {
    await close();
  }
  return 0;
}

async function stopLaunch(launch: Embedded): Promise<void> {
  await launch?.ready.then((db) => db.stop()).catch(() => {});
}

async function main(): Promise<number> {
  // Modules load once initdb (or the server) runs: before, they would hold up the launch's own steps.
  await earlyLaunch?.then(
    (launch) => launch.underway,
    () => {},
  );
  const [{ ConfigError, loadConfig }, { createLogger }] = await Promise.all([import('./config/index.js'), import('./log.js')]);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    await stopLaunch(await earlyLaunch);
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const log = createLogger(config.logLevel ?? (config.telegram || config.whatsapp.enabled ? 'info' : 'warn'), undefined, config.logFormat);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (bug)'));
  let embedded: Embedded = await earlyLaunch;
  const wanted = config.databaseUrl ? undefined : path.join(config.dataDir, 'postgres');
  if (embedded?.dataDir !== wanted) {
    // The raw variables and the validated configuration disagree: follow the configuration.
    await stopLaunch(embedded);
    embedded = wanted === undefined ? undefined : await launchEmbeddedPostgres({ dataDir: wanted });
  }
  if (embedded) log.info({ dataDir: embedded.dataDir }, 'DATABASE_URL not set: using embedded PostgreSQL');
  try {
    return config.telegram || config.whatsapp.enabled ? await runBot(config, log, embedded) : await runDemoTerminal(config, log, embedded);
  } catch (error) {
    // A failure before the database was handed over must not leave PostgreSQL running.
    await stopLaunch(embedded);
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof EmbeddedSetupError) {
      process.stderr.write(`skm-bot could not start: ${error.message}\n`);
      process.exit(EX_CONFIG);
    }
    process.stderr.write(`skm-bot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
