/**
 * Defaults of every environment variable (see `.env.example`). Each name carries its unit.
 * Values that differ between development and production live next to the guard rails instead.
 */
export const DEFAULT_PORT = 3001;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_NODE_ENV = 'development';
export const DEFAULT_DEVCHAIN_PORT = 9944;

/** `livekit-server --dev` values: accepted outside production only. */
export const DEV_LIVEKIT_URL = 'ws://localhost:7880';
export const DEV_LIVEKIT_API_KEY = 'devkey';
export const DEV_LIVEKIT_API_SECRET = 'secret';
/** LiveKit itself warns below this; a short HS256 secret can be brute-forced offline from one token. */
export const MIN_PRODUCTION_LIVEKIT_SECRET_CHARS = 32;

/** Short on purpose: LiveKit refreshes tokens of connected clients, so this only bounds misuse. */
export const DEFAULT_LIVEKIT_TOKEN_TTL_SECONDS = 10 * 60;
export const MIN_LIVEKIT_TOKEN_TTL_SECONDS = 30;
export const MAX_LIVEKIT_TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const DEFAULT_LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS = 5 * 60;
export const MAX_LIVEKIT_ROOM_EMPTY_TIMEOUT_SECONDS = 24 * 60 * 60;
/** 0 means "no limit" to LiveKit; a cap keeps one room from taking a whole SFU node. */
export const DEFAULT_LIVEKIT_MAX_PARTICIPANTS = 1000;
export const MAX_LIVEKIT_MAX_PARTICIPANTS = 100_000;

export const DEFAULT_REDIS_KEY_PREFIX = 'livestream:';

/** Signed timestamps are accepted within ±5 minutes (wallet clocks drift). */
export const DEFAULT_SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;
export const MIN_SIGNATURE_MAX_AGE_MS = 1000;
export const MAX_SIGNATURE_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Sign-In with Substrate sessions. The dev secret signs access tokens outside production only;
 * production needs its own (a short HMAC secret can be brute-forced offline from one token).
 */
export const DEV_AUTH_TOKEN_SECRET = 'dev-session-secret-do-not-use-in-production';
export const MIN_PRODUCTION_AUTH_TOKEN_SECRET_CHARS = 32;
/** The API's own default address: what a local web app or test-api.sh names as its SIWS domain. */
export const DEV_AUTH_DOMAINS: readonly string[] = ['localhost:3001', 'localhost'];
/** Short: an access token is checked without a store round trip where the store is unreachable. */
export const DEFAULT_AUTH_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const MIN_AUTH_ACCESS_TOKEN_TTL_SECONDS = 60;
export const MAX_AUTH_ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
export const DEFAULT_AUTH_REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
export const MIN_AUTH_REFRESH_TOKEN_TTL_SECONDS = 60 * 60;
export const MAX_AUTH_REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 60 * 60;
/** Time between asking for a nonce and sending the signed message (the wallet prompt is in between). */
export const DEFAULT_AUTH_NONCE_TTL_SECONDS = 5 * 60;
export const MIN_AUTH_NONCE_TTL_SECONDS = 30;
export const MAX_AUTH_NONCE_TTL_SECONDS = 60 * 60;

export const DEFAULT_LOG_LEVEL = 'info';

/** Beyond this many hops a hop count is almost certainly a mistake. */
export const MAX_TRUST_PROXY_HOPS = 10;

export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60 * 1000;
/** Generous: mobile users share carrier-grade NAT addresses. */
export const DEFAULT_RATE_LIMIT_IP_MAX_REQUESTS = 600;
export const DEFAULT_RATE_LIMIT_ACCOUNT_WINDOW_MS = 60 * 1000;
/** The tight limit: token requests per account per window. */
export const DEFAULT_RATE_LIMIT_ACCOUNT_MAX_REQUESTS = 20;
/**
 * Failed signature checks per client IP per RATE_LIMIT_WINDOW_MS before that IP's signed requests are
 * refused without a check: a wallet that signs correctly never fails, so this only meets floods.
 */
export const DEFAULT_RATE_LIMIT_SIGNATURE_FAILURES = 30;
/**
 * Webhooks per client IP per RATE_LIMIT_WINDOW_MS, apart from the API's budget: LiveKit delivers every
 * webhook from one address, ~100/s here, and an event refused is an event lost.
 */
export const DEFAULT_RATE_LIMIT_WEBHOOK_MAX_REQUESTS = 6000;
/** Health and metrics requests per client IP per RATE_LIMIT_WINDOW_MS, apart from the API's budget. */
export const DEFAULT_RATE_LIMIT_HEALTH_MAX_REQUESTS = 600;
/**
 * Distinct viewer accounts one client IP may add to the viewer count per presence TTL through viewer
 * tokens. Enough for a household or an office behind one address; throwaway keys from one address
 * stop here (their tokens are still issued).
 */
export const DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS = 20;
export const MIN_RATE_LIMIT_WINDOW_MS = 1000;
export const MAX_RATE_LIMIT_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_RATE_LIMIT_REQUESTS = 1_000_000;

/** Signed token requests are a few hundred bytes; 16 KiB leaves room without inviting abuse. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;
export const MIN_BODY_LIMIT_BYTES = 1024;
export const MAX_BODY_LIMIT_BYTES = 1024 * 1024;

/** A short bearer token is guessable; require some length when one is set. */
export const MIN_METRICS_TOKEN_CHARS = 16;

/** A chain read on a client's request path that has not answered in this long gets 503. */
export const DEFAULT_CHAIN_TIMEOUT_MS = 2_000;
export const MIN_CHAIN_TIMEOUT_MS = 100;
export const MAX_CHAIN_TIMEOUT_MS = 60_000;
/** How often the chain node's liveness is probed (one cheap request with CHAIN_TIMEOUT_MS). */
export const DEFAULT_CHAIN_PROBE_INTERVAL_MS = 5_000;
export const MIN_CHAIN_PROBE_INTERVAL_MS = 100;
export const MAX_CHAIN_PROBE_INTERVAL_MS = 5 * 60 * 1000;
/**
 * Connections per address: above the WebSocket gateway's 100 per address (so a WebSocket client
 * meets that cap, with its 4429 close, first) plus a browser's handful of HTTP connections, and
 * generous for carrier-grade NAT.
 */
export const DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP = 128;
/** Requests in progress per client: far above a browser's 6 connections, far below a flood. */
export const DEFAULT_HTTP_MAX_IN_FLIGHT_PER_IP = 64;
export const MAX_HTTP_CONNECTIONS = 1_000_000;
export const MAX_HTTP_IN_FLIGHT_PER_IP = 100_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** The close reserve (shutdownDrain.ts) plus a drain of at least a second. */
export const MIN_SHUTDOWN_TIMEOUT_MS = 2_000;
export const MAX_SHUTDOWN_TIMEOUT_MS = 5 * 60 * 1000;
