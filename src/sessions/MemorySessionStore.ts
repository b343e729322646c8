import { AppError } from '../errors/AppError.js';
import type { RotateResult, SessionStore } from './SessionStore.js';

/** Sessions kept at most per instance (~200 bytes each: ~20 MB when full). */
export const MAX_MEMORY_SESSIONS = 100_000;
/** A full store scans every entry at most this often. */
const FULL_SWEEP_MIN_INTERVAL_MS = 1_000;
const MS_PER_SECOND = 1000;

interface Session {
  address: string;
  generation: number;
  expiresAt: number;
}

export interface MemorySessionStoreOptions {
  maxSessions?: number;
  now?: () => number;
}

/**
 * Sessions of a single instance without Redis: lost on restart, unknown to other instances. Bounded:
 * when full, new sign-ins get 429 until sessions expire (never unbounded memory, never evicting a
 * live session).
 */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory';
  /** Re-inserted on every rotation, so with one TTL the map is in expiry order. */
  readonly #sessions = new Map<string, Session>();
  readonly #maxSessions: number;
  readonly #now: () => number;
  #lastFullSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#maxSessions = options.maxSessions ?? MAX_MEMORY_SESSIONS;
    this.#now = options.now ?? Date.now;
  }

  async create(sessionId: string, address: string, ttlMs: number): Promise<void> {
    const now = this.#now();
    this.#sweepOldest(now);
    if (this.#sessions.size >= this.#maxSessions) {
      this.#sweepAll(now);
      if (this.#sessions.size >= this.#maxSessions) {
        throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many sessions right now; retry later', {
          retryAfterSeconds: this.#secondsUntilOldestExpires(now),
        });
      }
    }
    this.#sessions.set(sessionId, { address, generation: 0, expiresAt: now + ttlMs });
  }

  async rotate(sessionId: string, generation: number, ttlMs: number): Promise<RotateResult> {
    const now = this.#now();
    const session = this.#live(sessionId, now);
    if (session === undefined || generation > session.generation) return { outcome: 'unknown' };
    this.#sessions.delete(sessionId);
    if (generation < session.generation) return { outcome: 'reused' };
    const next = { address: session.address, generation: generation + 1, expiresAt: now + ttlMs };
    this.#sessions.set(sessionId, next);
    return { outcome: 'rotated', address: next.address, generation: next.generation };
  }

  async revoke(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
  }

  async isActive(sessionId: string): Promise<boolean> {
    return this.#live(sessionId, this.#now()) !== undefined;
  }

  #live(sessionId: string, now: number): Session | undefined {
    const session = this.#sessions.get(sessionId);
    if (session === undefined || session.expiresAt > now) return session;
    this.#sessions.delete(sessionId);
    return undefined;
  }

  #sweepOldest(now: number): void {
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt > now) return;
      this.#sessions.delete(id);
    }
  }

  #sweepAll(now: number): void {
    if (now - this.#lastFullSweepAt < FULL_SWEEP_MIN_INTERVAL_MS) return;
    this.#lastFullSweepAt = now;
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt <= now) this.#sessions.delete(id);
    }
  }

  #secondsUntilOldestExpires(now: number): number {
    const first = this.#sessions.values().next();
    const waitMs = first.done === true ? 0 : first.value.expiresAt - now;
    return Math.max(1, Math.ceil(waitMs / MS_PER_SECOND));
  }
}
