import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../src/store/RedisConnection.js';
import { RedisHitCounter } from '../../src/store/RedisHitCounter.js';
import { captureLogs, type LogCapture } from '../support/logCapture.js';
import { RedisServer, redisAvailable } from '../support/RedisServer.js';
import { until } from '../support/startSharedInstance.js';

const WINDOW_MS = 60_000;
const NOT_ANSWERING =
  'redis not answering (a command failed or timed out): using local state until it answers';
const ANSWERING = 'redis answering again: shared state resumed';

describe.skipIf(!redisAvailable())('RedisConnection', () => {
  let server: RedisServer;
  let redis: RedisConnection;
  let counter: RedisHitCounter;
  let logs: LogCapture;

  beforeAll(async () => {
    server = await RedisServer.start();
    logs = captureLogs('info');
    redis = new RedisConnection({ url: server.url, keyPrefix: 'test:', logger: logs.logger });
    await once(redis.client, 'ready');
    counter = new RedisHitCounter(redis);
  });

  afterAll(async () => {
    await redis.close();
    await server.stop();
  });

  const count = (msg: string) => logs.entries().filter((entry) => entry.msg === msg).length;

  /** Hits while Redis is hung: each fails at its command timeout (or at once while Redis is skipped). */
  async function hitsWhileHung(hits: number): Promise<void> {
    for (let i = 0; i < hits; i++) {
      await expect(counter.increment(redis.key('hung'), WINDOW_MS)).rejects.toThrow();
      // Past the skip window, so the next hit waits on the hung Redis again.
      await until(() => redis.ready);
    }
  }

  it('logs a hung Redis once when it stops answering and once when it answers again', async () => {
    // The attack: a hung Redis (SIGSTOP) logged nothing at all, however long it lasted.
    await counter.increment(redis.key('ok'), WINDOW_MS);
    server.pause();
    try {
      await hitsWhileHung(3);
    } finally {
      server.resume();
    }
    expect(count(NOT_ANSWERING)).toBe(1);
    expect(logs.entries().find((entry) => entry.msg === NOT_ANSWERING)).toMatchObject({ level: 'warn' });
    expect(count(ANSWERING)).toBe(0);

    await counter.increment(redis.key('ok'), WINDOW_MS);
    await counter.increment(redis.key('ok'), WINDOW_MS);
    expect(count(ANSWERING)).toBe(1);

    // The next outage is a new transition.
    server.pause();
    try {
      await hitsWhileHung(1);
    } finally {
      server.resume();
    }
    await counter.increment(redis.key('ok'), WINDOW_MS);
    expect(count(NOT_ANSWERING)).toBe(2);
    expect(count(ANSWERING)).toBe(2);
  });
});
