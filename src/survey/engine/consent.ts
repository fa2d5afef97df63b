// Consent (UU PDP) and the one-response rule: whether this chat has agreed to the current privacy
// notice for the agency in question, the notice itself (a three-line summary before consent, the
// full text on request and on /privasi), and when the chat may rate a unit again.
import { describePeriod, localDateString, makePeriod, zonedMidnightUtc } from '../../scoring/index.js';
import type { UnitInfo } from '../types.js';
import type { Turn } from './turn.js';

/**
 * Agreed to the current notice, naming this unit's agency: the data controller differs between
 * agencies, so a consent given for one does not carry over to another.
 */
export function hasConsent(turn: Turn, unit: UnitInfo): boolean {
  const consent = turn.state.consent;
  return consent?.version === turn.ctx.config.consentVersion && consent.agency === unit.agencyCode;
}

/** "versi 1, Desember 2026": the version people see; the hash stays in the consent record. */
export function noticeVersionLabel(turn: Turn): string {
  const { number, month } = turn.ctx.config.noticeEdition;
  const [year, m] = month.split('-').map(Number) as [number, number];
  return turn.t('privacy.version', { n: number, month: describePeriod(makePeriod('month', year, m), turn.state.locale) });
}

/** What the notice says about who controls the data and how to reach them. */
function controllerParams(turn: Turn): { agency: string; contact: string } {
  const controller = turn.ctx.controller;
  if (!controller) return { agency: turn.t('privacy.unknownAgency'), contact: turn.t('privacy.unknownContact') };
  const ways = [controller.contactEmail, controller.contactPhone, controller.contactAddress].filter((v): v is string => !!v && v.trim() !== '');
  return { agency: controller.name, contact: ways.length > 0 ? ways.join(' · ') : turn.t('privacy.noContact') };
}

function noticeParams(turn: Turn): Record<string, string | number> {
  return { ...controllerParams(turn), days: turn.ctx.config.retentionDays, version: noticeVersionLabel(turn) };
}

/** The three lines shown before consent is asked. */
export function privacySummary(turn: Turn): string {
  return turn.t('privacy.summary', noticeParams(turn));
}

/** The whole notice: "selengkapnya" and /privasi. */
export function privacyText(turn: Turn): string {
  return turn.t('privacy.full', noticeParams(turn));
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
