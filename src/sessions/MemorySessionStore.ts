import { ExpiringEntries } from '../store/ExpiringEntries.js';
import type { RotateResult, SessionStore } from './SessionStore.js';

/** Sessions kept at most per instance (~200 bytes each: ~20 MB when full). */
export const MAX_MEMORY_SESSIONS = 100_000;

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
  /** Re-inserted on every rotation, so with one TTL they are in expiry order. */
  readonly #sessions: ExpiringEntries<Session>;
  readonly #now: () => number;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#sessions = new ExpiringEntries({
      maxEntries: options.maxSessions ?? MAX_MEMORY_SESSIONS,
      expiresAt: (session) => session.expiresAt,
      fullMessage: 'Too many sessions right now; retry later',
    });
    this.#now = options.now ?? Date.now;
  }

  async create(sessionId: string, address: string, ttlMs: number): Promise<void> {
    const now = this.#now();
    this.#sessions.add(sessionId, { address, generation: 0, expiresAt: now + ttlMs }, now);
  }

  async rotate(sessionId: string, generation: number, ttlMs: number): Promise<RotateResult> {
    const now = this.#now();
    const session = this.#sessions.live(sessionId, now);
    if (session === undefined || generation > session.generation) return { outcome: 'unknown' };
    this.#sessions.delete(sessionId);
    if (generation < session.generation) return { outcome: 'reused' };
    const next = { address: session.address, generation: generation + 1, expiresAt: now + ttlMs };
    // Never refused: the session it replaces made room.
    this.#sessions.add(sessionId, next, now);
    return { outcome: 'rotated', address: next.address, generation: next.generation };
  }

  async revoke(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
  }

  async isActive(sessionId: string): Promise<boolean> {
    return this.#sessions.live(sessionId, this.#now()) !== undefined;
  }
}
