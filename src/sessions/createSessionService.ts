import type { SignatureVerifier } from '../auth/SignatureVerifier.js';
import type { Config } from '../config/Config.js';
import type { RedisConnection } from '../store/RedisConnection.js';
import type { ReplayGuard } from '../store/ReplayGuard.js';
import { AccessTokens } from './AccessTokens.js';
import { MemorySessionStore } from './MemorySessionStore.js';
import { RedisSessionStore } from './RedisSessionStore.js';
import { SessionService } from './SessionService.js';
import { SiwsAuthenticator } from './SiwsAuthenticator.js';
import { SiwsNonces } from './SiwsNonces.js';
import { sessionKey } from './sessionKeys.js';

const MS_PER_SECOND = 1000;

export interface SessionServiceDeps {
  auth: Config['auth'];
  verifier: SignatureVerifier;
  /** Spent SIWS nonces; shared through Redis when configured. */
  usedNonces: ReplayGuard;
  /** Sessions live in Redis when given (shared, survive restarts), else in this process. */
  redis: RedisConnection | undefined;
  now?: () => number;
}

/** The sign-in session stack from the configuration. */
export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { auth, now } = deps;
  const clock = now === undefined ? {} : { now };
  const nonces = new SiwsNonces({
    key: sessionKey(auth.tokenSecret, 'nonce'),
    ttlMs: auth.nonceTtlSeconds * MS_PER_SECOND,
    ...clock,
  });
  return new SessionService({
    siws: new SiwsAuthenticator({
      verifier: deps.verifier,
      nonces,
      usedNonces: deps.usedNonces,
      domains: auth.domains,
      maxAgeMs: auth.signatureMaxAgeMs,
      ...clock,
    }),
    nonces,
    accessTokens: new AccessTokens({
      key: sessionKey(auth.tokenSecret, 'access-token'),
      ttlSeconds: auth.accessTokenTtlSeconds,
      ...clock,
    }),
    refreshKey: sessionKey(auth.tokenSecret, 'refresh-token'),
    store: deps.redis ? new RedisSessionStore(deps.redis) : new MemorySessionStore(clock),
    refreshTtlSeconds: auth.refreshTokenTtlSeconds,
    ...clock,
  });
}
