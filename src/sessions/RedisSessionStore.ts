import { AppError } from '../errors/AppError.js';
import type { RedisConnection } from '../store/RedisConnection.js';
import type { RotateResult, SessionStore } from './SessionStore.js';

/** Clients retry a sign-in or refresh this long after Redis was unreachable. */
const STORE_RETRY_AFTER_SECONDS = 5;

/** KEYS[1] session; ARGV address, ttl ms. */
const CREATE_LUA = `
redis.call('HSET', KEYS[1], 'a', ARGV[1], 'g', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS[1] session; ARGV presented generation, ttl ms. Replies {1, address, next} | {-1} reused | {0} unknown. */
const ROTATE_LUA = `
local current = redis.call('HGET', KEYS[1], 'g')
if not current then return {0} end
current = tonumber(current)
local presented = tonumber(ARGV[1])
if presented > current then return {0} end
if presented < current then
  redis.call('DEL', KEYS[1])
  return {-1}
end
redis.call('HSET', KEYS[1], 'g', current + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, redis.call('HGET', KEYS[1], 'a'), current + 1}
`;

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Sessions in Redis (`<prefix>session:<id>`, a hash of address and generation with the session's
 * TTL): every instance sees every session, and they survive restarts. Rotation is one Lua script,
 * so two instances can never both accept the same refresh token.
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  readonly #redis: RedisConnection;
  readonly #create: Script;
  readonly #rotate: Script;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
    this.#create = defineScript(redis, 'livestreamSessionCreate', CREATE_LUA);
    this.#rotate = defineScript(redis, 'livestreamSessionRotate', ROTATE_LUA);
  }

  async create(sessionId: string, address: string, ttlMs: number): Promise<void> {
    await this.#run(() => this.#create(this.#key(sessionId), address, Math.ceil(ttlMs)));
  }

  async rotate(sessionId: string, generation: number, ttlMs: number): Promise<RotateResult> {
    const reply = await this.#run(() => this.#rotate(this.#key(sessionId), generation, Math.ceil(ttlMs)));
    if (!Array.isArray(reply)) throw unavailable();
    const [status, address, next] = reply as [unknown, unknown, unknown];
    if (Number(status) === -1) return { outcome: 'reused' };
    if (Number(status) === 1 && typeof address === 'string') {
      return { outcome: 'rotated', address, generation: Number(next) };
    }
    return { outcome: 'unknown' };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.#run(() => this.#redis.client.del(this.#key(sessionId)));
  }

  /**
   * Fails open while Redis is unreachable: the access token's own signature and short expiry still
   * hold; only a revocation (logout, refresh-token reuse) waits for Redis to be seen again.
   */
  async isActive(sessionId: string): Promise<boolean> {
    if (!this.#redis.ready) return true;
    try {
      return (await this.#redis.client.exists(this.#key(sessionId))) === 1;
    } catch {
      this.#redis.reportFailure();
      return true;
    }
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (!this.#redis.ready) throw unavailable();
    try {
      return await command();
    } catch (error) {
      this.#redis.reportFailure();
      throw unavailable(error);
    }
  }

  #key(sessionId: string): string {
    return this.#redis.key(`session:${sessionId}`);
  }
}

function defineScript(redis: RedisConnection, name: string, lua: string): Script {
  // defineCommand sends EVALSHA and falls back to EVAL once when Redis has lost the script.
  redis.client.defineCommand(name, { numberOfKeys: 1, lua });
  const command = (redis.client as unknown as Record<string, Script>)[name];
  if (command === undefined) throw new Error(`ioredis did not define ${name}`);
  return command.bind(redis.client);
}

function unavailable(cause?: unknown): AppError {
  return new AppError('SESSION_STORE_UNAVAILABLE', 'sessions are unavailable right now; try again shortly', {
    retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    cause,
  });
}
