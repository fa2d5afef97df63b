// The one place that reads process.env: every setting is parsed and checked here, once, at
// start-up. A wrong value stops the start with a message naming the variable.
import path from 'node:path';
import { z } from 'zod';
import { WHATSAPP_NUMBER_PATTERN, normaliseWhatsAppNumber } from './whatsapp-number.js';

export { WHATSAPP_NUMBER_PATTERN, normaliseWhatsAppNumber } from './whatsapp-number.js';

const emptyToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

/** `day` (calendar day in the agency's time zone), `none`, or a number of hours like `12h`. */
const responseWindow = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('day')
    .transform((value, ctx) => {
      const v = value.trim().toLowerCase();
      if (v === 'day' || v === 'none') return { kind: v } as const;
      const match = /^(\d{1,4})h$/.exec(v);
      if (match && Number(match[1]) > 0) return { kind: 'hours', hours: Number(match[1]) } as const;
      ctx.addIssue({ code: 'custom', message: 'use "day", "none" or a number of hours such as "12h"' });
      return z.NEVER;
    }),
);

const schema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
    LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['auto', 'json', 'pretty']).default('auto')),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection URL')
        .optional(),
    ),
    SKM_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
    DB_POOL_SIZE: int(1, 100, 10),
    TELEGRAM_BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'does not look like a bot token from @BotFather (123456:ABC...)')
        .optional(),
    ),
    TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url().default('https://api.telegram.org')),
    TELEGRAM_WEBHOOK_URL: optionalUrl,
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
        .optional(),
    ),
    TELEGRAM_BOT_USERNAME: optionalString,
    PORT: int(0, 65535, 8080),
    HTTP_HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    HTTP_ENABLED: bool(true),
    WEBHOOK_MAX_BODY_KB: int(1, 64 * 1024, 1024),
    HTTP_REQUEST_TIMEOUT_SECONDS: int(1, 600, 10),
    CHAT_QUEUE_MAX: int(1, 100, 4),
    PSEUDONYM_KEY: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
    DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(['id', 'en']).default('id')),
    SURVEY_EXPIRY_MINUTES: int(1, 24 * 60, 30),
    RESPONSE_WINDOW: responseWindow,
    UNIT_LIST_MAX: int(0, 50, 10),
    RETENTION_DAYS: int(1, 3650, 365),
    SEED_DEMO: z.preprocess(emptyToUndefined, z.enum(['auto', 'true', 'false']).default('auto')),
    SHUTDOWN_TIMEOUT_SECONDS: int(1, 600, 20),
    SCHEDULER_ENABLED: bool(true),
    JOB_CATCH_UP_HOURS: int(0, 24 * 7, 48),
    OUTBOX_TELEGRAM_PER_SECOND: int(1, 1000, 30),
    OUTBOX_TELEGRAM_PER_CHAT_SECONDS: int(1, 60, 1),
    OUTBOX_TELEGRAM_GROUP_PER_MINUTE: int(1, 600, 20),
    OUTBOX_MAX_ATTEMPTS: int(1, 50, 8),
    OUTBOX_RETENTION_DAYS: int(1, 3650, 90),
    WHATSAPP_ENABLED: bool(false),
    WHATSAPP_NUMBER: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((v) => normaliseWhatsAppNumber(v) ?? v)
        .pipe(z.string().regex(WHATSAPP_NUMBER_PATTERN, 'must be the WhatsApp number in international form, e.g. 6281234567890'))
        .optional(),
    ),
    WHATSAPP_OUTBOX_PER_MINUTE: int(1, 600, 20),
    WHATSAPP_OUTBOX_PER_CHAT_PER_MINUTE: int(1, 60, 5),
    WHATSAPP_SENT_RETENTION_HOURS: int(1, 720, 24),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'is required when TELEGRAM_WEBHOOK_URL is set',
      });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.HTTP_ENABLED) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_ENABLED'],
        message: 'must be true when TELEGRAM_WEBHOOK_URL is set (the webhook is served over HTTP)',
      });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_BOT_TOKEN'],
        message: 'is required when TELEGRAM_WEBHOOK_URL is set',
      });
    }
  });

export type ResponseWindow = { kind: 'day' } | { kind: 'none' } | { kind: 'hours'; hours: number };

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  /** Unset: 'info' for the bot, 'warn' for the terminal demo (keeps the chat readable). */
  logLevel: string | undefined;
  /** `json` (one object per line), `pretty` (one readable line), or `auto`: pretty on a terminal. */
  logFormat: 'auto' | 'json' | 'pretty';
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  telegram:
    | {
        token: string;
        apiRoot: string;
        webhookUrl: string | undefined;
        webhookSecret: string | undefined;
      }
    | undefined;
  /** For printed deep links (QR posters, /undang, /unit); also known from getMe once the bot runs. */
  telegramBotUsername: string | undefined;
  /** The bot's HTTP server: webhook (if configured), /healthz and /readyz. Port 0 lets the system choose. */
  http: { enabled: boolean; port: number; host: string; webhookMaxBodyBytes: number; requestTimeoutMs: number };
  /** Updates of one chat waiting to be handled; more are dropped (a flood must not slow other chats). */
  chatQueueMax: number;
  pseudonymKey: string | undefined;
  defaultLocale: 'id' | 'en';
  surveyExpiryMinutes: number;
  responseWindow: ResponseWindow;
  unitListMax: number;
  retentionDays: number;
  seedDemo: 'auto' | 'true' | 'false';
  shutdownTimeoutSeconds: number;
  /** Run the schedule (summaries, reminders) in this process; several instances may (runs happen once). */
  schedulerEnabled: boolean;
  catchUpHours: number;
  outbox: {
    telegram: { perSecond: number; perChatSeconds: number; groupPerMinute: number };
    whatsapp: { perMinute: number; perChatPerMinute: number };
    maxAttempts: number;
    retentionDays: number;
  };
  /** WhatsApp through Baileys (a linked WhatsApp account): `skm whatsapp link` pairs it. */
  whatsapp: {
    enabled: boolean;
    number: string | undefined;
    /** Hours the bot's sent messages are kept to answer a recipient's retry receipt. */
    sentRetentionHours: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'environment';
      return `  ${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.SKM_DATA_DIR),
    dbPoolSize: e.DB_POOL_SIZE,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
        }
      : undefined,
    telegramBotUsername: e.TELEGRAM_BOT_USERNAME,
    http: {
      enabled: e.HTTP_ENABLED,
      port: e.PORT,
      host: e.HTTP_HOST,
      webhookMaxBodyBytes: e.WEBHOOK_MAX_BODY_KB * 1024,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    },
    chatQueueMax: e.CHAT_QUEUE_MAX,
    pseudonymKey: e.PSEUDONYM_KEY,
    defaultLocale: e.DEFAULT_LOCALE,
    surveyExpiryMinutes: e.SURVEY_EXPIRY_MINUTES,
    responseWindow: e.RESPONSE_WINDOW,
    unitListMax: e.UNIT_LIST_MAX,
    retentionDays: e.RETENTION_DAYS,
    seedDemo: e.SEED_DEMO,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    schedulerEnabled: e.SCHEDULER_ENABLED,
    catchUpHours: e.JOB_CATCH_UP_HOURS,
    outbox: {
      telegram: {
        perSecond: e.OUTBOX_TELEGRAM_PER_SECOND,
        perChatSeconds: e.OUTBOX_TELEGRAM_PER_CHAT_SECONDS,
        groupPerMinute: e.OUTBOX_TELEGRAM_GROUP_PER_MINUTE,
      },
      whatsapp: { perMinute: e.WHATSAPP_OUTBOX_PER_MINUTE, perChatPerMinute: e.WHATSAPP_OUTBOX_PER_CHAT_PER_MINUTE },
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    whatsapp: { enabled: e.WHATSAPP_ENABLED, number: e.WHATSAPP_NUMBER, sentRetentionHours: e.WHATSAPP_SENT_RETENTION_HOURS },
  };
}
