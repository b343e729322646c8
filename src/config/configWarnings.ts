/**
 * Variables that process managers and platforms set when they run several copies of a process
 * (pm2 cluster mode, Heroku-style web concurrency).
 */
const MULTI_INSTANCE_HINTS = ['INSTANCES', 'NODE_APP_INSTANCE', 'WEB_CONCURRENCY'] as const;

/**
 * Things that are valid but probably not intended. They do not stop the process; the caller logs
 * them (the validate-config CLI prints them).
 */
export function configWarnings(env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  const redisConfigured = env.REDIS_URL !== undefined && env.REDIS_URL !== '';
  if (!redisConfigured) {
    for (const name of MULTI_INSTANCE_HINTS) {
      const value = env[name];
      if (value === undefined || value === '' || (name !== 'NODE_APP_INSTANCE' && isAtMostOne(value)))
        continue;
      warnings.push(
        `${name} is set (several instances?) but REDIS_URL is not: rate limits, the replay guard, presence and broadcasts will not be shared between instances`,
      );
    }
  }
  const livekitUrl = env.LIVEKIT_URL ?? '';
  if (env.NODE_ENV === 'production' && /^(ws|http):\/\//i.test(livekitUrl)) {
    warnings.push('LIVEKIT_URL is not TLS (ws:// or http://) in production: mobile clients may refuse it');
  }
  return warnings;
}

function isAtMostOne(value: string): boolean {
  return /^\d+$/.test(value) && Number(value) <= 1;
}
