import { type IncrementResponse, MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { RedisConnection } from './RedisConnection.js';
import { RedisHitCounter } from './RedisHitCounter.js';

/**
 * Stores for the limiters of one instance (one per limiter, as express-rate-limit requires), all
 * counting through one RedisHitCounter, so a batch carries the hits of every limiter.
 */
export function sharedRateLimitStores(redis: RedisConnection): (prefix: string) => SharedRateLimitStore {
  const counter = new RedisHitCounter(redis);
  return (prefix) => new SharedRateLimitStore(redis, counter, prefix);
}

/**
 * A rate-limit store counted in Redis (through the instance's RedisHitCounter, which batches the
 * increments of every limiter) when it is reachable, in memory when it is not: a Redis outage never
 * fails or slows a request, it only makes limits per instance.
 */
export class SharedRateLimitStore implements Store {
  readonly prefix: string;
  readonly localKeys = false;
  readonly #redis: RedisConnection;
  readonly #counter: RedisHitCounter;
  readonly #memory = new MemoryStore();
  #windowMs = 0;

  constructor(redis: RedisConnection, counter: RedisHitCounter, prefix: string) {
    this.#redis = redis;
    this.#counter = counter;
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
    this.#memory.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (this.#redis.ready && this.#windowMs > 0) {
      try {
        return await this.#counter.increment(this.#key(key), this.#windowMs);
      } catch {
        this.#redis.reportFailure();
      }
    }
    return this.#memory.increment(key);
  }

  async decrement(key: string): Promise<void> {
    this.#memory.decrement(key);
    await this.#shared(key, (redisKey) => this.#redis.client.decr(redisKey));
  }

  async resetKey(key: string): Promise<void> {
    this.#memory.resetKey(key);
    await this.#shared(key, (redisKey) => this.#redis.client.del(redisKey));
  }

  shutdown(): void {
    this.#memory.shutdown();
  }

  async #shared(key: string, command: (redisKey: string) => Promise<unknown>): Promise<void> {
    if (!this.#redis.ready) return;
    try {
      await command(this.#key(key));
    } catch {
      this.#redis.reportFailure();
    }
  }

  #key(key: string): string {
    return this.#redis.key(`${this.prefix}${key}`);
  }
}
