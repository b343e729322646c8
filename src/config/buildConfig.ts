import type { Config } from './Config.js';
import {
  DEV_AUTH_DOMAINS,
  DEV_AUTH_TOKEN_SECRET,
  DEV_LIVEKIT_API_KEY,
  DEV_LIVEKIT_API_SECRET,
  DEV_LIVEKIT_URL,
} from './configDefaults.js';
import type { Env } from './envSchema.js';

/**
 * Shapes validated variables into the nested `Config`. The dev fallbacks below are reachable
 * outside production only: `productionGuardRails` requires those variables in production.
 */
export function buildConfig(env: Env): Config {
  return {
    nodeEnv: env.NODE_ENV,
    server: {
      host: env.HOST,
      port: env.PORT,
      trustProxy: env.TRUST_PROXY,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
      maxConnectionsPerIp: env.HTTP_MAX_CONNECTIONS_PER_IP,
      maxInFlightPerIp: env.HTTP_MAX_IN_FLIGHT_PER_IP,
    },
    chain: {
      wsEndpoint: env.CHAIN_WS_ENDPOINT,
      devchainPort: env.DEVCHAIN_PORT,
      timeoutMs: env.CHAIN_TIMEOUT_MS,
      probeIntervalMs: env.CHAIN_PROBE_INTERVAL_MS,
    },
    livekit: {
      url: env.LIVEKIT_URL ?? DEV_LIVEKIT_URL,
      publicUrl: env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL ?? DEV_LIVEKIT_URL,
      apiKey: env.LIVEKIT_API_KEY ?? DEV_LIVEKIT_API_KEY,
      apiSecret: env.LIVEKIT_API_SECRET ?? DEV_LIVEKIT_API_SECRET,
      tokenTtlSeconds: env.LIVEKIT_TOKEN_TTL,
      roomEmptyTimeoutSeconds: env.LIVEKIT_ROOM_EMPTY_TIMEOUT,
      maxParticipants: env.LIVEKIT_MAX_PARTICIPANTS,
    },
    redis: {
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
    },
    cors: env.CORS_ORIGIN ?? { anyOrigin: true, origins: [] },
    auth: {
      signatureMaxAgeMs: env.SIGNATURE_MAX_AGE_MS,
      domains: env.AUTH_DOMAINS ?? DEV_AUTH_DOMAINS,
      tokenSecret: env.AUTH_TOKEN_SECRET ?? DEV_AUTH_TOKEN_SECRET,
      accessTokenTtlSeconds: env.AUTH_ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: env.AUTH_REFRESH_TOKEN_TTL,
      nonceTtlSeconds: env.AUTH_NONCE_TTL,
    },
    log: {
      level: env.LOG_LEVEL,
    },
    rateLimit: {
      ipWindowMs: env.RATE_LIMIT_WINDOW_MS,
      ipMaxRequests: env.RATE_LIMIT_IP_MAX,
      webhookMaxRequests: env.RATE_LIMIT_WEBHOOK_MAX,
      healthMaxRequests: env.RATE_LIMIT_HEALTH_MAX,
      ipSignatureFailures: env.RATE_LIMIT_SIGNATURE_FAILURES,
      accountWindowMs: env.RATE_LIMIT_ACCOUNT_WINDOW_MS,
      accountMaxRequests: env.RATE_LIMIT_ACCOUNT_MAX,
      presenceAccountsPerIp: env.RATE_LIMIT_PRESENCE_ACCOUNTS,
    },
    metrics: {
      token: env.METRICS_TOKEN,
    },
  };
}
