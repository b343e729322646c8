import { z } from 'zod';
import { LOG_LEVELS, NODE_ENVS } from './Config.js';
import {
  DEFAULT_AUTH_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_AUTH_NONCE_TTL_SECONDS,
  DEFAULT_AUTH_REFRESH_TOKEN_TTL_SECONDS,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_CHAIN_PROBE_INTERVAL_MS,
  DEFAULT_CHAIN_TIMEOUT_MS,
  DEFAULT_DEVCHAIN_PORT,
  DEFAULT_HOST,
  DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP,
  DEFAULT_HTTP_MAX_IN_FLIGHT_PER_IP,
  DEFAULT_LIVEKIT_MAX_PARTICIPANTS,
  DEFAULT_LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS,
  DEFAULT_LIVEKIT_TOKEN_TTL_SECONDS,
  DEFAULT_LOG_LEVEL,
  DEFAULT_NODE_ENV,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT_ACCOUNT_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_ACCOUNT_WINDOW_MS,
  DEFAULT_RATE_LIMIT_HEALTH_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_IP_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS,
  DEFAULT_RATE_LIMIT_SIGNATURE_FAILURES,
  DEFAULT_RATE_LIMIT_WEBHOOK_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SIGNATURE_MAX_AGE_MS,
  MAX_AUTH_ACCESS_TOKEN_TTL_SECONDS,
  MAX_AUTH_NONCE_TTL_SECONDS,
  MAX_AUTH_REFRESH_TOKEN_TTL_SECONDS,
  MAX_BODY_LIMIT_BYTES,
  MAX_CHAIN_PROBE_INTERVAL_MS,
  MAX_CHAIN_TIMEOUT_MS,
  MAX_HTTP_CONNECTIONS,
  MAX_HTTP_IN_FLIGHT_PER_IP,
  MAX_LIVEKIT_MAX_PARTICIPANTS,
  MAX_LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS,
  MAX_LIVEKIT_TOKEN_TTL_SECONDS,
  MAX_RATE_LIMIT_REQUESTS,
  MAX_RATE_LIMIT_WINDOW_MS,
  MAX_SHUTDOWN_TIMEOUT_MS,
  MAX_SIGNATURE_MAX_AGE_MS,
  MIN_AUTH_ACCESS_TOKEN_TTL_SECONDS,
  MIN_AUTH_NONCE_TTL_SECONDS,
  MIN_AUTH_REFRESH_TOKEN_TTL_SECONDS,
  MIN_BODY_LIMIT_BYTES,
  MIN_CHAIN_PROBE_INTERVAL_MS,
  MIN_CHAIN_TIMEOUT_MS,
  MIN_LIVEKIT_TOKEN_TTL_SECONDS,
  MIN_METRICS_TOKEN_CHARS,
  MIN_RATE_LIMIT_WINDOW_MS,
  MIN_SHUTDOWN_TIMEOUT_MS,
  MIN_SIGNATURE_MAX_AGE_MS,
} from './configDefaults.js';
import {
  authDomainsVar,
  corsOriginsVar,
  durationSecondsVar,
  enumVar,
  integerVar,
  stringVar,
  trustProxyVar,
  urlVar,
} from './envVars.js';
import { productionGuardRails } from './productionGuardRails.js';
import { chainTimeoutWithinDrain } from './shutdownDrain.js';

const MAX_PORT = 65_535;
const MAX_REDIS_KEY_PREFIX_CHARS = 64;

/**
 * The environment variables of the service, each validated on its own; `productionGuardRails`
 * adds the cross-variable rules. Variables left unset that have no default stay `undefined` and
 * get their environment-dependent default in `buildConfig`.
 */
export const envSchema = z
  .object({
    PORT: integerVar(0, MAX_PORT).default(DEFAULT_PORT),
    HOST: stringVar({ pattern: /^\S+$/, patternProblem: 'must not contain whitespace' }).default(
      DEFAULT_HOST,
    ),
    NODE_ENV: enumVar(NODE_ENVS).default(DEFAULT_NODE_ENV),
    CHAIN_WS_ENDPOINT: urlVar(['ws:', 'wss:']).optional(),
    DEVCHAIN_PORT: integerVar(0, MAX_PORT).default(DEFAULT_DEVCHAIN_PORT),
    CHAIN_TIMEOUT_MS: integerVar(MIN_CHAIN_TIMEOUT_MS, MAX_CHAIN_TIMEOUT_MS).default(
      DEFAULT_CHAIN_TIMEOUT_MS,
    ),
    CHAIN_PROBE_INTERVAL_MS: integerVar(MIN_CHAIN_PROBE_INTERVAL_MS, MAX_CHAIN_PROBE_INTERVAL_MS).default(
      DEFAULT_CHAIN_PROBE_INTERVAL_MS,
    ),
    LIVEKIT_URL: urlVar(['wss:', 'ws:', 'https:', 'http:']).optional(),
    LIVEKIT_PUBLIC_URL: urlVar(['wss:', 'ws:', 'https:', 'http:']).optional(),
    LIVEKIT_API_KEY: stringVar().optional(),
    LIVEKIT_API_SECRET: stringVar().optional(),
    LIVEKIT_TOKEN_TTL: durationSecondsVar(
      MIN_LIVEKIT_TOKEN_TTL_SECONDS,
      MAX_LIVEKIT_TOKEN_TTL_SECONDS,
    ).default(DEFAULT_LIVEKIT_TOKEN_TTL_SECONDS),
    LIVEKIT_ROOM_EMPTY_TIMEOUT: durationSecondsVar(1, MAX_LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS).default(
      DEFAULT_LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS,
    ),
    LIVEKIT_MAX_PARTICIPANTS: integerVar(0, MAX_LIVEKIT_MAX_PARTICIPANTS).default(
      DEFAULT_LIVEKIT_MAX_PARTICIPANTS,
    ),
    REDIS_URL: urlVar(['redis:', 'rediss:']).optional(),
    REDIS_KEY_PREFIX: stringVar({
      maxChars: MAX_REDIS_KEY_PREFIX_CHARS,
      pattern: /^[A-Za-z0-9:_.-]+$/,
      patternProblem: 'may only contain letters, digits and : _ . -',
    }).default(DEFAULT_REDIS_KEY_PREFIX),
    CORS_ORIGIN: corsOriginsVar().optional(),
    SIGNATURE_MAX_AGE_MS: integerVar(MIN_SIGNATURE_MAX_AGE_MS, MAX_SIGNATURE_MAX_AGE_MS).default(
      DEFAULT_SIGNATURE_MAX_AGE_MS,
    ),
    AUTH_DOMAINS: authDomainsVar().optional(),
    AUTH_TOKEN_SECRET: stringVar().optional(),
    AUTH_ACCESS_TOKEN_TTL: durationSecondsVar(
      MIN_AUTH_ACCESS_TOKEN_TTL_SECONDS,
      MAX_AUTH_ACCESS_TOKEN_TTL_SECONDS,
    ).default(DEFAULT_AUTH_ACCESS_TOKEN_TTL_SECONDS),
    AUTH_REFRESH_TOKEN_TTL: durationSecondsVar(
      MIN_AUTH_REFRESH_TOKEN_TTL_SECONDS,
      MAX_AUTH_REFRESH_TOKEN_TTL_SECONDS,
    ).default(DEFAULT_AUTH_REFRESH_TOKEN_TTL_SECONDS),
    AUTH_NONCE_TTL: durationSecondsVar(MIN_AUTH_NONCE_TTL_SECONDS, MAX_AUTH_NONCE_TTL_SECONDS).default(
      DEFAULT_AUTH_NONCE_TTL_SECONDS,
    ),
    LOG_LEVEL: enumVar(LOG_LEVELS).default(DEFAULT_LOG_LEVEL),
    TRUST_PROXY: trustProxyVar().default(false),
    RATE_LIMIT_WINDOW_MS: integerVar(MIN_RATE_LIMIT_WINDOW_MS, MAX_RATE_LIMIT_WINDOW_MS).default(
      DEFAULT_RATE_LIMIT_WINDOW_MS,
    ),
    RATE_LIMIT_IP_MAX: integerVar(1, MAX_RATE_LIMIT_REQUESTS).default(DEFAULT_RATE_LIMIT_IP_MAX_REQUESTS),
    RATE_LIMIT_WEBHOOK_MAX: integerVar(1, MAX_RATE_LIMIT_REQUESTS).default(
      DEFAULT_RATE_LIMIT_WEBHOOK_MAX_REQUESTS,
    ),
    RATE_LIMIT_HEALTH_MAX: integerVar(1, MAX_RATE_LIMIT_REQUESTS).default(
      DEFAULT_RATE_LIMIT_HEALTH_MAX_REQUESTS,
    ),
    RATE_LIMIT_SIGNATURE_FAILURES: integerVar(1, MAX_RATE_LIMIT_REQUESTS).default(
      DEFAULT_RATE_LIMIT_SIGNATURE_FAILURES,
    ),
    RATE_LIMIT_ACCOUNT_WINDOW_MS: integerVar(MIN_RATE_LIMIT_WINDOW_MS, MAX_RATE_LIMIT_WINDOW_MS).default(
      DEFAULT_RATE_LIMIT_ACCOUNT_WINDOW_MS,
    ),
    RATE_LIMIT_ACCOUNT_MAX: integerVar(1, MAX_RATE_LIMIT_REQUESTS).default(
      DEFAULT_RATE_LIMIT_ACCOUNT_MAX_REQUESTS,
    ),
    RATE_LIMIT_PRESENCE_ACCOUNTS: integerVar(1, MAX_RATE_LIMIT_REQUESTS).default(
      DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS,
    ),
    BODY_LIMIT_BYTES: integerVar(MIN_BODY_LIMIT_BYTES, MAX_BODY_LIMIT_BYTES).default(
      DEFAULT_BODY_LIMIT_BYTES,
    ),
    METRICS_TOKEN: stringVar({ minChars: MIN_METRICS_TOKEN_CHARS }).optional(),
    SHUTDOWN_TIMEOUT_MS: integerVar(MIN_SHUTDOWN_TIMEOUT_MS, MAX_SHUTDOWN_TIMEOUT_MS).default(
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
    ),
    HTTP_MAX_CONNECTIONS: integerVar(1, MAX_HTTP_CONNECTIONS).optional(),
    HTTP_MAX_CONNECTIONS_PER_IP: integerVar(1, MAX_HTTP_CONNECTIONS).default(
      DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP,
    ),
    HTTP_MAX_IN_FLIGHT_PER_IP: integerVar(1, MAX_HTTP_IN_FLIGHT_PER_IP).default(
      DEFAULT_HTTP_MAX_IN_FLIGHT_PER_IP,
    ),
  })
  // Run even when single variables failed, so one run reports every problem.
  .superRefine(productionGuardRails, { when: () => true })
  .superRefine(chainTimeoutWithinDrain, { when: () => true });

export type Env = z.output<typeof envSchema>;

/** Names of all variables the service reads (documented in `.env.example`). */
export const ENV_VARIABLE_NAMES = Object.keys(envSchema.shape) as readonly (keyof Env)[];
