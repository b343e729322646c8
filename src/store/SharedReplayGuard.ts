import { MemoryReplayGuard } from './MemoryReplayGuard.js';
import type { RedisConnection } from './RedisConnection.js';
import { RedisScriptBatcher } from './RedisScriptBatcher.js';
import type { ReplayGuard } from './ReplayGuard.js';

/** `SET key 1 PX ARGV[i] NX` per key; replies 1 when this call set it, 0 when it was already used. */
const CLAIM_KEYS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, '1', 'PX', ARGV[i], 'NX') then out[i] = 1 else out[i] = 0 end
end
return out
`;

/**
 * The replay guards of one instance (one per namespace), each backed by its own local guard, all
 * claiming in Redis through one RedisScriptBatcher: under load a claim costs a fraction of a round
 * trip.
 */
export function sharedReplayGuards(redis: RedisConnection): (namespace: string) => SharedReplayGuard {
  const claims = new RedisScriptBatcher(redis, {
    name: 'livestreamClaimKeys',
    lua: CLAIM_KEYS_LUA,
    argsPerKey: 1,
    repliesPerKey: 1,
  });
  return (namespace) => new SharedReplayGuard(new MemoryReplayGuard(), redis, claims, namespace);
}

/**
 * Single use across instances: an atomic `SET key NX PX` in Redis (batched), always backed by the local
 * guard. While Redis is down or hung, the local guard alone answers (replays are then refused per
 * instance only — the documented weaker guarantee), and no request waits longer than a command
 * timeout.
 */
export class SharedReplayGuard implements ReplayGuard {
  readonly #local: ReplayGuard;
  readonly #redis: RedisConnection;
  readonly #claims: RedisScriptBatcher;
  readonly #namespace: string;

  constructor(local: ReplayGuard, redis: RedisConnection, claims: RedisScriptBatcher, namespace: string) {
    this.#local = local;
    this.#redis = redis;
    this.#claims = claims;
    this.#namespace = namespace;
  }

  /**
   * Local only: this pre-check only saves a signature check for a replay on the same instance. A
   * replay on another instance is still refused, by the atomic claim, without a round trip on
   * every request.
   */
  has(key: string): Promise<boolean> {
    return this.#local.has(key);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (!(await this.#local.claim(key, ttlMs))) return false;
    if (!this.#redis.ready) return true;
    try {
      const [set] = await this.#claims.run(this.#key(key), [Math.ceil(ttlMs)]);
      return set === 1;
    } catch {
      this.#redis.reportFailure();
      return true;
    }
  }

  #key(key: string): string {
    return this.#redis.key(`${this.#namespace}:${key}`);
  }
}
