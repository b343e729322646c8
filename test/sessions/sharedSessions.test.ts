import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/startService.js';
import { redisAvailable } from '../support/RedisServer.js';
import { signIn, signText, siwsText } from '../support/SiwsSigner.js';
import {
  type SharedPair,
  startSharedInstance,
  startSharedPair,
  until,
} from '../support/startSharedInstance.js';
import { testPair } from '../support/testPair.js';

const API = '/api/livestream';

describe.skipIf(!redisAvailable())('sign-in sessions shared through Redis', () => {
  let pair: SharedPair;
  let a: RunningService;
  let b: RunningService;
  const started: RunningService[] = [];
  const post = (service: RunningService, path: string, body: object, accessToken?: string) => {
    const req = request(service.server).post(`${API}${path}`);
    if (accessToken !== undefined) req.set('Authorization', `Bearer ${accessToken}`);
    return req.send(body);
  };
  const code = (res: request.Response) => ({ status: res.status, code: res.body?.error?.code as unknown });

  beforeAll(async () => {
    pair = await startSharedPair({ REDIS_KEY_PREFIX: 'sessions:' });
    ({ a, b } = pair);
  });
  afterAll(async () => {
    await Promise.all(started.map((service) => service.close()));
    await pair?.close();
  });

  it('spends a nonce once across instances: issued by A, used on B, refused again on A', async () => {
    const wallet = testPair('sr25519', 'SharedNonce');
    const { nonce } = (await post(a, '/auth/nonce', {}).expect(200)).body;
    const message = siwsText(wallet, nonce);
    expect((await post(b, '/auth/login', { message, signature: signText(wallet, message) })).status).toBe(
      200,
    );
    const again = siwsText(wallet, nonce, { statement: 'once more' });
    expect(
      code(await post(a, '/auth/login', { message: again, signature: signText(wallet, again) })),
    ).toEqual({
      status: 401,
      code: 'NONCE_REUSED',
    });
  });

  it('serves a session on every instance; reuse and logout on one revoke it on the other', async () => {
    const wallet = testPair('ed25519', 'SharedSession');
    const first = await signIn(a.server, wallet);
    expect((await post(b, '/viewer-token', { roomId: 0 }, first.accessToken)).status).toBe(200);
    const second = (await post(b, '/auth/refresh', { refreshToken: first.refreshToken }).expect(200)).body;
    // The rotated-away token, replayed on the other instance, ends the session everywhere.
    expect(code(await post(a, '/auth/refresh', { refreshToken: first.refreshToken }))).toEqual({
      status: 401,
      code: 'REFRESH_TOKEN_REUSED',
    });
    expect(code(await post(b, '/viewer-token', { roomId: 0 }, second.accessToken))).toEqual({
      status: 401,
      code: 'SESSION_REVOKED',
    });

    const other = await signIn(b.server, wallet);
    await post(a, '/auth/logout', { refreshToken: other.refreshToken }).expect(200);
    expect(code(await post(b, '/viewer-token', { roomId: 0 }, other.accessToken))).toEqual({
      status: 401,
      code: 'SESSION_REVOKED',
    });
  });

  it('keeps sessions across a restart, and says so in /health', async () => {
    const wallet = testPair('ecdsa', 'SharedRestart');
    const session = await signIn(a.server, wallet, { wrapped: true });
    const health = (await request(a.server).get('/health').expect(200)).body;
    expect(health.sessions).toEqual({ store: 'redis', shared: true, survivesRestart: true });

    await a.close();
    const restarted = await startSharedInstance(pair.devchain.url, pair.redis.url, {
      REDIS_KEY_PREFIX: 'sessions:',
    });
    started.push(restarted);
    expect((await post(restarted, '/viewer-token', { roomId: 0 }, session.accessToken)).status).toBe(200);
    const next = await post(restarted, '/auth/refresh', { refreshToken: session.refreshToken });
    expect(next.status).toBe(200);
    expect(next.body.address).toBe(wallet.address);
  });

  it('answers 503 to sign-ins while Redis is down, and keeps accepting live access tokens', async () => {
    const wallet = testPair('sr25519', 'SharedRedisDown');
    const session = await signIn(b.server, wallet);
    await pair.redis.kill();
    await until(() => b.redis?.ready === false);
    try {
      const { nonce } = (await post(b, '/auth/nonce', {}).expect(200)).body;
      const message = siwsText(wallet, nonce);
      const login = await post(b, '/auth/login', { message, signature: signText(wallet, message) });
      expect(code(login)).toEqual({ status: 503, code: 'SESSION_STORE_UNAVAILABLE' });
      expect(login.headers['retry-after']).toBe('5');
      expect(code(await post(b, '/auth/refresh', { refreshToken: session.refreshToken }))).toEqual({
        status: 503,
        code: 'SESSION_STORE_UNAVAILABLE',
      });
      expect((await post(b, '/viewer-token', { roomId: 0 }, session.accessToken)).status).toBe(200);
    } finally {
      await pair.redis.restart();
    }
  });
});
