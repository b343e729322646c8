import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';
import { RedisPresenceSync } from '../../src/scaleout/RedisPresenceSync.js';
import { RedisConnection } from '../../src/store/RedisConnection.js';
import { RedisServer, redisAvailable } from '../support/RedisServer.js';

const TTL_MS = 60_000;
const CONFIRM_MS = 20_000;
const logger = pino({ level: 'silent' });

/** One instance's presence on a clock the test moves, synced through Redis. */
class Instance {
  now = 1_000_000;
  readonly presence = new ViewerPresence({ now: () => this.now, ttlMs: TTL_MS, confirmMs: CONFIRM_MS });
  readonly redis: RedisConnection;
  readonly sync: RedisPresenceSync;

  constructor(url: string, instanceId: string) {
    this.redis = new RedisConnection({ url, keyPrefix: 'test:', logger });
    this.sync = new RedisPresenceSync({ redis: this.redis, presence: this.presence, instanceId, logger });
  }

  async start(): Promise<void> {
    await Promise.all([ready(this.redis.client), ready(this.redis.subscriber)]);
    this.sync.start();
  }

  advance(ms: number): void {
    this.now += ms;
    this.presence.sweep();
  }

  /** Resolves when room 1's count here becomes `count`. */
  counts(count: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.presence.count(1) === count) resolve();
      const off = this.presence.onCountChange((roomId, now) => {
        if (roomId === 1 && now === count) {
          off();
          resolve();
        }
      });
    });
  }
}

async function ready(connection: RedisConnection['client']): Promise<void> {
  if (connection.status !== 'ready') await once(connection, 'ready');
}

/** Resolves once both instances listen on the presence channel (each round trip awaited). */
async function subscribed(instance: Instance): Promise<void> {
  for (;;) {
    const [, listeners] = (await instance.redis.client.pubsub('NUMSUB', instance.sync.channel)) as [
      string,
      number,
    ];
    if (listeners >= 2) return;
  }
}

describe.skipIf(!redisAvailable())('RedisPresenceSync with expiring presence', () => {
  let server: RedisServer;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    server = await RedisServer.start();
    a = new Instance(server.url, 'a');
    b = new Instance(server.url, 'b');
    await Promise.all([a.start(), b.start()]);
    await subscribed(a);
  });
  afterAll(async () => {
    for (const instance of [a, b]) {
      instance?.sync.stop();
      await instance?.redis.close();
    }
    await server?.stop();
  });

  it('expires a token viewer on the other instance after the TTL too', async () => {
    const replicated = b.counts(1);
    a.presence.join(1, 'token-viewer', '10.0.0.1');
    await replicated;
    b.advance(TTL_MS);
    expect(b.presence.count(1)).toBe(0);
    a.advance(TTL_MS);
    expect(a.presence.count(1)).toBe(0);
  });

  it('keeps a viewer held by a WebSocket on the other instance through its confirmations', async () => {
    const replicated = b.counts(1);
    a.presence.hold(1, 'ws-viewer');
    await replicated;
    for (let round = 0; round < 5; round++) {
      const confirmed = new Promise<void>((resolve) => {
        b.redis.subscriber.once('message', () => resolve());
      });
      a.advance(CONFIRM_MS);
      await confirmed;
      b.advance(CONFIRM_MS);
      expect(b.presence.count(1)).toBe(1);
    }
    // The instance holding it goes silent (crashed): the others drop it after the TTL.
    b.advance(TTL_MS);
    expect(b.presence.count(1)).toBe(0);
    const left = a.counts(0);
    a.presence.leave(1, 'ws-viewer');
    await left;
  });
});
