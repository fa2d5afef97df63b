// The one definition of a WhatsApp number as the bot stores it (international form, digits only,
// e.g. 6281234567890) and of the ways people write it: 0812-3456-7890, +62 812 3456 7890,
// (0812) 3456.7890. Used by the configuration (WHATSAPP_NUMBER), the CLI and the poster links.

/** Country code and number, digits only: what wa.me and the WhatsApp pairing code take. */
export const WHATSAPP_NUMBER_PATTERN = /^[1-9]\d{7,14}$/;

/** A leading 0 is Indonesia's trunk prefix: 0812… is +62 812…. */
const INDONESIA = '62';

/** The number in international form, or null when `text` is not a phone number. */
export function normaliseWhatsAppNumber(text: string): string | null {
  const compact = text.trim().replace(/[\s().-]/g, '');
  const digits = compact.startsWith('+')
    ? compact.slice(1)
    : compact.startsWith('0') && !compact.startsWith('00')
      ? `${INDONESIA}${compact.slice(1)}`
      : compact;
  const international = digits.startsWith('00') ? digits.slice(2) : digits;
  return WHATSAPP_NUMBER_PATTERN.test(international) ? international : null;
}
