import type { KeyringPair } from '@polkadot/keyring/types';
import { TokenVerifier } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponse } from '../../../src/http/responseSchemas.js';
import { BestWatch } from '../../support/BestWatch.js';
import {
  CHAIN_DISCONNECT_NOISE,
  type ConsoleNoise,
  captureConsoleNoise,
} from '../../support/consoleNoise.js';
import { RequestSigner } from '../../support/RequestSigner.js';
import { startTestService, type TestService } from '../../support/startTestService.js';

const API = '/api/livestream';

/**
 * Health and the chain going away and coming back, on one service: the tests run in order and
 * each leaves the chain up.
 */
describe('health and chain outages (full service on the dev chain)', () => {
  let service: TestService;
  let verifier: TokenVerifier;
  const signer = new RequestSigner();

  const get = (path: string) => request(service.server).get(path);
  const token = (endpoint: string, pair: KeyringPair, roomId: number) =>
    request(service.server).post(`${API}/${endpoint}`).send(signer.sign(pair, roomId));
  const pairs = () => service.devchain.chain.pairs;

  beforeAll(async () => {
    service = await startTestService();
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('reports ok with every configured service connected', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      timestamp: expect.any(Number),
      services: { chain: 'connected', livekit: 'connected', redis: 'disabled' },
    });
    expect(Math.abs(res.body.timestamp - Date.now())).toBeLessThan(60_000);
    expect(res.body.chain).toMatchObject({
      finalizedBlock: service.devchain.chain.finalized.number,
      rooms: 4,
    });
    // Without Redis, sign-in sessions live in this instance only (and a restart ends them).
    expect(res.body.sessions).toEqual({ store: 'memory', shared: false, survivesRestart: false });
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('reports the best block served ahead of finality, and the same block final once finalized', async () => {
    const chain = service.devchain.chain;
    const best = new BestWatch(service.bestFollower);
    const synced = (await get('/health')).body.chain;
    expect(synced.bestBlock).toEqual({
      number: synced.finalizedBlock,
      hash: chain.finalized.hash,
      final: true,
    });
    chain.setAutoFinalize(false);
    try {
      const outcome = await chain.send('Dave', 'livestream', 'sendGift', 0, 0, 1);
      await best.applied(outcome.blockHash);
      const block = { number: chain.head.number, hash: outcome.blockHash };
      const health = (await get('/health')).body;
      // The documented response shape (the OpenAPI document's) holds the new field.
      expect(HealthResponse.safeParse(health).success).toBe(true);
      const ahead = health.chain;
      expect(ahead.bestBlock).toEqual({ ...block, final: false });
      expect(ahead.finalizedBlock).toBeLessThan(block.number);

      chain.finalize();
      await service.synced();
      const final = (await get('/health')).body.chain;
      expect(final).toMatchObject({ finalizedBlock: block.number, bestBlock: { ...block, final: true } });
    } finally {
      chain.setAutoFinalize(true);
    }
  });

  it('reports degraded (still 200) while the LiveKit API is down, and ok again after', async () => {
    await service.livekit.stop();
    try {
      expect(await service.livekitHealth.probe()).toBe('disconnected');
      const res = await get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'degraded',
        services: { chain: 'connected', livekit: 'disconnected' },
      });
      expect((await get('/health/ready')).status).toBe(200);
      // Tokens are offline JWTs: LiveKit's API being down does not stop them.
      expect((await token('publisher-token', pairs().Alice, 0)).status).toBe(200);
    } finally {
      await service.livekit.start();
    }
    expect(await service.livekitHealth.probe()).toBe('connected');
    expect((await get('/health')).body.status).toBe('ok');
  });

  describe('while the chain is unreachable', () => {
    let noise: ConsoleNoise | undefined;
    beforeAll(async () => {
      noise = captureConsoleNoise(CHAIN_DISCONNECT_NOISE);
      await service.chainDown();
    });
    afterAll(() => noise?.restore());

    it('answers every token endpoint with 503 CHAIN_UNAVAILABLE and Retry-After', async () => {
      const { Alice, Dave, Eve } = pairs();
      for (const [endpoint, pair] of [
        ['publisher-token', Alice],
        ['viewer-token', Dave],
        ['co-host-token', Eve],
      ] as const) {
        const res = await token(endpoint, pair, 0);
        expect(res.status, endpoint).toBe(503);
        expect(res.body).toEqual({ error: { code: 'CHAIN_UNAVAILABLE', message: expect.any(String) } });
        const retryAfter = Number(res.headers['retry-after']);
        expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
      }
    });

    it('keeps serving rooms from the index', async () => {
      const room = await get(`${API}/room/0`);
      expect(room.status).toBe(200);
      expect(room.body).toMatchObject({ id: 0, title: "Alice's live show 🎥", status: 'Live' });
      const rooms = await get(`${API}/rooms?status=Live`);
      expect(rooms.status).toBe(200);
      expect(rooms.body.total).toBeGreaterThan(0);
      expect((await get(`${API}/room/12345`)).status).toBe(404);
    });

    it('reports down with 503 on /health and /health/ready, and alive on /health/live', async () => {
      const health = await get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'down', services: { chain: 'disconnected' } });
      const ready = await get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'not_ready' });
      const live = await get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
    });
  });

  it('serves tokens again once the chain is back, with what was finalized meanwhile', async () => {
    // Finalized while the service could not see it: Bob opens his paid room (Dave has a ticket).
    await service.devchain.chain.send('Bob', 'livestream', 'startLive', 1);
    expect(service.rooms.get(1)?.status).toBe('Preparing');

    await service.chainUp();

    expect((await get('/health')).body.status).toBe('ok');
    expect((await get('/health/ready')).status).toBe(200);
    const publisher = await token('publisher-token', pairs().Alice, 0);
    expect(publisher.status).toBe(200);
    expect((await verifier.verify(publisher.body.token)).sub).toBe(pairs().Alice.address);
    expect((await get(`${API}/room/1`)).body.status).toBe('Live');
    const viewer = await token('viewer-token', pairs().Dave, 1);
    expect(viewer.status).toBe(200);
    expect((await verifier.verify(viewer.body.token)).video?.room).toBe('room-1');

    // And it keeps following: a change after the reconnection shows up too.
    await service.send('Bob', 'livestream', 'pauseLive', 1);
    expect((await get(`${API}/room/1`)).body.status).toBe('Paused');
  });
});
