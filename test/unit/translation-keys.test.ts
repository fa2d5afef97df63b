// Every translation key the code can ask for exists in both languages, so a typo or a key added in
// code but not in locales/ fails here, in CI, and not in front of a citizen or an official.
// Built keys (`staff.roles.${r.role}`) are checked for every value their variable part can take:
// the scan follows names to the lists they come from; parts read from data come from the lists
// below, imported from the code that defines them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/admin/staff.js';
import { LOCALES_DIR } from '../../src/i18n/index.js';
import { REMINDER_KINDS } from '../../src/jobs/reminders.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { ZONE_MARKS } from '../../src/text/messages.js';
import { PUBLIC_PERIOD_KINDS } from '../../src/web/data.js';
import { ROOT } from '../support/run.js';
import { TranslationScan } from '../support/translation-keys.js';

/** Parts of built keys that come from data, by the key's text before them. */
const PARTS: Record<string, readonly string[]> = {
  'staff.roles.': ROLES,
  'staff.maladminItems.': DEFAULT_QUESTIONNAIRE.maladmin.map((item) => item.code),
  // Only the kinds in REMINDER_KINDS are listed (the command filters the agency's setting by it).
  'staff.langganan.kinds.': REMINDER_KINDS,
  // ZONE_MARKS is a Record<Zona, …>: the compiler keeps its keys complete.
  'staff.zones.': Object.keys(ZONE_MARKS),
  'report.zones.': Object.keys(ZONE_MARKS),
  // The zone reminder is only for yellow and red units (planDailyReminders skips green ones first).
  'reminders.zone.': Object.keys(ZONE_MARKS).filter((zona) => zona !== 'hijau'),
  // The public pages: a unit's zone, or none without responses; the mutu letter; the period kinds they offer.
  'web.zone.': [...Object.keys(ZONE_MARKS), 'none'],
  'web.kinerja.': ['A', 'B', 'C', 'D'],
  'web.period.': PUBLIC_PERIOD_KINDS,
  'web.trend.description.': PUBLIC_PERIOD_KINDS,
};

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function localeKeys(locale: string): Set<string> {
  return new Set(keysOf(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, locale, 'translation.json'), 'utf8'))));
}

describe('translation keys used in src/', () => {
  const scan = new TranslationScan(ROOT, PARTS).scan(path.join(ROOT, 'src'));
  const id = localeKeys('id');
  const en = localeKeys('en');

  it('every key used in code can be reduced to the keys it may be', () => {
    expect(scan.unresolved).toEqual([]);
  });

  it('the scan finds literal keys and every value of built keys, in engine, commands, jobs and channels', () => {
    const used = new Set(scan.uses.map((u) => u.key));
    expect(used.size).toBeGreaterThan(150);
    for (const key of [
      'survey.thanks', // turn.t('…')
      'summary.followUp.no', // say(cond ? '…' : '…')
      'whatsapp.loggedOut', // t(locale(x), '…')
      'staff.maladminItems.prosedur', // `staff.maladminItems.${code}` in a job
      'staff.roles.super_admin', // `staff.roles.${r.role}`
      'staff.menu.cabut', // names.map((command) => t(`staff.menu.${command}`)) over two lists
      'citizenMenu.hapusdata', // the Telegram citizen menu
      'staff.langganan.alreadyActive', // a local const chosen by conditions
      'profile.ages.60+', // (typeof AGE_BANDS)[number]
      'reminders.zone.merah',
    ]) {
      expect(used, key).toContain(key);
    }
    // The helpers that pass their own key on (turn.t, the staff `t`, the summary's `say`, translate itself).
    expect(scan.forwarded.length).toBeGreaterThanOrEqual(4);
  });

  it('every key used in code exists in Indonesian and in English', () => {
    expect(scan.uses.length).toBeGreaterThan(150);
    const missing = scan.uses.flatMap((u) => [
      ...(id.has(u.key) ? [] : [`${u.key} (id) at ${u.at}`]),
      ...(en.has(u.key) ? [] : [`${u.key} (en) at ${u.at}`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('both locale files have the same keys', () => {
    expect(id.size).toBeGreaterThan(150);
    expect([...en].sort()).toEqual([...id].sort());
  });
});
