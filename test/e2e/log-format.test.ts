// Logs are JSON for machines (the default when stderr is not a terminal) and one readable line per
// record with LOG_FORMAT=pretty; a bot token appears in neither.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger, prettyLine } from '../../src/log.js';
import { runTs } from '../support/run.js';

const SAMPLE = 'test/support/log-sample.ts';
const TOKEN_PART = 'secret-token-value';

describe('log format', () => {
  it('is one JSON object per line by default when stderr is not a terminal', async () => {
    const run = await runTs(SAMPLE, [], { env: { LOG_LEVEL: 'info', LOG_FORMAT: undefined } });
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r.msg)).toEqual(['summary sent', 'send retried', 'telegram unreachable']);
    expect(records[1]).toMatchObject({ level: 40, token: '<redacted>', attempt: 2 });
    expect(run.stderr).not.toContain(TOKEN_PART);
  });

  it('is one readable line per record with LOG_FORMAT=pretty', async () => {
    const run = await runTs(SAMPLE, [], { env: { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' } });
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}summary sent unit=DUKCAPIL period=2026-11$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}send retried token=<redacted> attempt=2 note="two words"$/);
    expect(lines[2]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} ERROR telegram unreachable err="Error: request to https:\/\/api\.telegram\.org\/bot<token>\/getMe failed"$/,
    );
    expect(run.stderr).not.toContain(TOKEN_PART);
    expect(run.stderr).not.toContain('{');
  });

  it('a wrong LOG_FORMAT stops the start with a message naming it', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
    expect(loadConfig({}).logFormat).toBe('auto');
  });

  it('keeps a record with line breaks on one line, and a token in the message out', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) }, 'pretty');
    log.info({ detail: 'a\nb' }, 'first\nsecond 123456789:AAH-secret-token-value-abcdefghijkl');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd().split('\n')).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN_PART);
    expect(prettyLine('not json')).toBe('not json\n');
  });
});
