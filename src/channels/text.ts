// Typed text to events, shared by every channel: `/start@bot u_X` is a command, anything else text.
import type { Zona } from '../scoring/index.js';
import type { InboundEvent } from '../survey/types.js';

/** Splits `/start@skm_bot u_DUKCAPIL` into command 'start' and arg 'u_DUKCAPIL'. */
export function parseCommand(text: string): { command: string; arg: string } | null {
  const match = /^\/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: match[1]!.toLowerCase(), arg: (match[2] ?? '').trim() };
}

export function textEvent(text: string): InboundEvent {
  if (text.trimStart().startsWith('/')) {
    const command = parseCommand(text);
    if (command) return { kind: 'command', ...command };
  }
  return { kind: 'text', text };
}

/** Telegram's limit is 4096 characters; stay under it with room for a page marker. */
export const MESSAGE_LIMIT = 3900;

/** Splits a long text at line breaks so that no message exceeds Telegram's limit. */
export function splitMessage(text: string, limit = MESSAGE_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces = line.length > limit ? (line.match(new RegExp(`[^]{1,${limit}}`, 'g')) ?? []) : [line];
    for (const piece of pieces) {
      if (current !== '' && current.length + 1 + piece.length > limit) {
        parts.push(current);
        current = piece;
      } else {
        current = current === '' ? piece : `${current}\n${piece}`;
      }
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}

/** The mark officials see beside a zone, in commands, summaries and charts' captions alike. */
export const ZONE_MARKS: Record<Zona, string> = { hijau: '🟢', kuning: '🟡', merah: '🔴' };

/** "🔴 zona merah": the mark and the zone's word in the reader's language. */
export function zoneWords(zona: Zona, say: (key: string) => string): string {
  return `${ZONE_MARKS[zona]} ${say(`staff.zones.${zona}`)}`;
}
