// Summarises a V8 .cpuprofile (from `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm
// run bench ...`): where the bot's time goes, by area and by function. A native call (a socket
// write, a JSON parse) counts for the nearest package or file above it on the stack, so that
// "pg" includes the writes of its queries and "Bot API" the writes of its HTTP requests.
// `npx tsx bench/cpuprofile-summary.ts /tmp/prof/CPU.*.cpuprofile [top]`
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: [RegExp, string][] = [
  [/@prisma\/adapter-pg/, 'Prisma driver adapter'],
  [/@prisma\/client\/runtime\/query_compiler|^wasm:/, 'Prisma query compiler (wasm)'],
  [/@prisma\//, 'Prisma client runtime'],
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//, 'pg driver (with its socket writes)'],
  [/node_modules\/(node-fetch|telegraf)\//, 'Bot API calls: telegraf, node-fetch (with their socket writes)'],
  [/node_modules\/i18next\//, 'i18next'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/(pino|sonic-boom|thread-stream)\//, 'pino'],
  [/node_modules\/(fastify|@fastify|ajv|find-my-way|avvio)\//, 'fastify'],
  [/node_modules\//, 'other packages'],
  [/\/dist\/|\/bench\/out\/|\/src\//, 'our code'],
];
const VM = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/cpuprofile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? '25');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const areas = new Map<string, number>();
const functions = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
let total = 0;
profile.samples.forEach((leafId, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  total += us;
  const leaf = byId.get(leafId)!.callFrame;
  const where = leaf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src|bench)\//, '$1/');
  add(functions, `${leaf.functionName || '(anonymous)'}  ${where}${where ? `:${leaf.lineNumber + 1}` : ''}`, us);
  let area = VM.has(leaf.functionName) ? leaf.functionName : undefined;
  for (let id: number | undefined = leafId; area === undefined && id !== undefined; id = parentOf.get(id)) {
    const url = byId.get(id)!.callFrame.url;
    area = AREAS.find(([pattern]) => pattern.test(url))?.[1];
  }
  add(areas, area ?? 'Node internals alone (mostly HTTP request flushes; parsers, timers)', us);
});

const line = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(6)} s`;
const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
console.log(`${(total / 1e6).toFixed(2)} s sampled`);
console.log('-- by area');
for (const [area, us] of sorted(areas)) console.log(`${line(us)}  ${area}`);
console.log('-- by function (self time)');
for (const [fn, us] of sorted(functions).slice(0, top)) console.log(`${line(us)}  ${fn}`);
