import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDevChain } from '../../src/devchain/startDevChain.js';
import type { RunningService } from '../../src/startService.js';
import { redisAvailable } from '../support/RedisServer.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { type SharedPair, startSharedPair } from '../support/startSharedInstance.js';
import { WsAuthSigner } from '../support/WsAuthSigner.js';
import { WsTestClient } from '../support/WsTestClient.js';

const ACCOUNT_LIMIT = 4;

describe.skipIf(!redisAvailable())('two instances sharing one Redis', () => {
  let devchain: RunningDevChain;
  let a: RunningService;
  let b: RunningService;
  const signer = new RequestSigner();

  let pair: SharedPair | undefined;

  beforeAll(async () => {
    pair = await startSharedPair({
      REDIS_KEY_PREFIX: 'test:',
      RATE_LIMIT_ACCOUNT_MAX: String(ACCOUNT_LIMIT),
    });
    ({ devchain, a, b } = pair);
  });
  afterAll(() => pair?.close());

  it('refuses a signature replayed on the other instance', async () => {
    const body = signer.sign(devchain.chain.pairs.Bob, 0, { field: 'viewerAddress' });
    await request(a.server).post('/api/livestream/viewer-token').send(body).expect(200);
    const replay = await request(b.server).post('/api/livestream/viewer-token').send(body).expect(401);
    expect(replay.body.error.code).toBe('SIGNATURE_REUSED');
  });

  it('counts the per-account rate limit across instances', async () => {
    const charlie = devchain.chain.pairs.Charlie;
    const statuses: number[] = [];
    for (const server of [a.server, b.server, a.server, b.server, a.server]) {
      const body = signer.sign(charlie, 0, { field: 'viewerAddress' });
      statuses.push((await request(server).post('/api/livestream/viewer-token').send(body)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('shares presence and viewers:count, and relays viewer:joined to the other instance', async () => {
    const watcherOnA = await WsTestClient.connect(`${a.url.replace('http', 'ws')}/ws`);
    watcherOnA.send({ type: 'join-room', roomId: 3 });
    await watcherOnA.nextOfType('room:joined');

    const daveOnB = await WsTestClient.connect(`${b.url.replace('http', 'ws')}/ws`);
    await new WsAuthSigner().authenticate(daveOnB, devchain.chain.pairs.Dave);
    daveOnB.send({ type: 'join-room', roomId: 3 });

    const dave = devchain.chain.pairs.Dave.address;
    expect(await watcherOnA.nextOfType('viewer:joined', (m) => m.address === dave)).toMatchObject({
      roomId: 3,
    });
    expect(await watcherOnA.nextOfType('viewers:count', (m) => m.roomId === 3)).toMatchObject({ count: 1 });
    const room = await request(a.server).get('/api/livestream/room/3').expect(200);
    expect(room.body.currentViewers).toBe(1);

    daveOnB.close();
    expect(await watcherOnA.nextOfType('viewer:left', (m) => m.address === dave)).toMatchObject({
      roomId: 3,
    });
    expect(await watcherOnA.nextOfType('viewers:count', (m) => m.roomId === 3)).toMatchObject({ count: 0 });
    watcherOnA.close();
  });

  it('reports Redis in /health', async () => {
    const health = await request(a.server).get('/health').expect(200);
    expect(health.body.services.redis).toBe('connected');
  });
});
