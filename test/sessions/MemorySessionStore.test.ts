import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/AppError.js';
import { MemorySessionStore } from '../../src/sessions/MemorySessionStore.js';
import { makeRefreshToken, newSessionId, readRefreshToken } from '../../src/sessions/refreshTokens.js';
import { sessionKey } from '../../src/sessions/sessionKeys.js';

const TTL_MS = 60_000;

describe('MemorySessionStore', () => {
  it('rotates generation by generation; an older generation revokes the session', async () => {
    const store = new MemorySessionStore();
    const id = newSessionId();
    await store.create(id, 'addr', TTL_MS);
    expect(await store.rotate(id, 0, TTL_MS)).toEqual({ outcome: 'rotated', address: 'addr', generation: 1 });
    expect(await store.rotate(id, 5, TTL_MS)).toEqual({ outcome: 'unknown' });
    expect(await store.isActive(id)).toBe(true);
    expect(await store.rotate(id, 0, TTL_MS)).toEqual({ outcome: 'reused' });
    expect(await store.isActive(id)).toBe(false);
    expect(await store.rotate(id, 1, TTL_MS)).toEqual({ outcome: 'unknown' });
  });

  it('forgets expired sessions and is bounded: full means 429 until one expires, not eviction', async () => {
    let now = 1_000_000;
    const store = new MemorySessionStore({ maxSessions: 2, now: () => now });
    await store.create('a', 'addr', TTL_MS);
    await store.create('b', 'addr', TTL_MS);
    const full = await store.create('c', 'addr', TTL_MS).catch((error: unknown) => error);
    expect(full).toBeInstanceOf(AppError);
    expect((full as AppError).code).toBe('RATE_LIMIT_EXCEEDED');
    expect((full as AppError).retryAfterSeconds).toBe(60);
    expect(await store.isActive('a')).toBe(true);
    now += TTL_MS;
    expect(await store.isActive('a')).toBe(false);
    await store.create('c', 'addr', TTL_MS);
    expect(await store.isActive('c')).toBe(true);
  });
});

describe('refresh tokens', () => {
  it('are read back only with the key that made them and unaltered', () => {
    const key = sessionKey('secret-one', 'refresh-token');
    const sessionId = newSessionId();
    const token = makeRefreshToken(key, { sessionId, generation: 3 });
    expect(readRefreshToken(key, token)).toEqual({ sessionId, generation: 3 });
    expect(readRefreshToken(sessionKey('secret-two', 'refresh-token'), token)).toBeNull();
    expect(readRefreshToken(sessionKey('secret-one', 'access-token'), token)).toBeNull();
    const [, , mac] = token.split('.');
    expect(readRefreshToken(key, `${sessionId}.4.${mac}`)).toBeNull();
    expect(readRefreshToken(key, `${token}.x`)).toBeNull();
    expect(readRefreshToken(key, 'garbage')).toBeNull();
  });
});
