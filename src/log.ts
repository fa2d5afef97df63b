// Structured logging (pino). Never log tokens, phone numbers or chat texts: bot tokens that
// appear in URLs or error messages are redacted here. Machines (journald, log shippers) get one
// JSON object per line; a person at a terminal gets one readable line per record instead.
import pino from 'pino';

const TOKEN_PATTERN = /\d{6,}:[A-Za-z0-9_-]{20,}/g;

/** Removes anything that looks like a Telegram bot token. */
export function redact(text: string): string {
  return text.replace(TOKEN_PATTERN, '<token>');
}

export type Logger = pino.Logger;

/** `auto`: pretty when stderr is a terminal, else JSON. */
export type LogFormat = 'auto' | 'json' | 'pretty';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    const err = value as { type?: unknown; message?: unknown; stack?: unknown };
    if (typeof err.message === 'string' && typeof err.stack === 'string') {
      return JSON.stringify(`${typeof err.type === 'string' ? `${err.type}: ` : ''}${err.message}`);
    }
  }
  return JSON.stringify(value) ?? String(value);
}

/**
 * One pino JSON line as `HH:MM:SS.mmm LEVEL message key=value …` (local time). The stack of an
 * error is left out to keep one line per record; LOG_FORMAT=json has it.
 */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return redact(json.endsWith('\n') ? json : `${json}\n`);
  }
  const { time, level, msg, ...rest } = record;
  const at = new Date(typeof time === 'number' ? time : Date.now());
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
  const name = (typeof level === 'number' ? LEVEL_NAMES[level] : undefined) ?? String(level);
  const fields = Object.entries(rest).map(([key, value]) => `${key}=${prettyValue(value)}`);
  const text = [clock, name.padEnd(5), typeof msg === 'string' ? msg : '', ...fields].filter((part) => part !== '').join(' ');
  return `${redact(text.replace(/[\r\n]+/g, ' '))}\n`;
}

/** A destination that writes each record to `out` as a pretty line. */
function prettyDestination(out: { write(text: string): unknown }): pino.DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line)) };
}

export function createLogger(level = 'info', destination?: pino.DestinationStream, format: LogFormat = 'auto'): Logger {
  // A given destination (tests, captures) gets JSON unless pretty is asked for explicitly.
  const pretty = format === 'pretty' || (format === 'auto' && destination === undefined && process.stderr.isTTY === true);
  const target = destination ?? pino.destination(2);
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
    pretty ? prettyDestination(target) : target,
  );
}
