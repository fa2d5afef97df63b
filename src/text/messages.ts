// Text that people read, shared by channels, staff commands and jobs: messages split to fit a
// chat, and the zone wording officials see everywhere.
import type { Zona } from '../scoring/index.js';

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
