import { AppError } from '../errors/AppError.js';
import type { ReplayGuard } from './ReplayGuard.js';

/**
 * Keys kept at most (~92 bytes each measured for the authenticator's 22-character keys, Map overhead
 * included: ~46 MB when full). With a 10-minute TTL that is a sustained ~830 sign-ins/s per
 * instance; beyond it, see MemoryReplayGuard. Callers keep keys short (SignedMessageAuthenticator
 * fingerprints its own).
 */
export const MAX_REPLAY_ENTRIES = 500_000;

/** A full store scans every entry at most this often, so a flood of refused claims stays O(1) each. */
const FULL_SWEEP_MIN_INTERVAL_MS = 1_000;

const MS_PER_SECOND = 1_000;

export interface MemoryReplayGuardOptions {
  /** Default MAX_REPLAY_ENTRIES. */
  maxEntries?: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/**
 * In-process ReplayGuard for a single instance (no Redis). Expired keys are swept as claims arrive;
 * there is no timer to stop.
 *
 * When full it refuses new claims (RATE_LIMIT_EXCEEDED with Retry-After) instead of growing or
 * evicting. Evicting a live key would let anyone who saw that signed message replay it until its
 * timestamp expires, i.e. obtain tokens as someone else; refusing only delays sign-ins until keys
 * expire. Filling the store takes a freshly verified signature per key, which rate limits bound.
 */
export class MemoryReplayGuard implements ReplayGuard {
  /** key → expiry (ms). Insertion order is expiry order whenever TTLs are equal, as they are in practice. */
  readonly #expiresAt = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #lastFullSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryReplayGuardOptions = {}) {
    this.#maxEntries = options.maxEntries ?? MAX_REPLAY_ENTRIES;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError(`Invalid maxEntries: ${this.#maxEntries}`);
    }
  }

  async has(key: string): Promise<boolean> {
    const expiresAt = this.#expiresAt.get(key);
    return expiresAt !== undefined && expiresAt > this.#now();
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`Invalid ttlMs: ${ttlMs}`);
    // Everything below is synchronous, hence atomic with respect to other claims.
    const now = this.#now();
    this.#sweepOldest(now);
    const expiresAt = this.#expiresAt.get(key);
    if (expiresAt !== undefined) {
      if (expiresAt > now) return false;
      this.#expiresAt.delete(key);
    }
    if (this.#expiresAt.size >= this.#maxEntries) {
      this.#sweepAll(now);
      if (this.#expiresAt.size >= this.#maxEntries) {
        throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many sign-ins right now; retry shortly', {
          retryAfterSeconds: this.#secondsUntilOldestExpires(now),
        });
      }
    }
    this.#expiresAt.set(key, now + ttlMs);
    return true;
  }

  /** Drops expired keys from the front; amortized O(1) per claim. */
  #sweepOldest(now: number): void {
    for (const [key, expiresAt] of this.#expiresAt) {
      if (expiresAt > now) return;
      this.#expiresAt.delete(key);
    }
  }

  /** Catches expired keys stuck behind a longer-lived one (mixed TTLs). */
  #sweepAll(now: number): void {
    if (now - this.#lastFullSweepAt < FULL_SWEEP_MIN_INTERVAL_MS) return;
    this.#lastFullSweepAt = now;
    for (const [key, expiresAt] of this.#expiresAt) {
      if (expiresAt <= now) this.#expiresAt.delete(key);
    }
  }

  #secondsUntilOldestExpires(now: number): number {
    const first = this.#expiresAt.values().next();
    const waitMs = first.done === true ? 0 : first.value - now;
    return Math.max(1, Math.ceil(waitMs / MS_PER_SECOND));
  }
}
