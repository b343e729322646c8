import { buildConfig } from './buildConfig.js';
import type { Config } from './Config.js';
import { ConfigError } from './ConfigError.js';
import { deepFreeze } from './deepFreeze.js';
import { envSchema } from './envSchema.js';

/**
 * Validates `env` (normally `process.env`) once and returns the deep-frozen configuration.
 * Throws a `ConfigError` listing every problem, not just the first.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = issue.path.map(String).join('.');
        return variable === '' ? issue.message : `${variable}: ${issue.message}`;
      }),
    );
  }
  return deepFreeze(buildConfig(result.data));
}
