// The live schedule. node-cron fires each agency's jobs at their cron times in the agency's time
// zone (a WIT agency's Monday 08:00 comes two hours before a WIB agency's), and the global jobs at
// their fixed cron (maladministration alerts every minute, maintenance every 15 minutes); all of
// them come from registry.ts. A sweep at start-up and every few minutes makes up runs missed while the
// bot was down (within the catch-up window, and only while their period is current), and picks up
// agencies added or re-scheduled since. Every run goes through runner.ts, so a fire, a sweep and
// another instance can all try the same run: it happens once.
import cron, { type ScheduledTask } from 'node-cron';
import type { Agency } from '../generated/prisma/client.js';
import { cronProblem } from './cron.js';
import type { AgencyJob, GlobalJob, Job, JobEnv } from './job.js';
import { dueFire, globalDueAt, runAgencyJob, runGlobalJob } from './jobs.js';
import { JOBS } from './registry.js';
import type { Trigger } from './runner.js';

export interface SchedulerOptions extends JobEnv {
  /** Cron expression (UTC) of the catch-up sweep; default every 10 minutes. */
  sweepCron?: string;
  clock?: () => Date;
  /** The jobs this scheduler runs (default: every job of the registry whose `ready` allows it). */
  jobs?: readonly Job[];
}

interface Armed {
  expression: string;
  timeZone: string;
  task: ScheduledTask;
}

const MINUTE_MS = 60_000;

export class Scheduler {
  private readonly tasks = new Map<string, Armed>();
  private readonly global: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly clock: () => Date;
  private readonly agencyJobs: AgencyJob[];
  private readonly globalJobs: GlobalJob[];
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? (() => new Date());
    const jobs = (options.jobs ?? JOBS).filter((j) => j.ready?.(options) !== false);
    this.agencyJobs = jobs.filter((j): j is AgencyJob => j.scope === 'agency');
    this.globalJobs = jobs.filter((j): j is GlobalJob => j.scope === 'global');
  }

  /** Makes up missed runs, then arms the cron tasks. */
  async start(): Promise<void> {
    await this.sweep();
    if (this.stopped) return;
    for (const job of this.globalJobs) {
      this.global.push(
        cron.schedule(
          job.cron,
          (ctx) => {
            // A job with a period runs for the minute it was due for (its key); one without, for now.
            const at = job.periodOf ? new Date(Math.floor(ctx.date.getTime() / MINUTE_MS) * MINUTE_MS) : this.clock();
            return this.once(job.name, () => this.runGlobal(job, at, 'schedule'));
          },
          { name: job.name, timezone: job.timeZone, noOverlap: true },
        ),
      );
    }
    this.global.push(
      cron.schedule(this.options.sweepCron ?? '*/10 * * * *', () => this.once('sweep', () => this.sweep()), {
        name: 'catch-up sweep',
        noOverlap: true,
      }),
    );
  }

  /**
   * One pass: re-reads the agencies (new ones, changed schedules or time zones re-arm their tasks)
   * and runs whatever is owed now. Failures are logged; the next pass tries again.
   */
  async sweep(now = this.clock()): Promise<void> {
    const { db, log } = this.options;
    let agencies: Agency[];
    try {
      agencies = await db.agency.findMany({ orderBy: { id: 'asc' } });
    } catch (error) {
      log.error({ err: error }, 'scheduler: could not read agencies');
      return;
    }
    if (this.stopped) return;
    this.arm(agencies);
    for (const agency of agencies) {
      for (const job of this.agencyJobs) {
        let fire: Date | null = null;
        try {
          fire = dueFire(job, agency, now, this.options.catchUpMs);
        } catch (error) {
          log.warn({ err: error, agency: agency.code, job: job.name }, 'scheduler: invalid schedule; fix it with skm agency set');
        }
        if (!fire) continue;
        const trigger: Trigger = now.getTime() - fire.getTime() < MINUTE_MS ? 'schedule' : 'catch-up';
        await this.once(`${job.name}:${agency.id}`, () => this.run(job, agency.id, fire, trigger, now));
      }
    }
    for (const job of this.globalJobs) {
      const at = globalDueAt(job, now, this.options.catchUpMs);
      if (!at) continue;
      const trigger: Trigger = job.periodOf && now.getTime() - at.getTime() < MINUTE_MS ? 'schedule' : 'catch-up';
      await this.once(job.name, () => this.runGlobal(job, at, trigger));
    }
  }

  /** Stops the tasks and waits for runs in progress (their transactions commit or roll back). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { task } of this.tasks.values()) await task.destroy();
    for (const task of this.global) await task.destroy();
    this.tasks.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Agencies whose job tasks are armed, with their cron expressions (for tests and logs). */
  armed(): Map<string, { expression: string; timeZone: string; nextRun: Date | null }> {
    return new Map([...this.tasks].map(([key, a]) => [key, { expression: a.expression, timeZone: a.timeZone, nextRun: a.task.getNextRun() }]));
  }

  private arm(agencies: Agency[]): void {
    const wanted = new Set<string>();
    for (const agency of agencies) {
      for (const job of this.agencyJobs) {
        const key = `${job.name}:${agency.code}`;
        const expression = job.cronOf(agency).trim();
        if (cronProblem(expression)) continue;
        wanted.add(key);
        const current = this.tasks.get(key);
        if (current && current.expression === expression && current.timeZone === agency.timeZone) continue;
        if (current) void current.task.destroy();
        const task = cron.schedule(
          expression,
          (ctx) => {
            // The minute it was due for, whatever the timer's lateness.
            const fire = new Date(Math.floor(ctx.date.getTime() / MINUTE_MS) * MINUTE_MS);
            return this.once(`${job.name}:${agency.id}`, () => this.run(job, agency.id, fire, 'schedule', this.clock()));
          },
          { name: key, timezone: agency.timeZone, noOverlap: true },
        );
        this.tasks.set(key, { expression, timeZone: agency.timeZone, task });
      }
    }
    for (const [key, armed] of this.tasks) {
      if (!wanted.has(key)) {
        void armed.task.destroy();
        this.tasks.delete(key);
      }
    }
  }

  private async run(job: AgencyJob, agencyId: number, fire: Date, trigger: Trigger, now: Date): Promise<void> {
    try {
      await runAgencyJob(this.options, job, agencyId, fire, trigger, now);
    } catch (error) {
      this.options.log.error({ err: error, job: job.name, agencyId }, 'job failed; it is retried at the next sweep while its period is current');
    }
  }

  private async runGlobal(job: GlobalJob, at: Date, trigger: Trigger): Promise<void> {
    try {
      await runGlobalJob(this.options, job, at, trigger);
    } catch (error) {
      this.options.log.error({ err: error, job: job.name }, 'job failed; it is retried at its next fire or sweep');
    }
  }

  /** One run per key at a time in this process (another instance is kept out by the database). */
  private once(key: string, run: () => Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const existing = this.running.get(key);
    if (existing) return existing;
    const promise = run().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }
}
