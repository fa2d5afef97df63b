// `npm start`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise a terminal chat as one
// demo citizen on an embedded PostgreSQL seeded with a demo MPP.
import { createApp } from './app.js';
import { TelegramChannel } from './channels/telegram/channel.js';
import { runTerminal } from './channels/terminal/channel.js';
import { ConfigError, loadConfig, type Config } from './config/index.js';
import { seedDemo } from './db/index.js';
import { translate } from './i18n/index.js';
import { scheduleMaintenance } from './jobs/maintenance.js';
import { createLogger, type Logger } from './log.js';

async function runTelegram(config: Config, telegram: NonNullable<Config['telegram']>, log: Logger): Promise<number> {
  const app = await createApp(config, log);
  if (config.seedDemo === 'true') await seedDemo(app.database.db);
  if ((await app.database.db.serviceUnit.count({ where: { active: true } })) === 0) {
    log.warn('no service units yet: add some (npm run skm -- seed demo, for a demo) before sharing QR codes');
  }
  const stopMaintenance = scheduleMaintenance(app.database.db, config.retentionDays, log);
  const channel = new TelegramChannel({
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
      await channel.stop(config.shutdownTimeoutSeconds * 1000);
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
    await channel.done();
  } catch (error) {
    log.fatal({ err: error }, 'Telegram channel failed');
    exitCode = 1;
  }
  await shutdown('channel ended');
  return exitCode;
}

async function runDemoTerminal(config: Config, log: Logger): Promise<number> {
  const app = await createApp(config, log);
  if (config.seedDemo !== 'false') await seedDemo(app.database.db);
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

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const log = createLogger(config.logLevel ?? (config.telegram ? 'info' : 'warn'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (bug)'));
  return config.telegram ? runTelegram(config, config.telegram, log) : runDemoTerminal(config, log);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`skm-bot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
