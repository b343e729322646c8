import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDevChain } from '../../src/devchain/startDevChain.js';
import type { RunningService } from '../../src/startService.js';
import type { RedisConnection } from '../../src/store/RedisConnection.js';
import type { LogCapture } from '../support/logCapture.js';
import { type RedisServer, redisAvailable } from '../support/RedisServer.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { type SharedPair, startSharedPair, until } from '../support/startSharedInstance.js';

/** Counts the times the service fell back to local state because a Redis command failed. */
function countFallbacks(service: RunningService): () => number {
  const redis: RedisConnection | undefined = service.redis;
  if (!redis) throw new Error('no redis');
  let count = 0;
  const report = redis.reportFailure.bind(redis);
  redis.reportFailure = () => {
    count++;
    report();
  };
  return () => count;
}

/**
 * Resolves when the instance next says its signature replay guard has written the claims it answered
 * locally to Redis: from then on it claims in Redis again. Until then a request may still be answered
 * locally (it waits for the write at most one command timeout), so "shared again" is asserted only
 * after it, however slow the box. Call it before the fault, so the line cannot be missed.
 */
function nextSharedModeResumed(logs: LogCapture): Promise<unknown> {
  const resumed = (entry: Record<string, unknown>) =>
    entry.namespace === 'signature' &&
    typeof entry.msg === 'string' &&
    entry.msg.startsWith('replay claims of the Redis outage written');
  let earlier = logs.entries().filter(resumed).length;
  return logs.waitFor((entry) => resumed(entry) && earlier-- <= 0);
}

describe.skipIf(!redisAvailable())('Redis faults under steady token requests', () => {
  let redis: RedisServer;
  let devchain: RunningDevChain;
  let a: RunningService;
  let b: RunningService;
  let logs: SharedPair['logs'];
  const signer = new RequestSigner();

  let pair: SharedPair | undefined;

  beforeAll(async () => {
    pair = await startSharedPair({ RATE_LIMIT_ACCOUNT_MAX: '100000', RATE_LIMIT_IP_MAX: '100000' }, 'info');
    ({ redis, devchain, a, b, logs } = pair);
  });
  afterAll(() => pair?.close());

  /** `total` viewer-token requests, two at a time, alternating instances; `fault` runs after `faultAfter`. */
  async function stream(total: number, faultAfter: number, fault: () => Promise<void> | void) {
    const bob = devchain.chain.pairs.Bob;
    const bodies = Array.from({ length: total }, () => signer.sign(bob, 0, { field: 'viewerAddress' }));
    const statuses: number[] = [];
    let next = 0;
    let faulted = false;
    const worker = async (server: RunningService['server']) => {
      while (next < total) {
        const body = bodies[next++];
        if (!faulted && statuses.length >= faultAfter) {
          faulted = true;
          await fault();
        }
        statuses.push((await request(server).post('/api/livestream/viewer-token').send(body)).status);
      }
    };
    await Promise.all([worker(a.server), worker(b.server)]);
    return statuses;
  }

  async function redisHealth(service: RunningService): Promise<unknown> {
    return (await request(service.server).get('/health').expect(200)).body;
  }

  it('Redis killed: every request is answered from local state, health degraded; back: shared again', async () => {
    const resumed = Promise.all([nextSharedModeResumed(logs.a), nextSharedModeResumed(logs.b)]);
    const results = await stream(30, 10, () => redis.kill());
    expect(results.filter((status) => status !== 200)).toEqual([]);
    expect(await redisHealth(a)).toMatchObject({ status: 'degraded', services: { redis: 'disconnected' } });

    await redis.restart();
    await until(() => a.redis?.ready === true && b.redis?.ready === true);
    await resumed;
    const body = signer.sign(devchain.chain.pairs.Charlie, 0, { field: 'viewerAddress' });
    await request(a.server).post('/api/livestream/viewer-token').send(body).expect(200);
    const replay = await request(b.server).post('/api/livestream/viewer-token').send(body).expect(401);
    expect(replay.body.error.code).toBe('SIGNATURE_REUSED');
    expect(await redisHealth(a)).toMatchObject({ services: { redis: 'connected' } });
  });

  it('Redis hung (SIGSTOP): every request is answered, each instance fell back to local state; resumed: shared again', async () => {
    const fallbacksA = countFallbacks(a);
    const fallbacksB = countFallbacks(b);
    const resumed = Promise.all([nextSharedModeResumed(logs.a), nextSharedModeResumed(logs.b)]);
    let results: number[] = [];
    try {
      results = await stream(30, 8, () => redis.pause());
    } finally {
      redis.resume();
    }
    expect(results.filter((status) => status !== 200)).toEqual([]);
    expect(fallbacksA()).toBeGreaterThan(0);
    expect(fallbacksB()).toBeGreaterThan(0);
    await until(
      () => a.redis?.status === 'connected' && b.redis?.status === 'connected',
      15_000,
      () => `a: ${a.redis?.client.status}, b: ${b.redis?.client.status}`,
    );
    await resumed;
    // Shared again: a fresh message used on B is refused on A.
    const body = signer.sign(devchain.chain.pairs.Eve, 0, { field: 'viewerAddress' });
    await request(b.server).post('/api/livestream/viewer-token').send(body).expect(200);
    const replay = await request(a.server).post('/api/livestream/viewer-token').send(body).expect(401);
    expect(replay.body.error.code).toBe('SIGNATURE_REUSED');
  });
});
