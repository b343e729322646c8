import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { type Options, type RateLimitRequestHandler, rateLimit, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { AppError } from '../../errors/AppError.js';

/**
 * Builds the store of one limiter. Called once per limiter with that limiter's own key prefix
 * (express-rate-limit refuses a store shared between limiters). Without a factory each limiter
 * keeps its counts in memory (one instance only); with Redis,
 * `sharedRateLimitStores(redis)`.
 */
export type RateLimitStoreFactory = (prefix: string) => Store;

/** Where the per-account limiter reads its key unless a `keyFor` is given; see `setRateLimitAccount`. */
export const RATE_LIMIT_ACCOUNT_LOCAL = 'rateLimitAccount';
export const IP_LIMITER_PREFIX = 'rl:ip:';
export const ACCOUNT_LIMITER_PREFIX = 'rl:account:';
export const WEBHOOK_LIMITER_PREFIX = 'rl:webhook:';
export const HEALTH_LIMITER_PREFIX = 'rl:health:';
/** IPv6 clients are keyed by their /56, the usual size of one customer's delegation. */
export const IPV6_SUBNET_PREFIX_BITS = 56;
/** Longer keys are hashed, so an oversized account string cannot bloat the store. */
const MAX_PLAIN_KEY_CHARS = 128;

interface LimiterOptions {
  windowMs: number;
  /** Requests allowed per key per window; the next one gets 429. */
  limit: number;
  logger: Logger;
  createStore?: RateLimitStoreFactory;
  /** Overrides the default key prefix (`rl:ip:`, `rl:account:`). */
  prefix?: string;
}

export type IpRateLimiterOptions = LimiterOptions;

export interface AccountRateLimiterOptions extends LimiterOptions {
  /**
   * The normalized account of the request (e.g. the hex public key). Default: the value a
   * previous middleware stored with `setRateLimitAccount`. Returning `undefined` is a bug in the
   * route (the limiter would not know whom to count) and fails the request with a 500.
   */
  keyFor?: (req: Request, res: Response) => string | undefined;
}

/**
 * Generous per-IP limit for every request (mobile users share carrier-grade NAT addresses).
 * Keys come from `req.ip`, so they are only as good as the app's `trust proxy` setting.
 */
export function createIpRateLimiter(options: IpRateLimiterOptions): RateLimitRequestHandler {
  return rateLimit({
    ...commonOptions(options, options.prefix ?? IP_LIMITER_PREFIX),
    // No RateLimit headers on every response for this generous backstop (they cost a hash of the
    // key per request and tell a well-behaved app nothing); a 429 still carries Retry-After.
    standardHeaders: false,
    // The default key generator applies ipKeyGenerator (IPv6 → subnet, IPv4-mapped → IPv4) and
    // checks the trust-proxy set-up on the first request.
    ipv6Subnet: IPV6_SUBNET_PREFIX_BITS,
  });
}

/**
 * The tight per-account limit of the signed endpoints. Put it after the signature has verified, so
 * only the account's holder can spend its budget (bad signatures count against the client's IP, see
 * SignatureFailureLimit), and before the message is used:
 *
 * ```ts
 * const tokenLimiter = createAccountRateLimiter({ ... }); // one instance shared by all token routes
 * router.post('/viewer-token', parse, signatureFailures.gate, async (req, res, next) => {
 *   res.locals.verified = await tokens.verify(res.locals.body, { needsChain: true });
 *   setRateLimitAccount(res, res.locals.verified.account.address);
 *   next();
 * }, tokenLimiter, handler);
 * ```
 */
export function createAccountRateLimiter(options: AccountRateLimiterOptions): RateLimitRequestHandler {
  const keyFor = options.keyFor ?? ((_req: Request, res: Response) => rateLimitAccountOf(res));
  return rateLimit({
    ...commonOptions(options, options.prefix ?? ACCOUNT_LIMITER_PREFIX),
    // The app paces its token requests by these (`RateLimit-Policy: 20;w=60`,
    // `RateLimit: limit=20, remaining=19, reset=60`). Draft 7, not 8: draft 8 hashes the key into
    // every response, and this is the only limiter that sends headers.
    standardHeaders: 'draft-7',
    keyGenerator: (req, res) => {
      const account = keyFor(req, res);
      if (account === undefined || account === '') {
        throw new Error(
          'account rate limiter: no account key for this request (call setRateLimitAccount first)',
        );
      }
      return boundedKey(account);
    },
  });
}

/** Records the normalized account the per-account limiter counts this request against. */
export function setRateLimitAccount(res: Response, account: string): void {
  res.locals[RATE_LIMIT_ACCOUNT_LOCAL] = account;
}

function rateLimitAccountOf(res: Response): string | undefined {
  const account: unknown = res.locals[RATE_LIMIT_ACCOUNT_LOCAL];
  return typeof account === 'string' ? account : undefined;
}

function commonOptions(options: LimiterOptions, prefix: string): Partial<Options> {
  return {
    windowMs: options.windowMs,
    limit: options.limit,
    legacyHeaders: false,
    ...(options.createStore === undefined ? {} : { store: options.createStore(prefix) }),
    // An unavailable store (Redis down) must not turn into 500s: serve without limiting.
    passOnStoreError: true,
    logger: {
      error: (error, message) =>
        options.logger.error({ err: error, limiter: prefix }, message ?? 'rate limiter error'),
      warn: (error, message) =>
        options.logger.warn({ err: error, limiter: prefix }, message ?? 'rate limiter warning'),
    },
    // Through the error middleware, so 429s have our JSON body. express-rate-limit has already set
    // Retry-After and the RateLimit headers at this point.
    handler: (req, res, next, used) => {
      next(
        new AppError('RATE_LIMIT_EXCEEDED', 'Too many requests, retry later', {
          retryAfterSeconds: retryAfterSeconds(req, res, used.windowMs),
        }),
      );
    },
  };
}

function retryAfterSeconds(req: Request, res: Response, windowMs: number): number {
  const header = Number(res.getHeader('Retry-After'));
  if (Number.isInteger(header) && header >= 0) return header;
  const resetTime: unknown = (req as Request & { rateLimit?: { resetTime?: unknown } }).rateLimit?.resetTime;
  const msLeft = resetTime instanceof Date ? resetTime.getTime() - Date.now() : windowMs;
  return Math.max(1, Math.ceil(msLeft / 1000));
}

function boundedKey(account: string): string {
  return account.length <= MAX_PLAIN_KEY_CHARS
    ? account
    : `sha256:${createHash('sha256').update(account).digest('hex')}`;
}
