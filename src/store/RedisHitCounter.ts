import type { RedisConnection } from './RedisConnection.js';

export interface Hits {
  /** Hits in the current window, this one included. */
  totalHits: number;
  resetTime: Date;
}

/**
 * Increments several window counters at once: for each key, `INCRBY` its batch count, or start a
 * new window of `windowMs` (PX) when the key has expired. Returns `[hits, ms to expiry]` per key.
 */
const INCREMENT_HITS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[2 * i - 1])
  local windowMs = tonumber(ARGV[2 * i])
  local ttl = redis.call('PTTL', key)
  if ttl <= 0 then
    redis.call('SET', key, count, 'PX', windowMs)
    out[2 * i - 1] = count
    out[2 * i] = windowMs
  else
    out[2 * i - 1] = redis.call('INCRBY', key, count)
    out[2 * i] = ttl
  end
end
return out
`;
const INCREMENT_HITS_COMMAND = 'livestreamIncrementHits';

/** Increments waiting for the next batch; beyond it an increment is refused (the caller counts locally). */
export const MAX_WAITING_INCREMENTS = 10_000;

type IncrementHits = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<unknown>;

interface Waiter {
  resolve: (hits: Hits) => void;
  reject: (error: unknown) => void;
}

interface PendingKey {
  windowMs: number;
  /** In arrival order: the i-th is told the total as it stood after its own hit. */
  waiters: Waiter[];
}

/**
 * Rate-limit counters in Redis with at most one command in flight: increments that arrive while a
 * command is out join the next one, a single script call for every key. Under load that is one
 * round trip per batch instead of one per hit per limiter (a request passes two limiters), which is
 * what Redis cost the token path (~25 µs of the event loop per command). Counts stay exact: every
 * hit is applied atomically in Redis, and each is answered with the total as of its own hit. When
 * idle, an increment is sent at once. A failed command fails its batch and everything waiting, so
 * no increment waits on a dead or hung Redis longer than one command timeout. One script touches
 * many keys: a single Redis (or a primary), not Redis Cluster.
 */
export class RedisHitCounter {
  readonly #redis: RedisConnection;
  readonly #incrementHits: IncrementHits;
  #pending = new Map<string, PendingKey>();
  #waiting = 0;
  #inFlight = false;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
    // defineCommand sends EVALSHA and falls back to EVAL once when Redis has lost the script.
    redis.client.defineCommand(INCREMENT_HITS_COMMAND, { lua: INCREMENT_HITS_LUA });
    const command = (redis.client as unknown as Record<string, IncrementHits>)[INCREMENT_HITS_COMMAND];
    if (command === undefined) throw new Error('ioredis did not define the increment command');
    this.#incrementHits = command.bind(redis.client);
  }

  /** Adds a hit to `key` (full Redis key), whose window is `windowMs` when it starts one. */
  increment(key: string, windowMs: number): Promise<Hits> {
    if (this.#waiting >= MAX_WAITING_INCREMENTS) {
      return Promise.reject(new Error('Too many rate-limit increments waiting for Redis'));
    }
    return new Promise<Hits>((resolve, reject) => {
      let pending = this.#pending.get(key);
      if (pending === undefined) {
        pending = { windowMs, waiters: [] };
        this.#pending.set(key, pending);
      }
      pending.waiters.push({ resolve, reject });
      this.#waiting += 1;
      if (!this.#inFlight) void this.#sendAll();
    });
  }

  async #sendAll(): Promise<void> {
    this.#inFlight = true;
    try {
      while (this.#pending.size > 0) {
        const batch = this.#pending;
        this.#pending = new Map();
        const keys = [...batch.keys()];
        const args = [...batch.values()].flatMap(({ waiters, windowMs }) => [waiters.length, windowMs]);
        let reply: unknown;
        try {
          reply = await this.#incrementHits(keys.length, ...keys, ...args);
        } catch (error) {
          this.#fail([...batch.values(), ...this.#pending.values()], error);
          this.#pending = new Map();
          return;
        }
        this.#answer(batch, reply);
      }
    } finally {
      this.#inFlight = false;
    }
  }

  #answer(batch: Map<string, PendingKey>, reply: unknown): void {
    const numbers = Array.isArray(reply) ? reply.map(Number) : [];
    const now = Date.now();
    let i = 0;
    for (const { waiters } of batch.values()) {
      const total = numbers[2 * i];
      const ttlMs = numbers[2 * i + 1];
      i += 1;
      this.#waiting -= waiters.length;
      if (total === undefined || ttlMs === undefined || !Number.isFinite(total + ttlMs)) {
        for (const waiter of waiters)
          waiter.reject(new TypeError('Unexpected reply to the increment script'));
        continue;
      }
      const resetTime = new Date(now + ttlMs);
      waiters.forEach((waiter, position) => {
        waiter.resolve({ totalHits: total - waiters.length + position + 1, resetTime });
      });
    }
  }

  #fail(pendingKeys: PendingKey[], error: unknown): void {
    this.#redis.reportFailure();
    for (const { waiters } of pendingKeys) {
      this.#waiting -= waiters.length;
      for (const waiter of waiters) waiter.reject(error);
    }
  }
}
