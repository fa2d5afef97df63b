import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('configuration', () => {
  it('runs with no variables at all (terminal demo on embedded PostgreSQL)', () => {
    const config = loadConfig({});
    expect(config.telegram).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.surveyExpiryMinutes).toBe(30);
    expect(config.responseWindow).toEqual({ kind: 'day' });
    expect(config.defaultLocale).toBe('id');
  });

  it('a wrong value stops start-up with a message naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ SURVEY_EXPIRY_MINUTES: 'soon' }, 'SURVEY_EXPIRY_MINUTES'],
      [{ PORT: '70000' }, 'PORT'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{ TELEGRAM_BOT_TOKEN: 'nope' }, 'TELEGRAM_BOT_TOKEN'],
      [{ RESPONSE_WINDOW: 'weekly' }, 'RESPONSE_WINDOW'],
      [{ DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE'],
      [{ PSEUDONYM_KEY: 'short' }, 'PSEUDONYM_KEY'],
      [{ TELEGRAM_BOT_TOKEN: '123456:abcdefghijklmnopqrstuvwxyz', TELEGRAM_WEBHOOK_URL: 'https://x.example/hook' }, 'TELEGRAM_WEBHOOK_SECRET'],
    ];
    for (const [env, name] of cases) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    }
  });

  it('parses the Telegram settings and hour windows', () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: '123456:abcdefghijklmnopqrstuvwxyz',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9999/',
      RESPONSE_WINDOW: '12h',
      SURVEY_EXPIRY_MINUTES: '45',
    });
    expect(config.telegram?.apiRoot).toBe('http://127.0.0.1:9999');
    expect(config.responseWindow).toEqual({ kind: 'hours', hours: 12 });
    expect(config.surveyExpiryMinutes).toBe(45);
  });
});
