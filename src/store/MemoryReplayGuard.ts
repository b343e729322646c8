import { ExpiringEntries } from './ExpiringEntries.js';
import type { ReplayGuard } from './ReplayGuard.js';

/**
 * Keys kept at most (~92 bytes each measured for the authenticator's 22-character keys, Map overhead
 * included: ~46 MB when full). With a 10-minute TTL that is a sustained ~830 sign-ins/s per
 * instance; beyond it, see MemoryReplayGuard. Callers keep keys short (SignedMessageAuthenticator
 * fingerprints its own).
 */
export const MAX_REPLAY_ENTRIES = 500_000;

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
  /** key → expiry (ms). */
  readonly #expiresAt: ExpiringEntries<number>;
  readonly #now: () => number;

  constructor(options: MemoryReplayGuardOptions = {}) {
    const maxEntries = options.maxEntries ?? MAX_REPLAY_ENTRIES;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`Invalid maxEntries: ${maxEntries}`);
    }
    this.#expiresAt = new ExpiringEntries({
      maxEntries,
      expiresAt: (expiresAt) => expiresAt,
      fullMessage: 'Too many sign-ins right now; retry shortly',
    });
  }

  async has(key: string): Promise<boolean> {
    return this.#expiresAt.live(key, this.#now()) !== undefined;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`Invalid ttlMs: ${ttlMs}`);
    // Everything below is synchronous, hence atomic with respect to other claims.
    const now = this.#now();
    if (this.#expiresAt.live(key, now) !== undefined) return false;
    this.#expiresAt.add(key, now + ttlMs, now);
    return true;
  }
}
