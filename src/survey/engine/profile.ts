// The optional respondent profile (gender, age band, education, occupation): the values offered,
// the order they are asked in, their prompts, and how an answer lands in the draft.
import type { ProfileItem, SurveyDraft } from '../types.js';
import { type Prompt, type Turn, SKIP } from './turn.js';

export const GENDERS = ['L', 'P'] as const;
export const AGE_BANDS = ['<20', '20-29', '30-39', '40-49', '50-59', '60+'] as const;
export const EDUCATIONS = ['SD', 'SMP', 'SMA', 'D1-D3', 'D4/S1', 'S2', 'S3'] as const;
export const OCCUPATIONS = ['PNS', 'TNI', 'POLRI', 'Swasta', 'Wirausaha', 'Lainnya'] as const;
const PROFILE_ORDER: readonly ProfileItem[] = ['gender', 'age', 'education', 'occupation'];

/** The profile item after this one, or null after the last. */
export function nextProfileItem(item: ProfileItem): ProfileItem | null {
  return PROFILE_ORDER[PROFILE_ORDER.indexOf(item) + 1] ?? null;
}

/** An age typed as a number, as its band; null for an age no respondent has. */
export function ageBand(age: number): string | null {
  if (!Number.isInteger(age) || age < 10 || age > 120) return null;
  if (age < 20) return '<20';
  if (age >= 60) return '60+';
  const lower = Math.floor(age / 10) * 10;
  return `${lower}-${lower + 9}`;
}

export function profilePrompt(turn: Turn, item: ProfileItem): Prompt {
  const skip = { label: turn.t('common.skip'), value: SKIP };
  switch (item) {
    case 'gender':
      return {
        text: turn.t('profile.gender'),
        choices: [...GENDERS.map((g) => ({ label: turn.t(`profile.genders.${g}`), value: g })), skip],
        columns: 3,
      };
    case 'age':
      return {
        text: turn.t('profile.age'),
        choices: [...AGE_BANDS.map((a) => ({ label: turn.t(`profile.ages.${a}`), value: a })), skip],
        columns: 3,
      };
    case 'education':
      return {
        text: turn.t('profile.education'),
        choices: [...EDUCATIONS.map((e) => ({ label: e, value: e })), skip],
        columns: 4,
      };
    case 'occupation':
      return {
        text: turn.t('profile.occupation'),
        choices: [...OCCUPATIONS.map((o) => ({ label: turn.t(`profile.occupations.${o}`), value: o })), skip],
        columns: 3,
      };
  }
}

/** Stores a profile answer (a skipped item stays unset). */
export function recordProfile(draft: SurveyDraft, item: ProfileItem, value: string): void {
  if (value === SKIP) return;
  if (item === 'gender') draft.profile.gender = value as 'L' | 'P';
  if (item === 'age') draft.profile.ageBand = value;
  if (item === 'education') draft.profile.education = value;
  if (item === 'occupation') draft.profile.occupation = value;
}
