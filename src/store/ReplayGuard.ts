/**
 * Remembers which signed messages were used, so each is accepted once within its validity window
 * (the signed timestamp's ±window). Shared between instances when backed by Redis.
 */
export interface ReplayGuard {
  /** Whether `key` is marked used and not yet expired. A cheap pre-check; `claim` decides. */
  has(key: string): Promise<boolean>;
  /**
   * Atomically marks `key` used for `ttlMs` if it is not already: true when this call marked it,
   * false when it was already used. Rejects when the key cannot be recorded (store full or down);
   * callers must then refuse the request, never accept it unrecorded.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
}
