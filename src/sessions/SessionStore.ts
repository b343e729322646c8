/** What rotating a refresh token found (see refreshTokens.ts). */
export type RotateResult =
  | { outcome: 'rotated'; address: string; generation: number }
  /** An earlier generation came back: the token was copied. The session is now revoked. */
  | { outcome: 'reused' }
  /** No such session (expired, revoked, logged out, or never made here). */
  | { outcome: 'unknown' };

/**
 * Sign-in sessions (refresh-token families): the account and the current refresh-token
 * generation of each. In Redis when configured (shared by every instance, survives restarts),
 * otherwise in this process.
 */
export interface SessionStore {
  /** `redis`: shared and survives restarts; `memory`: this instance only, lost on restart. */
  readonly kind: 'redis' | 'memory';
  /** Starts a session at generation 0. */
  create(sessionId: string, address: string, ttlMs: number): Promise<void>;
  /** Atomically moves `generation` to the next one and extends the session by `ttlMs`. */
  rotate(sessionId: string, generation: number, ttlMs: number): Promise<RotateResult>;
  revoke(sessionId: string): Promise<void>;
  /** Whether the session still exists; true when the store cannot tell right now (see README). */
  isActive(sessionId: string): Promise<boolean>;
}
