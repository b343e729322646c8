import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REDIS_COMMAND_TIMEOUT_MS, RedisConnection } from '../../src/store/RedisConnection.js';
import { type SharedReplayGuard, sharedReplayGuards } from '../../src/store/SharedReplayGuard.js';
import { RedisServer, redisAvailable } from '../support/RedisServer.js';

const TTL_MS = 600_000;

describe.skipIf(!redisAvailable())('SharedReplayGuard', () => {
  let server: RedisServer;
  let connections: RedisConnection[];
  let a: SharedReplayGuard;
  let b: SharedReplayGuard;

  beforeAll(async () => {
    server = await RedisServer.start();
    connections = [0, 1].map(
      () => new RedisConnection({ url: server.url, keyPrefix: 'test:', logger: pino({ level: 'silent' }) }),
    );
    await Promise.all(connections.map((connection) => once(connection.client, 'ready')));
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await server.stop();
  });

  beforeEach(async () => {
    // Fresh local guards (two instances), and a Redis that has seen nothing.
    [a, b] = connections.map((connection) => sharedReplayGuards(connection)('signature')) as [
      SharedReplayGuard,
      SharedReplayGuard,
    ];
    await connections[0]?.client.flushall();
    await connections[0]?.client.config('RESETSTAT');
  });

  async function scriptCalls(): Promise<number> {
    const stats = (await connections[0]?.client.info('commandstats')) ?? '';
    return ['evalsha', 'eval']
      .map((name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0))
      .reduce((sum, calls) => sum + calls, 0);
  }

  it('lets a message be claimed once across instances', async () => {
    expect(await a.claim('m1', TTL_MS)).toBe(true);
    expect(await b.claim('m1', TTL_MS)).toBe(false);
    expect(await b.claim('m2', TTL_MS)).toBe(true);
    expect(await a.claim('m2', TTL_MS)).toBe(false);
    expect(await connections[0]?.client.pttl('test:signature:m1')).toBeGreaterThan(TTL_MS - 1_000);
  });

  it('claims concurrently arriving messages together, each answered on its own', async () => {
    await b.claim('taken', TTL_MS);
    await connections[0]?.client.config('RESETSTAT');
    const keys = ['taken', ...Array.from({ length: 99 }, (_, i) => `k${i}`)];
    const results = await Promise.all(keys.map((key) => a.claim(key, TTL_MS)));
    expect(results).toEqual([false, ...Array.from({ length: 99 }, () => true)]);
    // The claims of one tick leave together, at its end.
    expect(await scriptCalls()).toBe(1);
  });

  it('answers from the local guard alone while Redis hangs, within one command timeout', async () => {
    server.pause();
    try {
      const started = performance.now();
      const results = await Promise.all(['h1', 'h2', 'h3'].map((key) => a.claim(key, TTL_MS)));
      expect(results).toEqual([true, true, true]);
      expect(await a.claim('h1', TTL_MS)).toBe(false);
      expect(performance.now() - started).toBeLessThan(2 * REDIS_COMMAND_TIMEOUT_MS);
    } finally {
      server.resume();
    }
  });
});
