const MIB = 1024 * 1024;

export interface RssGrowthWatch {
  /** Stops sampling; the growth (MB, rounded) of the peak reading over the first one, a last reading included. */
  stop(): number;
}

/**
 * Samples a process's RSS (`read`, bytes) every `intervalMs` from now on, as the suite's memory
 * figures are made: the peak during the work, minus the reading when watching began.
 */
export function watchRssGrowth(read: () => number, intervalMs: number): RssGrowthWatch {
  const baseline = read();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, read());
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(sampler);
      peak = Math.max(peak, read());
      return Math.round((peak - baseline) / MIB);
    },
  };
}
