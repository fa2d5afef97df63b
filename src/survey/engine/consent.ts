// Consent (UU PDP) and the one-response rule: whether this chat has agreed to the current privacy
// text, the text itself, and when the chat may rate a unit again.
import { localDateString, zonedMidnightUtc } from '../../scoring/index.js';
import type { UnitInfo } from '../types.js';
import type { Turn } from './turn.js';

export function hasConsent(turn: Turn): boolean {
  return turn.state.consent?.version === turn.ctx.config.consentVersion;
}

export function privacyText(turn: Turn): string {
  return turn.t('privacy.notice', { days: turn.ctx.config.retentionDays, version: turn.ctx.config.consentVersion });
}

/** When this chat may rate the unit again, or null when it may now. */
export function nextAllowedAt(turn: Turn, unit: UnitInfo): Date | null {
  const { ctx } = turn;
  const last = ctx.lastResponseAt;
  if (!last) return null;
  const window = ctx.config.responseWindow;
  let next: Date;
  if (window.kind === 'none') return null;
  if (window.kind === 'hours') {
    next = new Date(last.getTime() + window.hours * 3_600_000);
  } else {
    const [y, m, d] = localDateString(last, unit.timeZone).split('-').map(Number) as [number, number, number];
    next = zonedMidnightUtc(y, m, d + 1, unit.timeZone);
  }
  return next.getTime() > ctx.now.getTime() ? next : null;
}
