import { AppError } from '../errors/AppError.js';

/** A full set scans every entry at most this often, so a flood of refused additions stays O(1) each. */
const FULL_SWEEP_MIN_INTERVAL_MS = 1_000;
const MS_PER_SECOND = 1_000;

export interface ExpiringEntriesOptions<V> {
  maxEntries: number;
  /** When an entry expires (ms). */
  expiresAt: (entry: V) => number;
  /** The 429's message when full of live entries. */
  fullMessage: string;
}

/**
 * Bounded in-memory entries that expire: the one mechanism of the in-process single-use guard and
 * session store. Kept in insertion order, which is expiry order while TTLs are equal (as they are in
 * practice), so expired entries are dropped from the front as entries are added (amortized O(1), no
 * timer); a full scan catches those stuck behind a longer-lived one. When full of live entries an
 * addition is refused (RATE_LIMIT_EXCEEDED, Retry-After until the oldest expires): evicting a live
 * entry would forget a used message or a signed-in session.
 */
export class ExpiringEntries<V> {
  readonly #entries = new Map<string, V>();
  readonly #options: ExpiringEntriesOptions<V>;
  #lastFullSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: ExpiringEntriesOptions<V>) {
    this.#options = options;
  }

  /** The entry under `key` unless it has expired at `now` (an expired one is dropped). */
  live(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#options.expiresAt(entry) > now) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Adds `entry` last in order; throws RATE_LIMIT_EXCEEDED when full of entries live at `now`. */
  add(key: string, entry: V, now: number): void {
    this.#sweepOldest(now);
    if (this.#entries.size >= this.#options.maxEntries) {
      this.#sweepAll(now);
      if (this.#entries.size >= this.#options.maxEntries) {
        throw new AppError('RATE_LIMIT_EXCEEDED', this.#options.fullMessage, {
          retryAfterSeconds: this.#secondsUntilOldestExpires(now),
        });
      }
    }
    this.#entries.set(key, entry);
  }

  #sweepOldest(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (this.#options.expiresAt(entry) > now) return;
      this.#entries.delete(key);
    }
  }

  #sweepAll(now: number): void {
    if (now - this.#lastFullSweepAt < FULL_SWEEP_MIN_INTERVAL_MS) return;
    this.#lastFullSweepAt = now;
    for (const [key, entry] of this.#entries) {
      if (this.#options.expiresAt(entry) <= now) this.#entries.delete(key);
    }
  }

  #secondsUntilOldestExpires(now: number): number {
    const first = this.#entries.values().next();
    const waitMs = first.done === true ? 0 : this.#options.expiresAt(first.value) - now;
    return Math.max(1, Math.ceil(waitMs / MS_PER_SECOND));
  }
}
