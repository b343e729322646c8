/** Keys tracked at once; past it the oldest is forgotten (its next line goes through). */
const MAX_KEYS = 1_000;

export interface LogThrottleOptions {
  /** At most one line per key per this many ms. */
  intervalMs: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/**
 * Lets one log line per key through per interval and counts the ones held back, so an outage that
 * fails every request writes a line every few seconds (with how many it stands for), not thousands.
 */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #keys = new Map<string, { nextAt: number; held: number }>();

  constructor(options: LogThrottleOptions) {
    this.#intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
  }

  /** `undefined`: hold this line back. Else log it: the number of lines held back since the last one. */
  take(key: string): number | undefined {
    const now = this.#now();
    const entry = this.#keys.get(key);
    if (entry !== undefined && now < entry.nextAt) {
      entry.held += 1;
      return undefined;
    }
    const held = entry?.held ?? 0;
    this.#keys.delete(key);
    if (this.#keys.size >= MAX_KEYS) {
      const oldest = this.#keys.keys().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
    this.#keys.set(key, { nextAt: now + this.#intervalMs, held: 0 });
    return held;
  }
}
