import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/ConfigError.js';
import { loadConfig } from '../../src/config/loadConfig.js';

const PRODUCTION_SECRET = 'a-production-secret-of-at-least-32-characters';
const SESSION_SECRET = 'a-session-secret-of-at-least-32-characters!';

/** A production environment that passes every guard rail. */
function productionEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    CHAIN_WS_ENDPOINT: 'wss://rpc.stardust.example',
    LIVEKIT_URL: 'wss://livekit.example.com',
    LIVEKIT_API_KEY: 'APIprodkey',
    LIVEKIT_API_SECRET: PRODUCTION_SECRET,
    CORS_ORIGIN: 'https://app.example.com',
    AUTH_DOMAINS: 'app.example.com',
    AUTH_TOKEN_SECRET: SESSION_SECRET,
    ...overrides,
  };
}

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      nodeEnv: 'development',
      server: {
        host: '0.0.0.0',
        port: 3001,
        trustProxy: false,
        bodyLimitBytes: 16 * 1024,
        shutdownTimeoutMs: 10_000,
        maxConnections: undefined,
        maxConnectionsPerIp: 128,
        maxInFlightPerIp: 64,
      },
      chain: { wsEndpoint: undefined, devchainPort: 9944, timeoutMs: 2_000, probeIntervalMs: 5_000 },
      livekit: {
        url: 'ws://localhost:7880',
        publicUrl: 'ws://localhost:7880',
        apiKey: 'devkey',
        apiSecret: 'secret',
        tokenTtlSeconds: 600,
        roomEmptyTimeoutSeconds: 300,
        maxParticipants: 1000,
      },
      redis: { url: undefined, keyPrefix: 'livestream:' },
      cors: { anyOrigin: true, origins: [] },
      auth: {
        signatureMaxAgeMs: 300_000,
        domains: ['localhost:3001', 'localhost'],
        tokenSecret: 'dev-session-secret-do-not-use-in-production',
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 604_800,
        nonceTtlSeconds: 300,
      },
      log: { level: 'info' },
      rateLimit: {
        ipWindowMs: 60_000,
        ipMaxRequests: 600,
        webhookMaxRequests: 6000,
        healthMaxRequests: 600,
        ipSignatureFailures: 30,
        accountWindowMs: 60_000,
        accountMaxRequests: 20,
        presenceAccountsPerIp: 20,
      },
      metrics: { token: undefined },
    });
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', npm_config_cache: '/tmp' })).not.toThrow();
  });

  it('reads every variable when set', () => {
    const config = loadConfig(
      productionEnv({
        PORT: '8080',
        HOST: '127.0.0.1',
        DEVCHAIN_PORT: '9955',
        CHAIN_TIMEOUT_MS: '1500',
        CHAIN_PROBE_INTERVAL_MS: '3000',
        LIVEKIT_TOKEN_TTL: '15m',
        LIVEKIT_ROOM_EMPTY_TIMEOUT: '2m',
        LIVEKIT_MAX_PARTICIPANTS: '0',
        REDIS_URL: 'redis://:pw@redis:6379/0',
        REDIS_KEY_PREFIX: 'ls:',
        CORS_ORIGIN: 'https://app.example.com, https://admin.example.com:8443',
        SIGNATURE_MAX_AGE_MS: '60000',
        LOG_LEVEL: 'debug',
        TRUST_PROXY: '2',
        RATE_LIMIT_WINDOW_MS: '30000',
        RATE_LIMIT_IP_MAX: '300',
        RATE_LIMIT_SIGNATURE_FAILURES: '12',
        RATE_LIMIT_ACCOUNT_WINDOW_MS: '120000',
        RATE_LIMIT_ACCOUNT_MAX: '10',
        BODY_LIMIT_BYTES: '32768',
        METRICS_TOKEN: 'a-long-metrics-token',
        SHUTDOWN_TIMEOUT_MS: '5000',
        HTTP_MAX_CONNECTIONS: '5000',
        HTTP_MAX_CONNECTIONS_PER_IP: '50',
        HTTP_MAX_IN_FLIGHT_PER_IP: '20',
        AUTH_DOMAINS: 'App.Example.com, localhost:5173',
        AUTH_ACCESS_TOKEN_TTL: '5m',
        AUTH_REFRESH_TOKEN_TTL: '30d',
        AUTH_NONCE_TTL: '2m',
      }),
    );
    expect(config.nodeEnv).toBe('production');
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      trustProxy: 2,
      bodyLimitBytes: 32_768,
      shutdownTimeoutMs: 5000,
      maxConnections: 5000,
      maxConnectionsPerIp: 50,
      maxInFlightPerIp: 20,
    });
    expect(config.chain).toEqual({
      wsEndpoint: 'wss://rpc.stardust.example',
      devchainPort: 9955,
      timeoutMs: 1_500,
      probeIntervalMs: 3_000,
    });
    expect(config.livekit).toEqual({
      url: 'wss://livekit.example.com',
      publicUrl: 'wss://livekit.example.com',
      apiKey: 'APIprodkey',
      apiSecret: PRODUCTION_SECRET,
      tokenTtlSeconds: 900,
      roomEmptyTimeoutSeconds: 120,
      maxParticipants: 0,
    });
    expect(config.redis).toEqual({ url: 'redis://:pw@redis:6379/0', keyPrefix: 'ls:' });
    expect(config.cors).toEqual({
      anyOrigin: false,
      origins: ['https://app.example.com', 'https://admin.example.com:8443'],
    });
    expect(config.auth).toEqual({
      signatureMaxAgeMs: 60_000,
      domains: ['app.example.com', 'localhost:5173'],
      tokenSecret: SESSION_SECRET,
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 30 * 86_400,
      nonceTtlSeconds: 120,
    });
    expect(config.log.level).toBe('debug');
    expect(config.rateLimit).toEqual({
      ipWindowMs: 30_000,
      ipMaxRequests: 300,
      webhookMaxRequests: 6000,
      healthMaxRequests: 600,
      ipSignatureFailures: 12,
      accountWindowMs: 120_000,
      accountMaxRequests: 10,
      presenceAccountsPerIp: 20,
    });
    expect(config.metrics.token).toBe('a-long-metrics-token');
  });

  it('returns a deep-frozen object', () => {
    const config = loadConfig({ CORS_ORIGIN: 'https://a.example', TRUST_PROXY: '10.0.0.1' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.cors.origins)).toBe(true);
    expect(Object.isFrozen(config.server.trustProxy)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.cors.origins as string[]).push('https://evil.example');
    }).toThrow(TypeError);
  });

  describe('shutdown bounds', () => {
    it('refuses a chain deadline that does not fall inside the drain of a shutdown, with every other problem', () => {
      expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: '5000', CHAIN_TIMEOUT_MS: '4000', PORT: 'x' })).toEqual([
        "PORT: must be a whole number, got 'x'",
        'CHAIN_TIMEOUT_MS: must be below 4000 ms, the drain of a shutdown (SHUTDOWN_TIMEOUT_MS 5000 minus 1000 ms for closing connections), so a request waiting on the chain is answered before the process exits',
      ]);
      expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '5000', CHAIN_TIMEOUT_MS: '3999' }).chain.timeoutMs).toBe(
        3999,
      );
    });

    it('leaves the comparison out when either variable is invalid on its own', () => {
      expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: '50', CHAIN_TIMEOUT_MS: '4000' })).toEqual([
        'SHUTDOWN_TIMEOUT_MS: must be between 2000 and 300000, got 50',
      ]);
    });
  });

  describe('production guard rails', () => {
    it('accepts a complete production environment', () => {
      expect(() => loadConfig(productionEnv())).not.toThrow();
    });

    it('requires CHAIN_WS_ENDPOINT (no embedded dev chain in production)', () => {
      expect(problemsOf(productionEnv({ CHAIN_WS_ENDPOINT: undefined }))).toEqual([
        'CHAIN_WS_ENDPOINT: is required in production (the embedded dev chain is for development only)',
      ]);
    });

    it.each(['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'])('requires %s', (variable) => {
      expect(problemsOf(productionEnv({ [variable]: undefined }))).toEqual([
        `${variable}: is required in production`,
      ]);
    });

    it('refuses the livekit-server --dev key and secret', () => {
      const problems = problemsOf(productionEnv({ LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' }));
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^LIVEKIT_API_KEY: 'devkey' is the livekit-server --dev key/);
      expect(problems[1]).toMatch(/^LIVEKIT_API_SECRET: is the livekit-server --dev secret/);
    });

    it('refuses a short LiveKit secret without echoing it', () => {
      const problems = problemsOf(productionEnv({ LIVEKIT_API_SECRET: 'hunter2-short' }));
      expect(problems).toEqual(['LIVEKIT_API_SECRET: must be at least 32 characters in production']);
      expect(problems.join()).not.toContain('hunter2');
    });

    it('requires a session secret of its own and the sign-in domains', () => {
      expect(problemsOf(productionEnv({ AUTH_TOKEN_SECRET: undefined, AUTH_DOMAINS: undefined }))).toEqual([
        'AUTH_TOKEN_SECRET: is required in production (it signs session tokens)',
        'AUTH_DOMAINS: is required in production: the domains apps sign in from',
      ]);
      expect(
        problemsOf(productionEnv({ AUTH_TOKEN_SECRET: 'dev-session-secret-do-not-use-in-production' })),
      ).toEqual(['AUTH_TOKEN_SECRET: is the development default and is refused in production']);
      const short = problemsOf(productionEnv({ AUTH_TOKEN_SECRET: 'hunter2-short' }));
      expect(short).toEqual(['AUTH_TOKEN_SECRET: must be at least 32 characters in production']);
      expect(short.join()).not.toContain('hunter2');
    });

    it('refuses AUTH_DOMAINS entries that are not domains', () => {
      expect(problemsOf({ AUTH_DOMAINS: 'https://app.example.com,ok.example, a b' })).toEqual([
        "AUTH_DOMAINS: expected a comma list of domains like app.example.com or localhost:5173 (no scheme, no path); invalid: 'https://app.example.com', 'a b'",
      ]);
    });

    it('requires CORS_ORIGIN and refuses *', () => {
      expect(problemsOf(productionEnv({ CORS_ORIGIN: undefined }))).toEqual([
        'CORS_ORIGIN: is required in production: a comma list of the allowed origins',
      ]);
      expect(problemsOf(productionEnv({ CORS_ORIGIN: '*' }))).toEqual([
        "CORS_ORIGIN: '*' is refused in production: list the allowed origins",
      ]);
    });

    it('leaves development and test environments their dev defaults', () => {
      for (const NODE_ENV of ['development', 'test']) {
        const config = loadConfig({ NODE_ENV, LIVEKIT_API_KEY: 'devkey', CORS_ORIGIN: '*' });
        expect(config.livekit.apiSecret).toBe('secret');
        expect(config.cors.anyOrigin).toBe(true);
      }
    });
  });

  it('reports every problem at once, guard rails included', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'true',
      REDIS_URL: 'http://cache',
      LIVEKIT_API_KEY: 'devkey',
    });
    const variables = problems.map((problem) => problem.split(':')[0]);
    expect(variables).toEqual(
      expect.arrayContaining([
        'PORT',
        'LOG_LEVEL',
        'TRUST_PROXY',
        'REDIS_URL',
        'CHAIN_WS_ENDPOINT',
        'LIVEKIT_URL',
        'LIVEKIT_API_KEY',
        'LIVEKIT_API_SECRET',
        'CORS_ORIGIN',
        'AUTH_TOKEN_SECRET',
        'AUTH_DOMAINS',
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it('lists the problems in the error message', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(
      /Invalid configuration \(2 problems\):\n {2}- PORT: .*\n {2}- LOG_LEVEL: /,
    );
  });

  describe('numbers', () => {
    it.each([
      ['', 'is empty: unset it to use the default, or give a value'],
      [' ', "must be a whole number, got ' '"],
      ['abc', "must be a whole number, got 'abc'"],
      ['1.5', "must be a whole number, got '1.5'"],
      ['-1', "must be a whole number, got '-1'"],
      ['1e3', "must be a whole number, got '1e3'"],
      ['0x10', "must be a whole number, got '0x10'"],
      ['65536', 'must be between 0 and 65535, got 65536'],
    ])('refuses PORT=%j', (value, message) => {
      expect(problemsOf({ PORT: value })).toEqual([`PORT: ${message}`]);
    });

    it('refuses values outside their range', () => {
      expect(problemsOf({ BODY_LIMIT_BYTES: '10', RATE_LIMIT_ACCOUNT_MAX: '0' })).toEqual([
        'RATE_LIMIT_ACCOUNT_MAX: must be between 1 and 1000000, got 0',
        'BODY_LIMIT_BYTES: must be between 1024 and 1048576, got 10',
      ]);
    });

    it('treats an empty string as a problem for every kind of variable', () => {
      const problems = problemsOf({ REDIS_URL: '', LOG_LEVEL: '', TRUST_PROXY: '', CORS_ORIGIN: '' });
      expect(problems).toHaveLength(4);
      for (const problem of problems) expect(problem).toMatch(/: is empty: unset it to use the default/);
    });
  });

  describe('LIVEKIT_TOKEN_TTL', () => {
    it.each([
      ['600', 600],
      ['90s', 90],
      ['10m', 600],
      ['1h', 3600],
      ['120000ms', 120],
    ])('reads %s as %i seconds', (value, seconds) => {
      expect(loadConfig({ LIVEKIT_TOKEN_TTL: value }).livekit.tokenTtlSeconds).toBe(seconds);
    });

    it.each(['10x', '1.5h', '-5m', '5s', '2d'])('refuses %s', (value) => {
      expect(problemsOf({ LIVEKIT_TOKEN_TTL: value })[0]).toMatch(/^LIVEKIT_TOKEN_TTL: must be/);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      [undefined, false],
      ['false', false],
      ['0', false],
      ['1', 1],
      ['3', 3],
      ['10.0.0.1', ['10.0.0.1']],
      ['10.0.0.0/8, 192.168.1.10 ,loopback', ['10.0.0.0/8', '192.168.1.10', 'loopback']],
      ['2001:db8::/32,::1', ['2001:db8::/32', '::1']],
    ])('reads %j as %j', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).server.trustProxy).toEqual(expected);
    });

    it('refuses true, which would let any client choose its IP', () => {
      expect(problemsOf({ TRUST_PROXY: 'true' })[0]).toMatch(/^TRUST_PROXY: 'true' is refused/);
    });

    it.each(['11', 'yes', '10.0.0.1/33', '::1/129', '10.0.0.1,proxy.internal', '10.0.0.0/8/1'])(
      'refuses %j',
      (value) => {
        expect(problemsOf({ TRUST_PROXY: value })).toHaveLength(1);
      },
    );
  });

  describe('CORS_ORIGIN', () => {
    it('normalizes origins and drops duplicates', () => {
      expect(loadConfig({ CORS_ORIGIN: 'https://App.Example.com/, https://app.example.com' }).cors).toEqual({
        anyOrigin: false,
        origins: ['https://app.example.com'],
      });
    });

    it.each([
      'null',
      'https://a.example/path',
      'ftp://a.example',
      'a.example',
      '*,https://a.example',
      'https://a.example,',
    ])('refuses %j', (value) => {
      expect(problemsOf({ CORS_ORIGIN: value })[0]).toMatch(/^CORS_ORIGIN: /);
    });
  });

  it('never echoes URLs that may carry credentials', () => {
    const problems = problemsOf({
      REDIS_URL: 'http://:sup3rsecret@cache:6379',
      CHAIN_WS_ENDPOINT: 'https://k:pw@rpc',
    });
    expect(problems).toEqual([
      'CHAIN_WS_ENDPOINT: must be a ws:// or wss:// URL',
      'REDIS_URL: must be a redis:// or rediss:// URL',
    ]);
  });

  it('requires a metrics token of some length when one is set', () => {
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN: must be at least 16 characters']);
  });
});

describe('LIVEKIT_PUBLIC_URL', () => {
  it('is the URL returned to apps when the server API is reached under another name', () => {
    const config = loadConfig({
      LIVEKIT_URL: 'http://livekit:7880',
      LIVEKIT_PUBLIC_URL: 'ws://localhost:7880',
    });
    expect(config.livekit.url).toBe('http://livekit:7880');
    expect(config.livekit.publicUrl).toBe('ws://localhost:7880');
  });
});
