// `npm run chaos [-- --quick] [--trials N | --trials name=N,...] [--only a,b] [--seed S]`: the
// reliability suite. Runs every property in bench/chaos/properties/ (one file each, found by
// itself) against the real program, prints one table row per property (trials, PASS/FAIL, the
// figures), then the reasons of each failure, and exits 1 when any property failed (2 for bad
// options). Everything binds to 127.0.0.1 and every property bounds its own trials and time.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChaosProperty, PropertyResult } from './property.js';
import { buildOnce } from './support/bot.js';
import { renderTable } from './table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Every property file, in name order. */
export async function loadProperties(): Promise<ChaosProperty[]> {
  const dir = path.join(HERE, 'properties');
  const files = readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const properties: ChaosProperty[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { property?: ChaosProperty };
    if (!module.property) throw new Error(`bench/chaos/properties/${file} exports no \`property\``);
    properties.push(module.property);
  }
  return properties;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** `--trials 5` for every property, or `--trials kill-during-survey=20,hostile-updates=500`. */
function parseTrials(value: string | undefined, names: readonly string[]): (name: string) => number | undefined {
  if (value === undefined) return () => undefined;
  const positive = (text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) fail(`--trials takes a whole number ≥ 1 (or name=N,...); got "${text}"`);
    return n;
  };
  if (!value.includes('=')) {
    const n = positive(value);
    return () => n;
  }
  const map = new Map<string, number>();
  for (const part of value.split(',')) {
    const [name, n] = part.split('=').map((s) => s.trim());
    if (!name || !names.includes(name)) fail(`--trials: unknown property "${name ?? ''}" (known: ${names.join(', ')})`);
    map.set(name, positive(n ?? ''));
  }
  return (name) => map.get(name);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      trials: { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const properties = await loadProperties();
  const names = properties.map((p) => p.name);
  if (values.help) {
    console.log('npm run chaos -- [--quick] [--trials N | name=N,...] [--only name,...] [--seed S]\n');
    for (const p of properties) console.log(`  ${p.name.padEnd(22)} ${p.description} (${p.trials.full} trials; --quick ${p.trials.quick})`);
    return 0;
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : names;
  const unknown = only.find((n) => !names.includes(n));
  if (unknown) fail(`--only: unknown property "${unknown}" (known: ${names.join(', ')})`);
  const trialsOf = parseTrials(values.trials, names);
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
  if (!Number.isInteger(seed)) fail(`--seed takes a whole number; got "${values.seed}"`);

  process.stderr.write(`chaos: seed ${seed}${values.quick ? ', quick' : ''} (replay with --seed ${seed})\n`);
  await buildOnce();
  const rows: { property: ChaosProperty; result: PropertyResult; seconds: number }[] = [];
  for (const property of properties.filter((p) => only.includes(p.name))) {
    const trials = trialsOf(property.name) ?? (values.quick ? property.trials.quick : property.trials.full);
    process.stderr.write(`\n== ${property.name}: ${property.description} (${trials} trials)\n`);
    const started = Date.now();
    let result: PropertyResult;
    try {
      result = await property.run({ trials, quick: values.quick, seed, note: (line) => process.stderr.write(`   ${line}\n`) });
    } catch (error) {
      // The harness broke (not the property): report it as a failure, keep going with the others.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      result = { trials: 0, passed: false, figures: [], failures: [`harness error: ${message}`] };
    }
    rows.push({ property, result, seconds: (Date.now() - started) / 1000 });
  }
  console.log('');
  console.log(renderTable(rows));
  const failed = rows.filter((r) => !r.result.passed);
  for (const { property, result } of failed) {
    console.log(`\n${property.name} failed:`);
    for (const line of result.failures.slice(0, 12)) console.log(`  - ${line}`);
    if (result.failures.length > 12) console.log(`  … and ${result.failures.length - 12} more`);
  }
  console.log(failed.length === 0 ? '\nall properties hold' : `\n${failed.length} of ${rows.length} properties failed`);
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Exit explicitly: a fake server's leftover timers must not keep a finished run alive.
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
