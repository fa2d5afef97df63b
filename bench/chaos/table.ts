// The summary table of a chaos run: one row per property, figures as `label value` pairs.
import type { ChaosProperty, PropertyResult } from './property.js';

export function renderTable(rows: readonly { property: ChaosProperty; result: PropertyResult; seconds: number }[]): string {
  const header = ['property', 'trials', 'result', 'time', 'figures'];
  const body = rows.map(({ property, result, seconds }) => [
    property.name,
    String(result.trials),
    result.passed ? 'PASS' : 'FAIL',
    `${seconds.toFixed(0)} s`,
    result.figures.map(([label, value]) => `${label} ${value}`).join(' · '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (i === 4 ? 0 : r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w, i) => (i === 4 ? '-------' : '-'.repeat(w)))), ...body.map(line)].join('\n');
}
