export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Express `trust proxy`: `false` (use the socket address), a hop count, or the addresses/CIDRs
 * (or Express names `loopback`, `linklocal`, `uniquelocal`) of the proxies to trust.
 * Never `true`: that lets any client pick its IP (and its rate-limit bucket) via X-Forwarded-For.
 */
export type TrustProxy = false | number | readonly string[];

/** The validated, deep-frozen configuration of the process. Built once by `loadConfig`. */
export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly trustProxy: TrustProxy;
    readonly bodyLimitBytes: number;
    readonly shutdownTimeoutMs: number;
    /** Client connections open at once (WebSockets included); `undefined`: from the open-file limit. */
    readonly maxConnections: number | undefined;
    /** Connections open at once from one address (trusted proxies exempt). */
    readonly maxConnectionsPerIp: number;
    /** Requests of one client in progress at once; past it, 429. */
    readonly maxInFlightPerIp: number;
  };
  readonly chain: {
    /** `undefined`: start the embedded dev chain (never in production). */
    readonly wsEndpoint: string | undefined;
    readonly devchainPort: number;
    /** Deadline of a chain read on a request's path and of the liveness probe. */
    readonly timeoutMs: number;
    readonly probeIntervalMs: number;
  };
  readonly livekit: {
    /** The server API's address, as seen from this service. */
    readonly url: string;
    /** The URL clients connect to (returned with tokens); default: `url`. */
    readonly publicUrl: string;
    readonly apiKey: string;
    readonly apiSecret: string;
    readonly tokenTtlSeconds: number;
    readonly roomEmptyTimeoutSeconds: number;
    /** 0: no limit. */
    readonly maxParticipants: number;
  };
  readonly redis: {
    /** `undefined`: in-memory fallback (single instance only). */
    readonly url: string | undefined;
    readonly keyPrefix: string;
  };
  readonly cors: {
    /** `true` only outside production: `Access-Control-Allow-Origin: *`, never with credentials. */
    readonly anyOrigin: boolean;
    /** Exact origins (`scheme://host[:port]`) allowed when `anyOrigin` is false. */
    readonly origins: readonly string[];
  };
  readonly auth: {
    readonly signatureMaxAgeMs: number;
    /** Domains a Sign-In with Substrate message may name (`host[:port]`, lower case). */
    readonly domains: readonly string[];
    /** HMAC secret of access tokens, refresh tokens and nonces. */
    readonly tokenSecret: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    readonly nonceTtlSeconds: number;
  };
  readonly log: {
    readonly level: LogLevel;
  };
  readonly rateLimit: {
    readonly ipWindowMs: number;
    readonly ipMaxRequests: number;
    /** LiveKit webhooks per client IP per `ipWindowMs` (their own budget). */
    readonly webhookMaxRequests: number;
    /** `/health*` and `/metrics` requests per client IP per `ipWindowMs` (their own budget, in memory). */
    readonly healthMaxRequests: number;
    /** Failed signature checks per client IP per `ipWindowMs`. */
    readonly ipSignatureFailures: number;
    readonly accountWindowMs: number;
    readonly accountMaxRequests: number;
    /** Distinct viewer accounts a client IP may add to the viewer count per presence TTL. */
    readonly presenceAccountsPerIp: number;
  };
  readonly metrics: {
    /** `undefined`: no bearer token configured. */
    readonly token: string | undefined;
  };
}
