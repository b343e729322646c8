/**
 * The `fraction` quantile of `values` by nearest rank (0.99: the smallest value that at least 99 %
 * of them do not exceed); NaN when there are none. `values` need not be sorted.
 */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN
  );
}
