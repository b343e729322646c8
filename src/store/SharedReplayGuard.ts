import type { Logger } from 'pino';
import { MAX_REPLAY_ENTRIES, MemoryReplayGuard } from './MemoryReplayGuard.js';
import { REDIS_COMMAND_TIMEOUT_MS, type RedisConnection } from './RedisConnection.js';
import { MAX_CALLS_PER_ROUND, MAX_KEYS_PER_CALL, RedisScriptBatcher } from './RedisScriptBatcher.js';
import type { ReplayGuard } from './ReplayGuard.js';

/**
 * Per key (ARGV: ttl ms, owner): `SET key owner PX ttl NX`, or, when the key is there, whether this
 * owner set it. Replies 1 when the key is this owner's (now or before: a claim that timed out here
 * may still have reached Redis), 0 when another instance used it.
 */
const CLAIM_KEYS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local ttl, owner = ARGV[2 * i - 1], ARGV[2 * i]
  if redis.call('SET', key, owner, 'PX', ttl, 'NX') or redis.call('GET', key) == owner then
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;

/** While claims of an outage wait to be written to Redis, a write is tried this often. */
export const REPLAY_SYNC_RETRY_MS = 1_000;

/** Claims written per step of a sync: one full round of the batcher, far below its waiting bound. */
const SYNC_BATCH_KEYS = MAX_KEYS_PER_CALL * MAX_CALLS_PER_ROUND;

export interface SharedReplayGuardsOptions {
  redis: RedisConnection;
  /** This instance's id: the value of its keys, so a claim is told apart from another instance's. */
  owner: string;
  logger: Logger;
  /** Called with the number of keys another instance had used too (possible replays). */
  onPossibleReplays?: (namespace: string, count: number) => void;
}

/**
 * The replay guards of one instance (one per namespace), each backed by its own local guard, all
 * claiming in Redis through one RedisScriptBatcher: under load a claim costs a fraction of a round
 * trip.
 */
export function sharedReplayGuards(
  options: SharedReplayGuardsOptions,
): (namespace: string) => SharedReplayGuard {
  const claims = new RedisScriptBatcher(options.redis, {
    name: 'livestreamClaimKeys',
    lua: CLAIM_KEYS_LUA,
    argsPerKey: 2,
    repliesPerKey: 1,
  });
  return (namespace) =>
    new SharedReplayGuard({ ...options, local: new MemoryReplayGuard(), claims, namespace });
}

export interface SharedReplayGuardOptions extends SharedReplayGuardsOptions {
  local: ReplayGuard;
  claims: RedisScriptBatcher;
  namespace: string;
}

/**
 * Single use across instances: an atomic `SET key NX PX` in Redis (batched), always backed by the
 * local guard. While Redis is down or hung, the local guard alone answers (replays are then refused
 * per instance only — the documented weaker guarantee), and no request waits longer than a command
 * timeout.
 *
 * The claims answered locally are remembered and, once Redis answers again, written to it (SET NX,
 * with the time they have left) before this guard claims in Redis again: a message used here during
 * the outage is then refused on every instance. A key another instance had used meanwhile is a
 * possible replay: logged and counted. The list is bounded like the local guard (MAX_REPLAY_ENTRIES,
 * expired keys dropped).
 */
export class SharedReplayGuard implements ReplayGuard {
  readonly #local: ReplayGuard;
  readonly #redis: RedisConnection;
  readonly #claims: RedisScriptBatcher;
  readonly #namespace: string;
  readonly #owner: string;
  readonly #logger: Logger;
  readonly #onPossibleReplays: (namespace: string, count: number) => void;
  /** Claims answered without Redis: key → expiry (ms), in claim order. */
  readonly #unsynced = new Map<string, number>();
  #syncing: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: SharedReplayGuardOptions) {
    this.#local = options.local;
    this.#redis = options.redis;
    this.#claims = options.claims;
    this.#namespace = options.namespace;
    this.#owner = options.owner;
    this.#logger = options.logger.child({ module: 'replay-guard', namespace: options.namespace });
    this.#onPossibleReplays = options.onPossibleReplays ?? (() => undefined);
    this.#redis.onStatusChange((status) => {
      if (status === 'connected') void this.sync();
    });
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
    // Shared mode resumes once the outage's claims are in Redis; a request waits for that at most
    // one command timeout (a few keys take one round trip), else it is answered locally meanwhile.
    if (this.#redis.ready && this.#unsynced.size > 0) await this.#syncWithin(REDIS_COMMAND_TIMEOUT_MS);
    if (this.#redis.ready && this.#unsynced.size === 0) {
      try {
        const [mine] = await this.#claims.run(this.#key(key), [Math.ceil(ttlMs), this.#owner]);
        return mine === 1;
      } catch {
        this.#redis.reportFailure();
      }
    }
    this.#remember(key, Date.now() + ttlMs);
    return true;
  }

  /** Claims not yet written to Redis (0 once shared mode has resumed). */
  get unsyncedCount(): number {
    return this.#unsynced.size;
  }

  /**
   * Writes the claims answered locally to Redis, oldest first; resolves when none is left or Redis
   * failed again (then it is tried again later). Claims arriving meanwhile are answered locally and
   * written in the same run, so shared mode resumes only once every local claim is in Redis.
   */
  sync(): Promise<void> {
    this.#syncing ??= this.#writeUnsynced().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async #syncWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.sync(), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  stop(): void {
    clearInterval(this.#retry);
    this.#retry = undefined;
  }

  async #writeUnsynced(): Promise<void> {
    let conflicts = 0;
    let written = 0;
    try {
      while (this.#unsynced.size > 0 && this.#redis.ready) {
        const now = Date.now();
        this.#dropExpired(now);
        const batch: [string, number][] = [];
        for (const entry of this.#unsynced) {
          if (batch.length === SYNC_BATCH_KEYS) break;
          batch.push(entry);
        }
        const replies = await Promise.all(
          batch.map(([key, expiresAt]) =>
            this.#claims.run(this.#key(key), [Math.max(1, Math.ceil(expiresAt - now)), this.#owner]),
          ),
        );
        replies.forEach(([mine], i) => {
          const entry = batch[i];
          if (entry === undefined) return;
          if (mine !== 1) conflicts++;
          written++;
          this.#unsynced.delete(entry[0]);
        });
      }
    } catch (error) {
      this.#redis.reportFailure();
      this.#logger.debug({ err: error, left: this.#unsynced.size }, 'replay claims not written yet');
    } finally {
      if (conflicts > 0) {
        this.#onPossibleReplays(this.#namespace, conflicts);
        this.#logger.warn(
          { possibleReplays: conflicts },
          'signed messages used here while Redis was unreachable had been used on another instance too (possible replays)',
        );
      }
      if (this.#unsynced.size === 0) {
        this.stop();
        if (written > 0)
          this.#logger.info({ written }, 'replay claims of the Redis outage written: shared mode resumed');
      }
    }
  }

  #remember(key: string, expiresAt: number): void {
    this.#dropExpired(Date.now());
    // The local guard refuses claims past this many live keys; only keys it holds get here.
    if (this.#unsynced.size >= MAX_REPLAY_ENTRIES) {
      const oldest = this.#unsynced.keys().next();
      if (oldest.done !== true) this.#unsynced.delete(oldest.value);
    }
    this.#unsynced.set(key, expiresAt);
    this.#retry ??= setInterval(() => void this.sync(), REPLAY_SYNC_RETRY_MS).unref();
  }

  /** Expired claims need no writing: amortized O(1) per claim (insertion order is expiry order). */
  #dropExpired(now: number): void {
    for (const [key, expiresAt] of this.#unsynced) {
      if (expiresAt > now) return;
      this.#unsynced.delete(key);
    }
  }

  #key(key: string): string {
    return this.#redis.key(`${this.#namespace}:${key}`);
  }
}
