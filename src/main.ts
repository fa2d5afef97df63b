// `npm start`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise a terminal chat as one
// demo citizen on an embedded PostgreSQL seeded with a demo MPP.
//
// Start-up order matters for a cold start: the embedded PostgreSQL (a separate process) is started
// first, and the heavier modules (Prisma, telegraf, i18next) load while it initialises.
import path from 'node:path';
import type { Config } from './config/index.js';
import { type EmbeddedLaunch, launchEmbeddedPostgres } from './db/embedded.js';
import type { Logger } from './log.js';

type Embedded = EmbeddedLaunch | undefined;

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

async function runTelegram(config: Config, telegram: NonNullable<Config['telegram']>, log: Logger, embedded: Embedded): Promise<number> {
  const [{ createApp }, { TelegramChannel }, { seedDemo }, { translate }, { scheduleMaintenance }, { StaffCommands }, { Scheduler }, outbox] =
    await Promise.all([
      import('./app.js'),
      import('./channels/telegram/channel.js'),
      import('./db/seed.js'),
      import('./i18n/index.js'),
      import('./jobs/maintenance.js'),
      import('./admin/commands.js'),
      import('./jobs/scheduler.js'),
      import('./outbox/index.js'),
    ]);
  const app = await createApp(config, log, { embedded, prepare: config.seedDemo === 'true' ? seedDemo : undefined });
  if ((await app.database.db.serviceUnit.count({ where: { active: true } })) === 0) {
    log.warn('no service units yet: add some (npm run skm -- seed demo, for a demo) before sharing QR codes');
  }
  const stopMaintenance = scheduleMaintenance(app.database.db, { days: config.retentionDays, outboxDays: config.outbox.retentionDays }, log);
  // Officials' messages: jobs write them to the outbox, one sender per deployment (a lease) delivers.
  const sender = new outbox.OutboxSender({
    db: app.database.db,
    transports: { telegram: new outbox.TelegramTransport({ token: telegram.token, apiRoot: telegram.apiRoot }) },
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
  const scheduler = config.schedulerEnabled
    ? new Scheduler({ db: app.database.db, t: translate, log, catchUpMs: config.catchUpHours * 3_600_000, onQueued: () => sender.wake() })
    : undefined;
  let botUsername: string | undefined = config.telegramBotUsername;
  const staff = new StaffCommands({
    db: app.database.db,
    t: translate,
    log,
    botUsername: () => botUsername,
    // The chart library (vega) loads on the first /tren only.
    renderTrend: async (input) => {
      const { renderTrendPng } = await import('./charts/trend.js');
      return renderTrendPng(input.series, { title: input.title, xTitle: input.xTitle, yTitle: input.yTitle, zones: input.zones });
    },
  });
  const channel = new TelegramChannel({
    staff,
    claimUpdate: (updateId) => app.service.claimUpdate('telegram', updateId),
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    service: app.service,
    t: translate,
    log,
    defaultLocale: config.defaultLocale,
    webhook: telegram.webhookUrl
      ? { url: telegram.webhookUrl, secret: telegram.webhookSecret ?? '', port: config.port }
      : undefined,
  });
  let exitCode = 0;
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    shuttingDown ??= (async () => {
      log.info({ reason }, 'shutting down');
      await scheduler?.stop();
      await Promise.all([channel.stop(config.shutdownTimeoutSeconds * 1000), sender.stop(config.shutdownTimeoutSeconds * 1000)]);
      await stopMaintenance();
      await app.close();
      log.info('stopped');
    })();
    return shuttingDown;
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await channel.start();
    botUsername ??= channel.bot.botInfo?.username;
    await sender.start();
    // The first sweep (missed runs) may render charts: the bot already answers meanwhile.
    scheduler?.start().catch((error: unknown) => log.error({ err: error }, 'scheduler failed to start'));
    await channel.done();
  } catch (error) {
    log.fatal({ err: error }, 'Telegram channel failed');
    exitCode = 1;
  }
  await shutdown('channel ended');
  return exitCode;
}

async function runDemoTerminal(config: Config, log: Logger, embedded: Embedded): Promise<number> {
  const [{ createApp }, { runTerminal }, { seedDemo }, { translate }] = await Promise.all([
    import('./app.js'),
    import('./channels/terminal/channel.js'),
    import('./db/seed.js'),
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
  try {
    await runTerminal({
      service: app.service,
      t: translate,
      log,
      input: process.stdin,
      output: process.stdout,
      prompt: process.stdin.isTTY === true,
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
  const log = createLogger(config.logLevel ?? (config.telegram ? 'info' : 'warn'));
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
    return config.telegram ? await runTelegram(config, config.telegram, log, embedded) : await runDemoTerminal(config, log, embedded);
  } catch (error) {
    // A failure before the database was handed over must not leave PostgreSQL running.
    await stopLaunch(embedded);
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`skm-bot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
