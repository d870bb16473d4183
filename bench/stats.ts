// Summaries of repeated measurements. Medians, because on a shared machine one slow sample says more about the
// neighbours than about the code.

export interface Sampled {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function summarise(values: readonly number[], decimals = 1): Sampled {
  const round = (n: number) => Number(n.toFixed(decimals));
  return {
    median: round(median(values)),
    min: round(values.length ? Math.min(...values) : Number.NaN),
    max: round(values.length ? Math.max(...values) : Number.NaN),
    samples: values.length,
  };
}

/** Epoch milliseconds with sub-millisecond resolution, comparable with Date.now(). */
export const preciseNow = (): number => performance.timeOrigin + performance.now();
