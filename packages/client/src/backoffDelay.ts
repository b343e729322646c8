export interface BackoffOptions {
  /** The first retry waits between half of this and this. */
  initialMs: number;
  /** No wait is longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per attempt up to `maxMs`, and the wait
 * is drawn from its upper half. The lower half bound keeps a flapping server from seeing a tight
 * loop; the random half spreads clients apart so a restarted server is not hit by all at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
