import { once } from 'node:events';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../src/store/RedisConnection.js';
import { type SharedReplayGuard, sharedReplayGuards } from '../../src/store/SharedReplayGuard.js';
import { captureLogs } from '../support/logCapture.js';
import { RedisServer, redisAvailable } from '../support/RedisServer.js';
import { until } from '../support/startSharedInstance.js';

const TTL_MS = 600_000;

describe.skipIf(!redisAvailable())('SharedReplayGuard', () => {
  let server: RedisServer;
  let connections: RedisConnection[];
  /** For the test's own look into Redis: no command timeout, so a busy box cannot fail a check. */
  let inspect: Redis;
  let a: SharedReplayGuard;
  let b: SharedReplayGuard;
  /** Possible replays reported, per instance. */
  let reported: number[];
  const logs = [0, 1].map(() => captureLogs());
  /** Log lines of this test (those before it are left out). */
  let logStart: number[] = [];
  const logged = () => logs.flatMap((log, i) => log.entries().slice(logStart[i]));

  beforeAll(async () => {
    server = await RedisServer.start();
    connections = [0, 1].map(
      (i) => new RedisConnection({ url: server.url, keyPrefix: 'test:', logger: logs[i]?.logger ?? pino() }),
    );
    inspect = new Redis(server.url);
    // It sees Redis killed and restarted too; it reconnects by itself.
    inspect.on('error', () => undefined);
    await Promise.all(connections.map((connection) => once(connection.client, 'ready')));
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    inspect.disconnect();
    await server.stop();
  });

  beforeEach(async () => {
    // Fresh local guards (two instances), and a Redis that has seen nothing.
    reported = [0, 0];
    [a, b] = connections.map((redis, i) =>
      sharedReplayGuards({
        redis,
        owner: `instance-${i}`,
        logger: logs[i]?.logger ?? pino(),
        onPossibleReplays: (_namespace, count) => {
          reported[i] = (reported[i] ?? 0) + count;
        },
      })('signature'),
    ) as [SharedReplayGuard, SharedReplayGuard];
    logStart = logs.map((log) => log.entries().length);
    await inspect.flushall();
    await inspect.config('RESETSTAT');
  });

  async function scriptCalls(): Promise<number> {
    const stats = (await inspect.info('commandstats')) ?? '';
    return ['evalsha', 'eval']
      .map((name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0))
      .reduce((sum, calls) => sum + calls, 0);
  }

  /** Kills Redis, runs `during` while it is down, restarts it (empty) and waits for both clients. */
  async function outage(during: () => Promise<void>): Promise<void> {
    await server.kill();
    await until(() => connections.every((connection) => !connection.ready));
    await during();
    await server.restart();
    await until(() => connections.every((connection) => connection.ready));
  }

  it('lets a message be claimed once across instances', async () => {
    expect(await a.claim('m1', TTL_MS)).toBe(true);
    expect(await b.claim('m1', TTL_MS)).toBe(false);
    expect(await b.claim('m2', TTL_MS)).toBe(true);
    expect(await a.claim('m2', TTL_MS)).toBe(false);
    expect(await inspect.pttl('test:signature:m1')).toBeGreaterThan(TTL_MS - 1_000);
  });

  it('claims concurrently arriving messages together, each answered on its own', async () => {
    await b.claim('taken', TTL_MS);
    await inspect.config('RESETSTAT');
    const keys = ['taken', ...Array.from({ length: 99 }, (_, i) => `k${i}`)];
    const results = await Promise.all(keys.map((key) => a.claim(key, TTL_MS)));
    expect(results).toEqual([false, ...Array.from({ length: 99 }, () => true)]);
    // The claims of one tick leave together, at its end.
    expect(await scriptCalls()).toBe(1);
  });

  it('answers from the local guard alone while Redis hangs', async () => {
    server.pause();
    try {
      const results = await Promise.all(['h1', 'h2', 'h3'].map((key) => a.claim(key, TTL_MS)));
      expect(results).toEqual([true, true, true]);
      expect(await a.claim('h1', TTL_MS)).toBe(false);
      expect(a.unsyncedCount).toBe(3);
    } finally {
      server.resume();
    }
    // Once Redis answers again, the hang's claims are written and hold on the other instance.
    await until(
      () => a.unsyncedCount === 0,
      15_000,
      () => `${a.unsyncedCount} unsynced`,
    );
    expect(await b.claim('h2', TTL_MS)).toBe(false);
    expect(reported).toEqual([0, 0]);
  });

  it('writes the claims of an outage to Redis when it returns: a message used on A is refused on B', async () => {
    await outage(async () => {
      expect(await a.claim('during', TTL_MS)).toBe(true);
      expect(a.unsyncedCount).toBe(1);
    });
    await a.sync();
    expect(a.unsyncedCount).toBe(0);
    expect(await b.claim('during', TTL_MS)).toBe(false);
    // Written with the time it had left, under this instance's name.
    const pttl = (await inspect.pttl('test:signature:during')) ?? 0;
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(TTL_MS);
    expect(await inspect.get('test:signature:during')).toBe('instance-0');
    expect(reported).toEqual([0, 0]);
    expect(logged().map((entry) => entry.msg)).toContain(
      'replay claims of the Redis outage written: shared mode resumed',
    );
  });

  it('reports a message used on both instances during the outage as a possible replay, once', async () => {
    await outage(async () => {
      expect(await a.claim('twice', TTL_MS)).toBe(true);
      expect(await b.claim('twice', TTL_MS)).toBe(true);
    });
    await Promise.all([a.sync(), b.sync()]);
    // Whichever wrote second found the other's claim.
    expect((reported[0] ?? 0) + (reported[1] ?? 0)).toBe(1);
    const warned = logged().filter((entry) => entry.possibleReplays !== undefined);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 'warn', possibleReplays: 1, namespace: 'signature' });
  });

  it('does not write claims that expired during the outage', async () => {
    const SHORT_TTL_MS = 50;
    await outage(async () => {
      const claimedAt = Date.now();
      expect(await a.claim('short', SHORT_TTL_MS)).toBe(true);
      expect(await a.claim('long', TTL_MS)).toBe(true);
      // Its expiry is the event awaited: time passing.
      await until(() => Date.now() > claimedAt + SHORT_TTL_MS);
    });
    await a.sync();
    expect(await inspect.exists('test:signature:short')).toBe(0);
    expect(await inspect.exists('test:signature:long')).toBe(1);
  });
});
