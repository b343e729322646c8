import type { RedisConnection } from './RedisConnection.js';
import { RedisScriptBatcher } from './RedisScriptBatcher.js';

export interface Hits {
  /** Hits in the current window, this one included. */
  totalHits: number;
  resetTime: Date;
}

/**
 * One hit per key (a key may come several times): `INCR`, or start a new window of ARGV[i] ms when
 * the key has expired. Replies `hits, ms to expiry` per key.
 */
const INCREMENT_HITS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local ttl = redis.call('PTTL', key)
  if ttl <= 0 then
    redis.call('SET', key, 1, 'PX', ARGV[i])
    out[2 * i - 1] = 1
    out[2 * i] = tonumber(ARGV[i])
  else
    out[2 * i - 1] = redis.call('INCR', key)
    out[2 * i] = ttl
  end
end
return out
`;

/**
 * Rate-limit window counters in Redis, the hits of every limiter of the instance batched together
 * (RedisScriptBatcher): a request passes two limiters, and under load their hits cost a fraction of
 * a round trip instead of one each. Counts stay exact: every hit is applied atomically in Redis, in
 * arrival order, and each is answered with the total as of its own hit.
 */
export class RedisHitCounter {
  readonly #batcher: RedisScriptBatcher;

  constructor(redis: RedisConnection) {
    this.#batcher = new RedisScriptBatcher(redis, {
      name: 'livestreamIncrementHits',
      lua: INCREMENT_HITS_LUA,
      argsPerKey: 1,
      repliesPerKey: 2,
    });
  }

  /** Adds a hit to `key` (full Redis key), whose window is `windowMs` when it starts one. */
  async increment(key: string, windowMs: number): Promise<Hits> {
    const [totalHits = 0, ttlMs = 0] = await this.#batcher.run(key, [windowMs]);
    return { totalHits, resetTime: new Date(Date.now() + ttlMs) };
  }
}
