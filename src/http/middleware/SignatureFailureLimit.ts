import type { Request, RequestHandler } from 'express';
import { MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { AppError } from '../../errors/AppError.js';
import { clientIpKey } from './clientIpKey.js';
import type { RateLimitStoreFactory } from './rateLimits.js';

export const SIGNATURE_FAILURE_LIMITER_PREFIX = 'rl:sigfail:';
/**
 * IPs remembered as over their budget at once. Past it the oldest is forgotten here; it is still
 * counted in the store, so its next failure blocks it again.
 */
const MAX_BLOCKED_IPS = 100_000;
const MS_PER_SECOND = 1000;

export interface SignatureFailureLimitOptions {
  windowMs: number;
  /** Failed signature checks per client IP per window; once reached, its signed requests are refused. */
  limit: number;
  logger: Logger;
  /** Where failures are counted (Redis: shared by every instance); default in memory. */
  createStore?: RateLimitStoreFactory;
}

/**
 * Failed signature checks per client IP: a client that sends bad signatures spends its IP's budget,
 * never the budget of the account it names. Only failures are counted (one store increment each);
 * once an IP is over its budget, its signed requests are refused from a local map, before any
 * crypto. A request with a good signature costs a map lookup here.
 */
export class SignatureFailureLimit {
  readonly #store: Store;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #logger: Logger;
  /** IP key → when its window ends (ms); only IPs over the limit. */
  readonly #blockedUntil = new Map<string, number>();

  constructor(options: SignatureFailureLimitOptions) {
    this.#store = options.createStore?.(SIGNATURE_FAILURE_LIMITER_PREFIX) ?? new MemoryStore();
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#logger = options.logger;
    // Stores read only `windowMs` from the limiter options they are given.
    void this.#store.init?.({ windowMs: options.windowMs } as Options);
  }

  /** Refuses a signed request from an IP over its budget: 429 with Retry-After, no signature check. */
  readonly gate: RequestHandler = (req, _res, next) => {
    const key = clientIpKey(req);
    const until = this.#blockedUntil.get(key);
    if (until !== undefined) {
      const msLeft = until - Date.now();
      if (msLeft > 0) {
        throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many failed signatures from this address', {
          retryAfterSeconds: Math.ceil(msLeft / MS_PER_SECOND),
        });
      }
      this.#blockedUntil.delete(key);
    }
    next();
  };

  /** Counts a failed signature check against the request's client IP. */
  async recordFailure(req: Request): Promise<void> {
    const key = clientIpKey(req);
    let hits: { totalHits: number; resetTime: Date | undefined };
    try {
      hits = await this.#store.increment(key);
    } catch (error) {
      // Counting is a defence, not a dependency: a store error must not turn a 401 into a 500.
      this.#logger.warn({ err: error }, 'signature failure limit: could not count a failure');
      return;
    }
    if (hits.totalHits < this.#limit) return;
    if (this.#blockedUntil.size >= MAX_BLOCKED_IPS && !this.#blockedUntil.has(key)) {
      const oldest = this.#blockedUntil.keys().next();
      if (!oldest.done) this.#blockedUntil.delete(oldest.value);
    }
    this.#blockedUntil.set(key, hits.resetTime?.getTime() ?? Date.now() + this.#windowMs);
  }
}
