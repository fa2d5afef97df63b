// Cron expressions in an agency's time zone. node-cron fires the live schedule (src/jobs/scheduler.ts);
// these helpers answer the questions node-cron does not: when did a schedule last fire before a given
// instant (catch-up after downtime), and when will it fire next after any instant (tests, `skm job
// list`, `--at`). Both use node-cron's own parser and matcher, so they cannot disagree with it.
import cron, { type ScheduledTask } from 'node-cron';
import { localParts, zonedTimeUtc } from '../scoring/index.js';

const DAY_MS = 86_400_000;
/** Five fields (minute hour day-of-month month day-of-week): no seconds, so a minute fires once. */
const FIVE_FIELDS = /^\S+(\s+\S+){4}$/;

export class CronError extends Error {
  override name = 'CronError';
}

/** A readable reason when the expression is not a five-field cron expression node-cron accepts; null when fine. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (!FIVE_FIELDS.test(text)) return 'a cron expression has five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * 1"';
  const detail = cron.validateDetailed(text);
  if (detail.valid) return null;
  return detail.errors.map((e) => e.message).join('; ') || 'not a valid cron expression';
}

interface Matcher {
  task: ScheduledTask;
  hours: number[];
  minutes: number[];
}

const matchers = new Map<string, Matcher>();

function matcherFor(expression: string, timeZone: string): Matcher {
  const key = `${expression}\u0000${timeZone}`;
  let m = matchers.get(key);
  if (!m) {
    const problem = cronProblem(expression);
    if (problem) throw new CronError(`"${expression}": ${problem}`);
    const fields = cron.parse(expression.trim());
    // createTask does not start the task: it is only used as a matcher here.
    const task = cron.createTask(expression.trim(), () => {}, { timezone: timeZone });
    m = { task, hours: [...fields.hour].sort((a, b) => a - b), minutes: [...fields.minute].sort((a, b) => a - b) };
    matchers.set(key, m);
  }
  return m;
}

/** Candidate instants of one local day, in ascending order (the day-of-month/month/weekday fields are checked by the matcher). */
function candidatesOfDay(m: Matcher, day: Date, timeZone: string): Date[] {
  const { y, m: month, d } = localParts(day, timeZone);
  const out: Date[] = [];
  for (const hour of m.hours) for (const minute of m.minutes) out.push(zonedTimeUtc(y, month, d, hour, minute, timeZone));
  return out;
}

/** The latest fire time at or before `at`, looking back at most `lookbackMs`; null when none. */
export function previousFire(expression: string, timeZone: string, at: Date, lookbackMs: number): Date | null {
  const m = matcherFor(expression, timeZone);
  const earliest = at.getTime() - lookbackMs;
  for (let day = 0; day * DAY_MS <= lookbackMs + DAY_MS; day++) {
    const candidates = candidatesOfDay(m, new Date(at.getTime() - day * DAY_MS), timeZone).reverse();
    for (const c of candidates) {
      if (c.getTime() > at.getTime() || c.getTime() < earliest) continue;
      if (m.task.match(c)) return c;
    }
  }
  return null;
}

/** The first fire time strictly after `after` (within about a year); null for a schedule that never fires. */
export function nextFire(expression: string, timeZone: string, after: Date): Date | null {
  const m = matcherFor(expression, timeZone);
  for (let day = 0; day <= 366; day++) {
    for (const c of candidatesOfDay(m, new Date(after.getTime() + day * DAY_MS), timeZone)) {
      if (c.getTime() > after.getTime() && m.task.match(c)) return c;
    }
  }
  return null;
}

/** "Senin 08.00"-style words are the locale's business; this gives the bare local time "08.00" of a fire instant. */
export function localClock(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${String(p.hour).padStart(2, '0')}.${String(p.minute).padStart(2, '0')}`;
}
