// Structured logging (pino). Never log tokens, phone numbers or chat texts: bot tokens that
// appear in URLs or error messages are redacted here.
import pino from 'pino';

const TOKEN_PATTERN = /\d{6,}:[A-Za-z0-9_-]{20,}/g;

/** Removes anything that looks like a Telegram bot token. */
export function redact(text: string): string {
  return text.replace(TOKEN_PATTERN, '<token>');
}

export type Logger = pino.Logger;

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: null,
      redact: { paths: ['token', '*.token', 'headers.authorization', 'config.token'], censor: '<redacted>' },
      serializers: {
        err: (error: unknown) => {
          const serialized = pino.stdSerializers.err(error as Error);
          if (serialized.message) serialized.message = redact(serialized.message);
          if (serialized.stack) serialized.stack = redact(serialized.stack);
          return serialized;
        },
      },
    },
    destination ?? pino.destination(2),
  );
}
