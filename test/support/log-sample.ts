// Logs a few records the way the bot does (configuration from the environment, then createLogger),
// including things that must never appear: a bot token in a field, in an error and in a URL.
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';

const config = loadConfig();
const log = createLogger(config.logLevel ?? 'info', undefined, config.logFormat);
const token = '123456789:AAH-secret-token-value-abcdefghijkl';
log.info({ unit: 'DUKCAPIL', period: '2026-11' }, 'summary sent');
log.warn({ token, attempt: 2, note: 'two words' }, 'send retried');
log.error({ err: new Error(`request to https://api.telegram.org/bot${token}/getMe failed`) }, 'telegram unreachable');
