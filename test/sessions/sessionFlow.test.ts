import type { KeyringPair } from '@polkadot/keyring/types';
import { SignJWT, UnsecuredJWT } from 'jose';
import { TokenVerifier } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokens } from '../../src/sessions/AccessTokens.js';
import { sessionKey } from '../../src/sessions/sessionKeys.js';
import { signIn, signText, siwsText } from '../support/SiwsSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';

const API = '/api/livestream';
const MINUTE_MS = 60_000;

describe('sign-in sessions (full service on the dev chain)', () => {
  let service: TestService;
  let verifier: TokenVerifier;
  const pairs = () => service.devchain.chain.pairs;
  const post = (path: string, body?: object, accessToken?: string) => {
    const req = request(service.server).post(`${API}${path}`);
    if (accessToken !== undefined) req.set('Authorization', `Bearer ${accessToken}`);
    return body === undefined ? req : req.send(body);
  };
  const nonce = async () => (await post('/auth/nonce').expect(200)).body.nonce as string;
  const login = async (pair: KeyringPair, fields = {}, sign: KeyringPair = pair) => {
    const message = siwsText(pair, await nonce(), fields);
    return post('/auth/login', { message, signature: signText(sign, message) });
  };
  const expectError = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: { error: { code, message: expect.any(String) } },
    });
  };
  const viewerToken = (accessToken: string, body: object = { roomId: 0 }) =>
    post('/viewer-token', body, accessToken);

  beforeAll(async () => {
    service = await startTestService();
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('hands out single-use nonces that need no storage and are never cached', async () => {
    const res = await post('/auth/nonce').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{51}$/),
      expiresAt: expect.any(Number),
    });
    expect(res.body.expiresAt).toBeGreaterThan(Date.now());
    expect(res.body.expiresAt).toBeLessThanOrEqual(Date.now() + service.config.auth.nonceTtlSeconds * 1000);
    expect((await post('/auth/nonce')).body.nonce).not.toBe(res.body.nonce);
  });

  it.each([
    ['sr25519', false],
    ['sr25519', true],
    ['ed25519', false],
    ['ed25519', true],
    ['ecdsa', false],
    ['ecdsa', true],
  ] as const)(
    'signs a %s wallet in once (wrapped: %s); its access token buys viewer tokens',
    async (type, wrapped) => {
      const pair = testPair(type, `Session${type}${wrapped}`);
      const session = await signIn(service.server, pair, { wrapped });
      expect(session).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        accessTokenExpiresAt: expect.any(Number),
        refreshToken: expect.any(String),
        refreshTokenExpiresAt: expect.any(Number),
        address: pair.address,
      });
      const ttlMs = service.config.auth.accessTokenTtlSeconds * 1000;
      expect(session.accessTokenExpiresAt).toBeGreaterThan(Date.now() + ttlMs - MINUTE_MS);
      expect(session.accessTokenExpiresAt).toBeLessThanOrEqual(Date.now() + ttlMs);
      // No signature, no timestamp: the Bearer token says who is asking, twice in a row.
      for (let i = 0; i < 2; i++) {
        const res = await viewerToken(session.accessToken);
        expect(res.status).toBe(200);
        expect(res.body.identity).toBe(pair.address);
        expect((await verifier.verify(res.body.token)).sub).toBe(pair.address);
      }
    },
  );

  it('accepts Bearer on every signed endpoint, with the same chain checks as a signature', async () => {
    const { Alice, Eve, Ferdie } = pairs();
    const alice = await signIn(service.server, Alice);
    const publisher = await post('/publisher-token', { roomId: 0 }, alice.accessToken);
    expect(publisher.status).toBe(200);
    expect((await verifier.verify(publisher.body.token)).video?.canPublish).toBe(true);
    // An address in the body is fine when it is the session's own.
    expect(
      (await post('/publisher-token', { roomId: 0, publicKey: Alice.address }, alice.accessToken)).status,
    ).toBe(200);

    const eve = await signIn(service.server, Eve, { wrapped: true });
    const coHost = await post('/co-host-token', { roomId: 0, type: 'video' }, eve.accessToken);
    expect(coHost.status).toBe(200);
    expect((await verifier.verify(coHost.body.token)).video?.canPublishSources).toEqual([
      'camera',
      'microphone',
    ]);
    expect((await post('/viewer-leave', { roomId: 0 }, eve.accessToken)).body).toEqual({ success: true });

    const ferdie = await signIn(service.server, Ferdie);
    expectError(await viewerToken(ferdie.accessToken), 403, 'VIEWER_BANNED');
    expectError(await post('/publisher-token', { roomId: 0 }, ferdie.accessToken), 403, 'NOT_ROOM_HOST');
  });

  it('refuses a token for another address than the body names (401 TOKEN_ADDRESS_MISMATCH)', async () => {
    const { Alice, Bob } = pairs();
    const bob = await signIn(service.server, Bob);
    expectError(
      await post('/publisher-token', { roomId: 0, publicKey: Alice.address }, bob.accessToken),
      401,
      'TOKEN_ADDRESS_MISMATCH',
    );
    expectError(
      await viewerToken(bob.accessToken, { roomId: 0, viewerAddress: Alice.address }),
      401,
      'TOKEN_ADDRESS_MISMATCH',
    );
  });

  it('rotates the refresh token; reusing an old one revokes the whole session (401 REFRESH_TOKEN_REUSED)', async () => {
    const pair = testPair('sr25519', 'SessionRotation');
    const first = await signIn(service.server, pair);
    const second = (await post('/auth/refresh', { refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.address).toBe(pair.address);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await viewerToken(second.accessToken)).status).toBe(200);
    const third = (await post('/auth/refresh', { refreshToken: second.refreshToken }).expect(200)).body;

    // The first token comes back (copied by someone): the family is gone, for everyone.
    expectError(
      await post('/auth/refresh', { refreshToken: first.refreshToken }),
      401,
      'REFRESH_TOKEN_REUSED',
    );
    expectError(await post('/auth/refresh', { refreshToken: third.refreshToken }), 401, 'SESSION_REVOKED');
    expectError(await viewerToken(third.accessToken), 401, 'SESSION_REVOKED');
    expectError(await viewerToken(first.accessToken), 401, 'SESSION_REVOKED');
  });

  it('logs out with the refresh token or with the access token', async () => {
    const pair = testPair('ed25519', 'SessionLogout');
    const byRefresh = await signIn(service.server, pair);
    expect((await post('/auth/logout', { refreshToken: byRefresh.refreshToken }).expect(200)).body).toEqual({
      success: true,
    });
    expectError(
      await post('/auth/refresh', { refreshToken: byRefresh.refreshToken }),
      401,
      'SESSION_REVOKED',
    );
    expectError(await viewerToken(byRefresh.accessToken), 401, 'SESSION_REVOKED');
    // Logging out twice is fine.
    await post('/auth/logout', { refreshToken: byRefresh.refreshToken }).expect(200);

    const byAccess = await signIn(service.server, pair);
    await post('/auth/logout', {}, byAccess.accessToken).expect(200);
    expectError(await post('/auth/refresh', { refreshToken: byAccess.refreshToken }), 401, 'SESSION_REVOKED');
    expectError(await post('/auth/logout', {}), 401, 'UNAUTHORIZED');
  });

  it('accepts each nonce once, even for a new message (401 NONCE_REUSED)', async () => {
    const pair = testPair('sr25519', 'SessionNonce');
    const used = await nonce();
    const first = siwsText(pair, used);
    expect((await post('/auth/login', { message: first, signature: signText(pair, first) })).status).toBe(
      200,
    );
    expectError(
      await post('/auth/login', { message: first, signature: signText(pair, first) }),
      401,
      'NONCE_REUSED',
    );
    const second = siwsText(pair, used, { statement: 'again' });
    expectError(
      await post('/auth/login', { message: second, signature: signText(pair, second) }),
      401,
      'NONCE_REUSED',
    );
  });

  it('refuses expired, early, foreign-domain and forged SIWS messages with 401 and a clear code', async () => {
    const pair = testPair('sr25519', 'SessionBadSiws');
    expectError(await login(pair, { issuedAt: Date.now() - 10 * MINUTE_MS }), 401, 'SIWS_EXPIRED');
    expectError(await login(pair, { issuedAt: Date.now() + 10 * MINUTE_MS }), 401, 'SIWS_EXPIRED');
    expectError(
      await login(pair, { issuedAt: Date.now() - 2 * MINUTE_MS, expirationTime: Date.now() - MINUTE_MS }),
      401,
      'SIWS_EXPIRED',
    );
    expectError(await login(pair, { notBefore: Date.now() + 10 * MINUTE_MS }), 401, 'SIWS_EXPIRED');
    expectError(await login(pair, { domain: 'evil.example' }), 401, 'SIWS_DOMAIN_MISMATCH');
    expectError(await login(pair, { uri: 'https://evil.example/login' }), 401, 'SIWS_DOMAIN_MISMATCH');

    const forged = siwsText(pair, 'A'.repeat(51));
    expectError(
      await post('/auth/login', { message: forged, signature: signText(pair, forged) }),
      401,
      'NONCE_INVALID',
    );
    expectError(
      await post('/auth/login', { message: 'hello', signature: signText(pair, 'hello') }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('refuses a signature by another key without spending the nonce (401 INVALID_SIGNATURE)', async () => {
    const pair = testPair('sr25519', 'SessionVictim');
    const message = siwsText(pair, await nonce());
    const attacker = testPair('sr25519', 'SessionAttacker');
    expectError(
      await post('/auth/login', { message, signature: signText(attacker, message) }),
      401,
      'INVALID_SIGNATURE',
    );
    expect((await post('/auth/login', { message, signature: signText(pair, message) })).status).toBe(200);
  });

  it('refuses tampered, unsigned, wrongly signed, expired and foreign access tokens with 401', async () => {
    const pair = testPair('sr25519', 'SessionTamper');
    const { accessToken, address } = await signIn(service.server, pair);
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;

    const otherPayload = Buffer.from(JSON.stringify({ ...claims, sub: pairs().Alice.address })).toString(
      'base64url',
    );
    expectError(await viewerToken(`${header}.${otherPayload}.${signature}`), 401, 'TOKEN_INVALID');
    const unsigned = new UnsecuredJWT(claims).encode();
    expectError(await viewerToken(unsigned), 401, 'TOKEN_INVALID');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    expectError(await viewerToken(`${noneHeader}.${payload}.`), 401, 'TOKEN_INVALID');

    const key = sessionKey(service.config.auth.tokenSecret, 'access-token');
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' }).sign(key);
    expectError(await viewerToken(hs512), 401, 'TOKEN_INVALID');
    const wrongKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(service.config.livekit.apiSecret));
    expectError(await viewerToken(wrongKey), 401, 'TOKEN_INVALID');

    const expired = await new AccessTokens({
      key,
      ttlSeconds: 60,
      now: () => Date.now() - 10 * MINUTE_MS,
    }).issue({
      address,
      sessionId: claims.sid as string,
    });
    expectError(await viewerToken(expired.token), 401, 'TOKEN_EXPIRED');
    // A LiveKit token (HS256 too, another key and type) is not a session.
    const livekitToken = (await viewerToken(accessToken)).body.token as string;
    expectError(await viewerToken(livekitToken), 401, 'TOKEN_INVALID');
    // A refresh token is not an access token, nor the other way round.
    const { refreshToken } = await signIn(service.server, pair);
    expectError(await viewerToken(refreshToken), 401, 'TOKEN_INVALID');
    expectError(await post('/auth/refresh', { refreshToken: accessToken }), 401, 'TOKEN_INVALID');
    expect([ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_AUDIENCE]).toEqual([claims.iss, claims.aud]);

    const basic = await request(service.server)
      .post(`${API}/viewer-token`)
      .set('Authorization', 'Basic dXNlcjpwYXNz')
      .send({ roomId: 0 });
    expectError(basic, 401, 'TOKEN_INVALID');
  });

  it('keeps tokens, refresh tokens, signatures and messages out of the logs', async () => {
    const pair = testPair('sr25519', 'SessionLogs');
    const message = siwsText(pair, await nonce());
    const signature = signText(pair, message);
    const session = (await post('/auth/login', { message, signature }).expect(200)).body;
    await post('/auth/refresh', { refreshToken: session.refreshToken }).expect(200);
    await post('/auth/refresh', { refreshToken: session.refreshToken }).expect(401);
    await viewerToken(session.accessToken).expect(401);
    await viewerToken(`${session.accessToken}x`).expect(401);
    const logs = service.logs.text();
    expect(logs).toContain('/api/livestream/auth/refresh');
    for (const secret of [
      session.accessToken,
      session.refreshToken,
      signature,
      message.split('\n')[5] ?? 'x',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
