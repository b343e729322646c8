import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** What each key derived from AUTH_TOKEN_SECRET signs: one secret, never one key for two jobs. */
export type SessionKeyPurpose = 'nonce' | 'access-token' | 'refresh-token';

/**
 * A key for one purpose, derived from the configured secret (HMAC-SHA256 of the purpose), so a
 * value signed for one purpose (a nonce) is never valid as another (a refresh token).
 */
export function sessionKey(secret: string, purpose: SessionKeyPurpose): KeyObject {
  return createSecretKey(createHmac('sha256', secret).update(`stardust-livestream:${purpose}`).digest());
}
