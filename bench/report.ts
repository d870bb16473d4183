// bench/results.json and the markdown table printed at the end: every figure with its unit and sample count.
import type { Sampled } from './stats.js';

export interface Figure extends Partial<Sampled> {
  label: string;
  unit: string;
  /** The value for single measurements, the median otherwise. */
  value: number;
  samples: number;
  note?: string;
}

export type RequestTable = Record<string, Record<string, number>>;

export function figure(label: string, unit: string, s: Sampled, note?: string): Figure {
  return { label, unit, value: s.median, ...s, ...(note ? { note } : {}) };
}

export function single(label: string, unit: string, value: number, note?: string): Figure {
  return { label, unit, value, samples: 1, ...(note ? { note } : {}) };
}

export function markdownTable(figures: Record<string, Figure>): string {
  const rows = Object.values(figures).map((f) => {
    const range = f.samples > 1 && f.min !== undefined && f.max !== undefined ? `${f.min} – ${f.max}` : '';
    return `| ${f.label} | ${Number.isNaN(f.value) ? 'n/a' : f.value} | ${f.unit} | ${range} | ${f.samples} | ${f.note ?? ''} |`;
  });
  return ['| figure | median (or value) | unit | min – max | samples | note |', '|---|---:|---|---|---:|---|', ...rows].join('\n');
}

/** Operations as rows, deploy kinds as columns (median count per deploy). */
export function requestTable(table: RequestTable): string {
  const kinds = Object.keys(table);
  const operations = [...new Set(kinds.flatMap((k) => Object.keys(table[k] ?? {})))].sort();
  const total = (k: string) => Object.values(table[k] ?? {}).reduce((s, n) => s + n, 0);
  return [
    `| AWS requests per deploy (median) | ${kinds.join(' | ')} |`,
    `|---|${kinds.map(() => '---:').join('|')}|`,
    ...operations.map((op) => `| ${op} | ${kinds.map((k) => table[k]?.[op] ?? 0).join(' | ')} |`),
    `| **total** | ${kinds.map((k) => total(k)).join(' | ')} |`,
  ].join('\n');
}
