import { MemoryStore, type Options, type Store } from 'express-rate-limit';
import { describe, expect, it } from 'vitest';
import { sharedRateLimitStores } from '../../src/store/SharedRateLimitStore.js';
import { redisAvailable } from '../support/RedisServer.js';
import { useRedis } from '../support/useRedis.js';

const WINDOW_MS = 60_000;
const redis = useRedis();
let prefixes = 0;

/** Every rate-limit store the limiters can run with (memory alone, or shared through Redis). */
const IMPLEMENTATIONS: { name: string; make: () => Store }[] = [
  { name: 'MemoryStore', make: () => new MemoryStore() },
  ...(redisAvailable()
    ? [
        {
          name: 'SharedRateLimitStore (Redis)',
          make: () => sharedRateLimitStores(redis())(`contract${prefixes++}:`),
        },
      ]
    : []),
];

function started(make: () => Store): Store {
  const store = make();
  store.init?.({ windowMs: WINDOW_MS } as Options);
  return store;
}

describe.each(IMPLEMENTATIONS)('rate-limit Store contract: $name', ({ make }) => {
  it('counts each hit of a key within the window, with the window end ahead', async () => {
    const store = started(make);
    const before = Date.now();
    expect((await store.increment('ip1')).totalHits).toBe(1);
    const second = await store.increment('ip1');
    expect(second.totalHits).toBe(2);
    expect(second.resetTime?.getTime()).toBeGreaterThan(before);
    expect(second.resetTime?.getTime()).toBeLessThanOrEqual(Date.now() + WINDOW_MS);
    store.shutdown?.();
  });

  it('counts keys apart', async () => {
    const store = started(make);
    await store.increment('a');
    await store.increment('a');
    expect((await store.increment('b')).totalHits).toBe(1);
    store.shutdown?.();
  });

  it('takes a hit back on decrement, and starts the key over on reset', async () => {
    const store = started(make);
    await store.increment('k');
    await store.increment('k');
    await store.decrement('k');
    expect((await store.increment('k')).totalHits).toBe(2);
    await store.resetKey('k');
    expect((await store.increment('k')).totalHits).toBe(1);
    store.shutdown?.();
  });
});
