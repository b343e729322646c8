import { createHmac, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A refresh token names its session and its generation, authenticated with an HMAC:
 * `<sessionId>.<generation>.<mac>`. The store keeps only each session's current generation, so a
 * genuine token of an earlier generation is recognised as reused (and its whole session revoked),
 * while a forged one is simply invalid and revokes nothing.
 */
export interface RefreshTokenParts {
  sessionId: string;
  generation: number;
}

const SESSION_ID_BYTES = 16;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const GENERATION_PATTERN = /^(?:0|[1-9]\d{0,8})$/;
const MAC_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

export function makeRefreshToken(key: KeyObject, parts: RefreshTokenParts): string {
  const body = `${parts.sessionId}.${parts.generation}`;
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** The parts of a token this service made, or null for anything else. */
export function readRefreshToken(key: KeyObject, token: string): RefreshTokenParts | null {
  const [sessionId, generation, tag, ...rest] = typeof token === 'string' ? token.split('.') : [];
  if (
    rest.length > 0 ||
    sessionId === undefined ||
    generation === undefined ||
    tag === undefined ||
    !SESSION_ID_PATTERN.test(sessionId) ||
    !GENERATION_PATTERN.test(generation) ||
    !MAC_PATTERN.test(tag)
  ) {
    return null;
  }
  const expected = mac(key, `${sessionId}.${generation}`);
  const given = Buffer.from(tag, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { sessionId, generation: Number(generation) };
}

function mac(key: KeyObject, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}
