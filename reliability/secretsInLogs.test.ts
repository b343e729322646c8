import { randomBytes } from 'node:crypto';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_SIGN_INS_PER_IP } from '../src/realtime/SignInBudget.js';
import { FakeLiveKitServer } from '../test/support/FakeLiveKitServer.js';
import { RedisServer, redisAvailable } from '../test/support/RedisServer.js';
import { RequestSigner } from '../test/support/RequestSigner.js';
import { signIn } from '../test/support/SiwsSigner.js';
import { testPair } from '../test/support/testPair.js';
import { WsAuthSigner } from '../test/support/WsAuthSigner.js';
import { WsTestClient } from '../test/support/WsTestClient.js';
import { webhookSender } from '../test/support/webhookSender.js';
import { loopbackSourceAddress } from './support/loopbackSourceAddress.js';
import { reliabilityScale } from './support/reliabilityScale.js';
import { reportFigure } from './support/reportFigure.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;
const secretText = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Every secret the server is given or shown, by what it is. A JWT is also looked for by its
 * signature part, a hex signature also without its 0x: a partial copy is a leak too.
 */
class Secrets {
  readonly #values = new Map<string, string>();

  add(what: string, value: string): void {
    this.#values.set(value, what);
    if (JWT.test(value)) this.#values.set(value.split('.')[2] ?? value, `${what} (signature part)`);
    if (value.startsWith('0x')) this.#values.set(value.slice(2), `${what} (without 0x)`);
  }

  /** Every JWT among the string values of a JSON answer (LiveKit and session tokens). */
  addTokensOf(what: string, answer: unknown): void {
    for (const value of Object.values(answer as Record<string, unknown>)) {
      if (typeof value === 'string' && JWT.test(value)) this.add(what, value);
      if (typeof value === 'string' && what.includes('session') && value.length >= 20) this.add(what, value);
    }
  }

  get size(): number {
    return this.#values.size;
  }

  /** What of it appears in `text`. */
  foundIn(text: string): string[] {
    return [...this.#values].filter(([value]) => text.includes(value)).map(([, what]) => what);
  }
}

/** Sign-in frames one round sends: a signed auth frame and a token frame. */
const WS_SIGN_INS_PER_ROUND = 2;

describe('secrets never in the logs of a server logging at debug', () => {
  const { counts } = reliabilityScale();
  const secrets = new Secrets();
  const signer = new RequestSigner();
  const wsSigner = new WsAuthSigner();
  let redis: RedisServer | undefined;
  let livekit: FakeLiveKitServer | undefined;
  let server: ServerProcess;
  let alice: KeyringPair;
  let bob: KeyringPair;
  const metricsToken = secretText(16);

  beforeAll(async () => {
    await cryptoWaitReady();
    alice = testPair('sr25519', 'Alice');
    bob = testPair('sr25519', 'Bob');
    const redisPassword = secretText(16);
    const livekitSecret = secretText(24);
    const authTokenSecret = secretText(24);
    secrets.add('Redis password', redisPassword);
    secrets.add('metrics token', metricsToken);
    secrets.add('LiveKit API secret', livekitSecret);
    secrets.add('session token secret', authTokenSecret);
    livekit = await FakeLiveKitServer.start({ apiKey: 'reliability-key', apiSecret: livekitSecret });
    const env: Record<string, string> = {
      LOG_LEVEL: 'debug',
      METRICS_TOKEN: metricsToken,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: 'reliability-key',
      LIVEKIT_API_SECRET: livekitSecret,
      AUTH_TOKEN_SECRET: authTokenSecret,
    };
    if (redisAvailable()) {
      redis = await RedisServer.start({ password: redisPassword });
      env.REDIS_URL = redis.url;
    }
    server = await startServerProcess({ env });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await livekit?.stop();
    await redis?.stop();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('logs none of the secrets it was given or that clients sent, in any request', async () => {
    const webhooks = webhookSender({
      url: `${server.baseUrl}/api/livekit/webhook`,
      apiKey: 'reliability-key',
      apiSecret: livekit?.apiSecret ?? '',
    });
    for (let i = 0; i < counts.secretRequestsPerKind; i++) {
      // A signed request that succeeds, and one whose signature is somebody else's.
      const signed = signer.sign(alice, 0, { field: 'publicKey' });
      secrets.add('request signature', signed.signature);
      const minted = await post('/api/livestream/publisher-token', signed);
      expect(minted.status).toBe(200);
      secrets.addTokensOf('LiveKit token', minted.body);
      const forged = signer.sign(bob, 0, { field: 'viewerAddress', address: alice.address });
      secrets.add('forged signature', forged.signature);
      expect((await post('/api/livestream/viewer-token', forged)).status).toBe(401);

      // A session: login, a token with it, refresh, LiveKit's token endpoint, logout.
      const session = await signIn(server.baseUrl, bob);
      secrets.addTokensOf('session token', session);
      const bearer = { authorization: `Bearer ${session.accessToken}` };
      const viewer = await post('/api/livestream/viewer-token', { roomId: 0 }, bearer);
      expect(viewer.status).toBe(200);
      secrets.addTokensOf('LiveKit token', viewer.body);
      const source = await post('/api/livestream/token-source', { room_name: 'room-0' }, bearer);
      expect(source.status).toBe(201);
      secrets.addTokensOf('LiveKit token', source.body);
      const refreshed = await post('/api/livestream/auth/refresh', { refreshToken: session.refreshToken });
      expect(refreshed.status).toBe(200);
      secrets.addTokensOf('session token', refreshed.body);

      // Secrets in query strings, Authorization, cookies.
      const querySignature = signer.sign(alice, 0).signature;
      secrets.add('query signature', querySignature);
      const rooms = await fetch(
        `${server.baseUrl}/api/livestream/rooms?signature=${querySignature}&token=${session.accessToken}&status=Live`,
        {
          headers: {
            cookie: `session=${session.refreshToken}`,
            authorization: `Basic ${Buffer.from(`bob:${session.refreshToken}`).toString('base64')}`,
          },
        },
      );
      expect(rooms.status).toBeLessThan(500);
      const wrongMetricsToken = secretText(16);
      secrets.add('wrong metrics token', wrongMetricsToken);
      const metrics = await fetch(`${server.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${wrongMetricsToken}` },
      });
      expect(metrics.status).toBe(401);
      const metricsOk = await fetch(`${server.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(metricsOk.status).toBe(200);

      // A webhook, signed with the LiveKit secret.
      const delivery = webhooks.prepare({ event: 'room_started', room: 'room-0' });
      secrets.add('webhook authorization', delivery.authorization);
      expect((await webhooks.deliver(delivery)).status).toBe(200);

      // The WebSocket: a token in the URL, a signed auth frame, a token frame. Each round signs in
      // as its own account from its own address, within the sign-in budgets (not this test's subject).
      const wsClient = { localAddress: loopbackSourceAddress(i, WS_SIGN_INS_PER_IP / WS_SIGN_INS_PER_ROUND) };
      const ws = await WsTestClient.connect(
        `${server.wsUrl}?token=${refreshed.body.accessToken as string}`,
        wsClient,
      );
      const frame = wsSigner.frame(testPair('sr25519', `Secrets/${i}`));
      secrets.add('WebSocket auth signature', frame.signature);
      ws.send(frame);
      await ws.nextOfType('auth:ok');
      await ws.close();
      const withToken = await WsTestClient.connect(server.wsUrl, wsClient);
      withToken.send({ type: 'auth', token: refreshed.body.accessToken });
      await withToken.nextOfType('auth:ok');
      await withToken.close();
      expect(
        (
          await post(
            '/api/livestream/auth/logout',
            {},
            { authorization: `Bearer ${refreshed.body.accessToken as string}` },
          )
        ).status,
      ).toBeLessThan(300);
      // The used refresh token again: refused, still not logged.
      expect(
        (await post('/api/livestream/auth/refresh', { refreshToken: session.refreshToken })).status,
      ).toBe(401);
    }

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const logs = server.logs();
    expect(server.log.droppedChars).toBe(0);
    // Every request was logged (with its URL, query parameter names included): the check below
    // looked at what a debug-level server writes about them.
    const requestLines = server.logEntries().filter((entry) => entry.reqId !== undefined);
    expect(requestLines.length).toBeGreaterThan(counts.secretRequestsPerKind * 10);
    expect(logs).toContain('signature=');
    const leaked = secrets.foundIn(logs);
    reportFigure({
      name: `secrets in logs at LOG_LEVEL=debug (${secrets.size} secret values, ${logs.length} log characters)`,
      value: leaked.length,
      unit: '',
      goal: '0',
      met: leaked.length === 0,
    });
    expect(leaked).toEqual([]);
  });
});
