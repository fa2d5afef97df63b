// What a reliability property is: one file under bench/chaos/properties/ that exports `property`.
// `npm run chaos` finds every such file by itself, so adding a property (e.g. "webhook" for the
// webhook server on PORT, "flood" for per-chat flood limits) is adding one file, nothing else.
//
// A property runs the real program (bin/start.js in its own process, see support/bot.ts) against
// the fake Bot API, injects its fault, and returns what it saw: how many trials ran, whether the
// property held, the figures that show it, and, when it did not hold, why (short lines an engineer
// can act on). A property never throws for a failed check: a throw means the harness itself broke.

export interface RunOptions {
  /** Trials to run (or items to send, for properties that count updates rather than trials). */
  trials: number;
  /** Quick mode: shorter faults (e.g. a 2-3 s database outage instead of 10 s). */
  quick: boolean;
  /** Seed for the random choices (kill moments, garbling), so that a failing run can be replayed. */
  seed: number;
  /** Progress lines for a human watching (stderr in `npm run chaos`, silent in tests). */
  note: (line: string) => void;
}

export interface PropertyResult {
  trials: number;
  passed: boolean;
  /** Measured figures, in display order: "ratings lost" → "0", "first-try restarts" → "100 %". */
  figures: [label: string, value: string][];
  /** Why the property failed (empty when it held), most telling first. */
  failures: string[];
}

export interface ChaosProperty {
  /** Short name used by `--only` and in the table (kebab-case, the file's name). */
  name: string;
  /** One line: the fault and what must hold. */
  description: string;
  /** Trials of a full run and of `--quick` (and of the short run in `npm test`). */
  trials: { full: number; quick: number };
  run(options: RunOptions): Promise<PropertyResult>;
}

/** Collects checks and figures for a PropertyResult. */
export class Verdict {
  readonly figures: [string, string][] = [];
  readonly failures: string[] = [];

  figure(label: string, value: string | number): this {
    this.figures.push([label, String(value)]);
    return this;
  }

  /** Records a failure unless `ok`; returns `ok`. */
  check(ok: boolean, failure: string): boolean {
    if (!ok) this.failures.push(failure);
    return ok;
  }

  result(trials: number): PropertyResult {
    return { trials, passed: this.failures.length === 0, figures: this.figures, failures: this.failures };
  }
}

export const percent = (part: number, whole: number): string => (whole === 0 ? 'n/a' : `${Math.round((1000 * part) / whole) / 10} %`);

/** A small seeded PRNG (mulberry32): the same seed gives the same kill moments and garbling. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
