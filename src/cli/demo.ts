// `skm demo seed|remove`: the demo MPP that `npm start` without a token rates, put in or taken out
// of a database (`skm seed demo`, the older spelling, is read as `skm demo seed`). Returns null for
// a command that is not one of these.
import { DEMO_AGENCY, seedDemo } from '../admin/demo-seed.js';
import { DemoRemoveError, removeDemo } from '../admin/demo-remove.js';
import { ReportError } from '../reports/unit-report.js';
import { type CliIo, UsageError, withDatabase } from './common.js';

export async function runDemoCommands(command: string, sub: string | undefined, rest: string[], io: CliIo): Promise<number | null> {
  if (command !== 'demo' || (sub !== 'seed' && sub !== 'remove')) return null;
  if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}`);
  if (sub === 'seed') {
    const result = await withDatabase((database) => seedDemo(database.db));
    io.out(`Demo data ready: agency ${result.agency} with ${result.units} units. Remove it before going live: skm demo remove`);
    return 0;
  }
  const removed = await withDatabase(async ({ db }) => {
    try {
      return await removeDemo(db);
    } catch (error) {
      if (error instanceof DemoRemoveError) throw new ReportError(error.message);
      throw error;
    }
  });
  if (!removed) {
    io.out(`There is no demo agency (${DEMO_AGENCY.code}) in this database: nothing to remove.`);
    return 0;
  }
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const parts = [
    n(removed.units, 'unit'),
    n(removed.responses, 'response'),
    n(removed.followUps, 'follow-up plan'),
    n(removed.staffRoles, 'staff role'),
    `${n(removed.staffUsers, 'staff user')} left without a role`,
    n(removed.invitations, 'invitation'),
    n(removed.jobRuns, 'job run'),
    n(removed.outboxMessages, 'outbox message'),
  ];
  io.out(`Removed the demo agency ${removed.agency}: ${parts.join(', ')}.`);
  if (removed.conversations > 0) {
    io.out(
      removed.conversations === 1
        ? '1 unfinished survey on a demo unit was cancelled.'
        : `${removed.conversations} unfinished surveys on demo units were cancelled.`,
    );
  }
  io.out('Other agencies were not touched. A running bot stops offering the demo units within 30 seconds.');
  return 0;
}
