// Typed text to events, shared by every channel: `/start@bot u_X` is a command, anything else text.
import type { InboundEvent } from '../survey/types.js';
import { cleanText } from '../text/index.js';

export { cleanText };

/** Splits `/start@skm_bot u_DUKCAPIL` into command 'start' and arg 'u_DUKCAPIL'. */
export function parseCommand(text: string): { command: string; arg: string } | null {
  const match = /^\/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: match[1]!.toLowerCase(), arg: (match[2] ?? '').trim() };
}

export function textEvent(raw: string): InboundEvent {
  const text = cleanText(raw);
  if (text.trimStart().startsWith('/')) {
    const command = parseCommand(text);
    if (command) return { kind: 'command', ...command };
  }
  return { kind: 'text', text };
}
