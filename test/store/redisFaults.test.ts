import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDevChain } from '../../src/devchain/startDevChain.js';
import type { RunningService } from '../../src/startService.js';
import { REDIS_COMMAND_TIMEOUT_MS } from '../../src/store/RedisConnection.js';
import { type RedisServer, redisAvailable } from '../support/RedisServer.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { type SharedPair, startSharedPair, until } from '../support/startSharedInstance.js';

/** Scheduling slack on a loaded 2-core machine, on top of the command timeout. */
const TIMER_SLACK_MS = 100;

/** Records how long each Redis command of the service took (the real client, observed). */
function recordCommandTimes(service: RunningService): number[] {
  const client = service.redis?.client;
  if (!client) throw new Error('no redis');
  const durations: number[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Parameters<typeof send>[0], stream?: Parameters<typeof send>[1]) => {
    const started = performance.now();
    const result = send(command, stream);
    const done = () => durations.push(performance.now() - started);
    void Promise.resolve(result).then(done, done);
    return result;
  }) as typeof client.sendCommand;
  return durations;
}

describe.skipIf(!redisAvailable())('Redis faults under steady token requests', () => {
  let redis: RedisServer;
  let devchain: RunningDevChain;
  let a: RunningService;
  let b: RunningService;
  const signer = new RequestSigner();

  let pair: SharedPair | undefined;

  beforeAll(async () => {
    pair = await startSharedPair({ RATE_LIMIT_ACCOUNT_MAX: '100000', RATE_LIMIT_IP_MAX: '100000' });
    ({ redis, devchain, a, b } = pair);
  });
  afterAll(() => pair?.close());

  /** `total` viewer-token requests, two at a time, alternating instances; `fault` runs after `faultAfter`. */
  async function stream(total: number, faultAfter: number, fault: () => Promise<void> | void) {
    const bob = devchain.chain.pairs.Bob;
    const bodies = Array.from({ length: total }, () => signer.sign(bob, 0, { field: 'viewerAddress' }));
    const results: { status: number; ms: number }[] = [];
    let next = 0;
    let faulted = false;
    const worker = async (server: RunningService['server']) => {
      while (next < total) {
        const body = bodies[next++];
        if (!faulted && results.length >= faultAfter) {
          faulted = true;
          await fault();
        }
        const started = performance.now();
        const res = await request(server).post('/api/livestream/viewer-token').send(body);
        results.push({ status: res.status, ms: performance.now() - started });
      }
    };
    await Promise.all([worker(a.server), worker(b.server)]);
    return results;
  }

  it('Redis killed: every request succeeds without waiting, health degraded; back: shared again', async () => {
    const timesA = recordCommandTimes(a);
    const timesB = recordCommandTimes(b);
    const results = await stream(30, 10, () => redis.kill());
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    // A dead Redis refuses at once (no offline queue); a command caught in the moment of the crash
    // waits at most its timeout.
    expect(Math.max(...timesA, ...timesB)).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + TIMER_SLACK_MS);
    const health = await request(a.server).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'degraded', services: { redis: 'disconnected' } });

    await redis.restart();
    await until(() => a.redis?.ready === true && b.redis?.ready === true);
    const body = signer.sign(devchain.chain.pairs.Charlie, 0, { field: 'viewerAddress' });
    await request(a.server).post('/api/livestream/viewer-token').send(body).expect(200);
    const replay = await request(b.server).post('/api/livestream/viewer-token').send(body).expect(401);
    expect(replay.body.error.code).toBe('SIGNATURE_REUSED');
    expect((await request(a.server).get('/health').expect(200)).body.services.redis).toBe('connected');
  });

  it('Redis hung (SIGSTOP): every request succeeds, and no Redis command waits past the timeout', async () => {
    const timesA = recordCommandTimes(a);
    const timesB = recordCommandTimes(b);
    let results: { status: number; ms: number }[] = [];
    try {
      results = await stream(30, 8, () => redis.pause());
    } finally {
      redis.resume();
    }
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const slowest = Math.max(...timesA, ...timesB);
    expect(slowest).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + TIMER_SLACK_MS);
    // After a timeout Redis is skipped for a while: only the first requests into the hang wait.
    const waited = results.filter((r) => r.ms >= REDIS_COMMAND_TIMEOUT_MS).length;
    expect(waited).toBeLessThanOrEqual(4);
    await until(
      () => a.redis?.ready === true && b.redis?.ready === true,
      15_000,
      () => `a: ${a.redis?.client.status}, b: ${b.redis?.client.status}`,
    );
  });
});
