// Numbers as people read them: the decimal comma in Indonesian ("IKM 82,41", "NRR 3,167"), the point
// in English. Machine formats (JSON, the RFC 4180 CSV dialect) keep `toFixed` and the point.
import { roundHalfUp } from './ikm.js';

export type NumberLocale = 'id' | 'en';

/** `value` rounded half-up to `decimals` places, with the locale's decimal mark ("82,41" / "82.41"). */
export function formatDecimal(value: number, decimals: number, locale: NumberLocale): string {
  const text = roundHalfUp(value, decimals).toFixed(decimals);
  return locale === 'id' ? text.replace('.', ',') : text;
}

/** A whole number with the locale's thousands separator ("1.234.567" / "1,234,567"). */
export function formatCount(value: number, locale: NumberLocale): string {
  const digits = String(Math.trunc(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'id' ? '.' : ',');
  return value < 0 ? `-${digits}` : digits;
}

/** A share as a whole percentage ("87%"). */
export function formatPercent(share: number, locale: NumberLocale): string {
  return `${formatDecimal(share * 100, 0, locale)}%`;
}
