import type { RedisConnection } from './RedisConnection.js';
import type { ReplayGuard } from './ReplayGuard.js';

/**
 * Single use across instances: an atomic `SET key NX PX` in Redis, always backed by the local
 * guard. While Redis is down or hung, the local guard alone answers (replays are then refused per
 * instance only — the documented weaker guarantee), and no request waits longer than a command
 * timeout.
 */
export class SharedReplayGuard implements ReplayGuard {
  readonly #local: ReplayGuard;
  readonly #redis: RedisConnection;
  readonly #namespace: string;

  constructor(local: ReplayGuard, redis: RedisConnection, namespace: string) {
    this.#local = local;
    this.#redis = redis;
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
      return (await this.#redis.client.set(this.#key(key), '1', 'PX', ttlMs, 'NX')) === 'OK';
    } catch {
      this.#redis.reportFailure();
      return true;
    }
  }

  #key(key: string): string {
    return this.#redis.key(`${this.#namespace}:${key}`);
  }
}
