import { type IncrementResponse, MemoryStore, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RedisConnection } from './RedisConnection.js';

/**
 * A rate-limit store counted in Redis (rate-limit-redis) when it is reachable, in memory when it
 * is not: a Redis outage never fails or slows a request, it only makes limits per instance.
 */
export class SharedRateLimitStore implements Store {
  readonly prefix: string;
  readonly localKeys = false;
  readonly #redis: RedisConnection;
  readonly #memory = new MemoryStore();
  #options: Options | undefined;
  #shared: Promise<RedisStore> | null = null;

  constructor(redis: RedisConnection, prefix: string) {
    this.#redis = redis;
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.#options = options;
    this.#memory.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    const shared = await this.#sharedStore();
    if (shared) {
      try {
        return await shared.increment(key);
      } catch {
        // Load the scripts again once Redis is back (it may have restarted empty).
        this.#shared = null;
        this.#redis.reportFailure();
      }
    }
    return this.#memory.increment(key);
  }

  async decrement(key: string): Promise<void> {
    await this.#both((store) => store.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.#both((store) => store.resetKey(key));
  }

  shutdown(): void {
    this.#memory.shutdown();
  }

  async #both(op: (store: Store) => Promise<void> | void): Promise<void> {
    await op(this.#memory);
    const shared = await this.#sharedStore();
    if (shared) await Promise.resolve(op(shared)).catch(() => this.#redis.reportFailure());
  }

  async #sharedStore(): Promise<RedisStore | null> {
    if (!this.#redis.ready || !this.#options) return null;
    if (!this.#shared) {
      const options = this.#options;
      const client = this.#redis.client;
      const store = new RedisStore({
        prefix: this.#redis.key(this.prefix),
        sendCommand: (command: string, ...args: string[]) =>
          client.call(command, ...args) as Promise<number | string | (number | string)[]>,
      });
      this.#shared = Promise.resolve(store.init(options)).then(() => store);
    }
    try {
      return await this.#shared;
    } catch {
      this.#shared = null;
      this.#redis.reportFailure();
      return null;
    }
  }
}
