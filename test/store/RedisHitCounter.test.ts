import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../src/store/RedisConnection.js';
import { RedisHitCounter } from '../../src/store/RedisHitCounter.js';
import {
  MAX_KEYS_PER_CALL,
  MAX_WAITING_CALLS as MAX_WAITING_INCREMENTS,
} from '../../src/store/RedisScriptBatcher.js';
import { RedisServer, redisAvailable } from '../support/RedisServer.js';

const WINDOW_MS = 60_000;
/**
 * A deadline no busy box reaches, for the tests of counting: a starved test process must not turn
 * them into tests of the command timeout, which has tests of its own with a deadline they choose.
 */
const PATIENT_COMMAND_TIMEOUT_MS = 60_000;
/** The deadline of the timeout tests: long enough that a loaded box answers a live Redis within it. */
const SHORT_COMMAND_TIMEOUT_MS = 1_000;

describe.skipIf(!redisAvailable())('RedisHitCounter', () => {
  let server: RedisServer;
  let redis: RedisConnection;
  let counter: RedisHitCounter;

  async function connect(commandTimeoutMs: number): Promise<RedisConnection> {
    const connection = new RedisConnection({
      url: server.url,
      keyPrefix: 'test:',
      logger: pino({ level: 'silent' }),
      commandTimeoutMs,
    });
    await once(connection.client, 'ready');
    return connection;
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = await connect(PATIENT_COMMAND_TIMEOUT_MS);
    counter = new RedisHitCounter(redis);
  });

  afterAll(async () => {
    await redis.close();
    await server.stop();
  });

  beforeEach(async () => {
    await redis.client.flushall();
    await redis.client.config('RESETSTAT');
  });

  async function scriptCalls(): Promise<number> {
    const stats = await redis.client.info('commandstats');
    return ['evalsha', 'eval']
      .map((name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0))
      .reduce((sum, calls) => sum + calls, 0);
  }

  it('answers each of many concurrent hits with the total as of its own hit, per key', async () => {
    const a = Array.from({ length: 50 }, () => counter.increment('test:a', WINDOW_MS));
    const b = Array.from({ length: 20 }, () => counter.increment('test:b', 2 * WINDOW_MS));
    const before = Date.now();
    const [hitsA, hitsB] = await Promise.all([Promise.all(a), Promise.all(b)]);

    expect(hitsA.map((hits) => hits.totalHits)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(hitsB.map((hits) => hits.totalHits)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await redis.client.get('test:a')).toBe('50');
    expect(await redis.client.get('test:b')).toBe('20');
    const resetA = hitsA[0]?.resetTime.getTime() ?? 0;
    expect(resetA - before).toBeGreaterThan(WINDOW_MS - 1_000);
    expect(resetA - before).toBeLessThanOrEqual(WINDOW_MS + 1_000);
    expect((hitsB[0]?.resetTime.getTime() ?? 0) - resetA).toBeGreaterThan(WINDOW_MS - 1_000);
  });

  it('sends the hits of one tick as one command, and hits arriving while it is out as the next', async () => {
    const first = Array.from({ length: 200 }, (_, i) => counter.increment(`test:k${i % 7}`, WINDOW_MS));
    // The end of this tick sends the 200 together; the next 50 arrive while that command is out.
    await Promise.resolve();
    const second = Array.from({ length: 50 }, (_, i) => counter.increment(`test:k${i % 7}`, WINDOW_MS));
    await Promise.all([...first, ...second]);
    expect(await scriptCalls()).toBe(2);
    expect(await redis.client.get('test:k0')).toBe(String(29 + 8));
  });

  it('does not time out hits whose caller holds the event loop past the command timeout before yielding', async () => {
    const quick = await connect(SHORT_COMMAND_TIMEOUT_MS);
    try {
      const busy = new RedisHitCounter(quick);
      const hits = Array.from({ length: 100 }, () => busy.increment('test:busy', WINDOW_MS));
      // A busy box (or a long synchronous burst) holds the loop; nothing was sent yet, so no timeout runs.
      const until = performance.now() + 2 * SHORT_COMMAND_TIMEOUT_MS;
      while (performance.now() < until) {
        // holding the event loop
      }
      expect((await Promise.all(hits)).at(-1)?.totalHits).toBe(100);
    } finally {
      await quick.close();
    }
  });

  it('starts a new window once the key is gone, and adds to the other instances’ hits', async () => {
    await redis.client.set('test:shared', '5', 'PX', WINDOW_MS);
    expect((await counter.increment('test:shared', WINDOW_MS)).totalHits).toBe(6);
    await redis.client.del('test:shared');
    expect((await counter.increment('test:shared', WINDOW_MS)).totalHits).toBe(1);
    expect(await redis.client.pttl('test:shared')).toBeGreaterThan(WINDOW_MS - 1_000);
  });

  it('still counts after Redis lost its scripts (a restart)', async () => {
    await counter.increment('test:s', WINDOW_MS);
    await redis.client.script('FLUSH');
    expect((await counter.increment('test:s', WINDOW_MS)).totalHits).toBe(2);
  });

  /** The key count of every script call Redis ran since the slow log was reset, oldest first. */
  async function keysPerScriptCall(): Promise<number[]> {
    const entries = (await redis.client.slowlog('GET', -1)) as [number, number, number, string[]][];
    return entries
      .map(([, , , args]) => args)
      .filter((args) => /^eval/i.test(args[0] ?? ''))
      .map((args) => Number(args[2]))
      .reverse();
  }

  it('refuses hits beyond the waiting bound at once, and answers the rest in script calls of bounded size', async () => {
    // Every command goes to the slow log (the scripts' own PTTL/INCR/SET too: 2 a key), so the size
    // of each script call is read back from Redis: the assertion is on what was sent, not on how
    // fast this box ran it.
    // Its own connection with a deadline no busy box reaches: what is tested here is the count
    // bound and the size of each call; the command timeout has its own test below.
    const patient = await connect(PATIENT_COMMAND_TIMEOUT_MS);
    const flooded = new RedisHitCounter(patient);
    await redis.client.config('SET', 'slowlog-log-slower-than', '0');
    await redis.client.config('SET', 'slowlog-max-len', String(4 * MAX_WAITING_INCREMENTS));
    await redis.client.slowlog('RESET');
    try {
      const hits = Array.from({ length: MAX_WAITING_INCREMENTS + 1 }, () =>
        flooded.increment('test:flood', WINDOW_MS).then(
          (result) => result.totalHits,
          () => 'refused' as const,
        ),
      );
      const results = await Promise.all(hits);
      expect(results.at(-1)).toBe('refused');
      expect(results.slice(0, -1)).toEqual(Array.from({ length: MAX_WAITING_INCREMENTS }, (_, i) => i + 1));
      expect(await redis.client.get('test:flood')).toBe(String(MAX_WAITING_INCREMENTS));

      const sizes = await keysPerScriptCall();
      // All 10,000 were issued in one tick; they leave at its end in capped calls.
      expect(sizes).toHaveLength(Math.ceil(MAX_WAITING_INCREMENTS / MAX_KEYS_PER_CALL));
      expect(Math.max(...sizes)).toBe(MAX_KEYS_PER_CALL);
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(MAX_WAITING_INCREMENTS);
    } finally {
      await redis.client.config('SET', 'slowlog-log-slower-than', '10000');
      await redis.client.slowlog('RESET');
      await patient.close();
    }
  });

  it('fails the hits waiting behind a command to a hung Redis with it: none waits for a second timeout', async () => {
    const quick = await connect(SHORT_COMMAND_TIMEOUT_MS);
    server.pause();
    try {
      const hung = new RedisHitCounter(quick);
      const failedAt: number[] = [];
      const hits = Array.from({ length: 10 }, () =>
        hung.increment('test:hung', WINDOW_MS).catch((error: unknown) => {
          failedAt.push(performance.now());
          throw error;
        }),
      );
      const settled = await Promise.allSettled(hits);
      expect(settled.every((result) => result.status === 'rejected')).toBe(true);
      // Failed together with the command they waited behind: a hit that had waited for a command of
      // its own would fail a whole timeout later, however fast or slow the box.
      expect(Math.max(...failedAt) - Math.min(...failedAt)).toBeLessThan(SHORT_COMMAND_TIMEOUT_MS);
      expect(quick.ready).toBe(false);
    } finally {
      server.resume();
      await quick.close();
    }
  });
});
