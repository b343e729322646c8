import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryReplayGuard } from '../../src/store/MemoryReplayGuard.js';
import type { ReplayGuard } from '../../src/store/ReplayGuard.js';
import { sharedReplayGuards } from '../../src/store/SharedReplayGuard.js';
import { redisAvailable } from '../support/RedisServer.js';
import { useRedis } from '../support/useRedis.js';

const TTL_MS = 60_000;
const redis = useRedis();
let namespaces = 0;

/** Every ReplayGuard the service can run with; each test gets a fresh one. */
const IMPLEMENTATIONS: { name: string; make: () => ReplayGuard }[] = [
  { name: 'MemoryReplayGuard', make: () => new MemoryReplayGuard() },
  ...(redisAvailable()
    ? [
        {
          name: 'SharedReplayGuard (Redis)',
          make: () =>
            sharedReplayGuards({ redis: redis(), owner: 'contract', logger: pino({ level: 'silent' }) })(
              `contract${namespaces++}`,
            ),
        },
      ]
    : []),
];

describe.each(IMPLEMENTATIONS)('ReplayGuard contract: $name', ({ make }) => {
  it('lets a key be claimed once; afterwards it is used', async () => {
    const guard = make();
    expect(await guard.has('k1')).toBe(false);
    expect(await guard.claim('k1', TTL_MS)).toBe(true);
    expect(await guard.has('k1')).toBe(true);
    expect(await guard.claim('k1', TTL_MS)).toBe(false);
  });

  it('keeps keys apart', async () => {
    const guard = make();
    expect(await guard.claim('a', TTL_MS)).toBe(true);
    expect(await guard.claim('b', TTL_MS)).toBe(true);
    expect(await guard.has('c')).toBe(false);
  });

  it('gives exactly one of many simultaneous claims of a key', async () => {
    const guard = make();
    const claims = await Promise.all(Array.from({ length: 50 }, () => guard.claim('race', TTL_MS)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a TTL that is not a positive number of ms, without marking the key', async () => {
    const guard = make();
    await expect(guard.claim('bad', 0)).rejects.toThrow();
    expect(await guard.claim('bad', TTL_MS)).toBe(true);
  });
});
