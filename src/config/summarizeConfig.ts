import type { Config } from './Config.js';

const REDACTED = '[redacted]';

/** The configuration with secrets replaced, safe to print or log (validate-config, startup log). */
export function summarizeConfig(config: Config): Record<string, unknown> {
  return {
    nodeEnv: config.nodeEnv,
    server: {
      ...config.server,
      maxConnections: config.server.maxConnections ?? '(open-file limit minus a reserve)',
    },
    chain: {
      wsEndpoint:
        config.chain.wsEndpoint === undefined ? '(embedded dev chain)' : redactUrl(config.chain.wsEndpoint),
      devchainPort: config.chain.devchainPort,
      timeoutMs: config.chain.timeoutMs,
      probeIntervalMs: config.chain.probeIntervalMs,
    },
    livekit: {
      ...config.livekit,
      url: redactUrl(config.livekit.url),
      publicUrl: redactUrl(config.livekit.publicUrl),
      apiSecret: REDACTED,
    },
    redis: {
      url: config.redis.url === undefined ? '(in-memory fallback)' : redactUrl(config.redis.url),
      keyPrefix: config.redis.keyPrefix,
    },
    cors: config.cors.anyOrigin ? { origins: '*' } : { origins: config.cors.origins },
    auth: { ...config.auth, tokenSecret: REDACTED },
    log: { ...config.log },
    rateLimit: { ...config.rateLimit },
    metrics: { token: config.metrics.token === undefined ? '(not set)' : REDACTED },
  };
}

/** Keeps scheme, user, host, port and path; hides passwords and query strings (API keys hide there). */
function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    // Plain words: URL setters would percent-encode the brackets of REDACTED.
    if (url.password !== '') url.password = 'redacted';
    if (url.search !== '') url.search = '?redacted';
    return url.toString();
  } catch {
    return REDACTED;
  }
}
