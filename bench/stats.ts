/** Small statistics helpers for the benchmark: nearest-rank percentiles and medians. */

/** The nearest-rank `p`-th percentile (0-100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** The median of `values` (the 50th percentile). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Milliseconds elapsed since `start` (a performance.now() reading). */
export function since(start: number): number {
  return performance.now() - start;
}
