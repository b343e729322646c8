import type { z } from 'zod';
import {
  DEV_AUTH_TOKEN_SECRET,
  DEV_LIVEKIT_API_KEY,
  DEV_LIVEKIT_API_SECRET,
  MIN_PRODUCTION_AUTH_TOKEN_SECRET_CHARS,
  MIN_PRODUCTION_LIVEKIT_SECRET_CHARS,
} from './configDefaults.js';

/**
 * The subset of variables the guard rails read. They run even when other variables failed, so a
 * field may still hold its raw string (or be missing): every check below looks at what is there.
 */
interface GuardRailInput {
  NODE_ENV?: unknown;
  CHAIN_WS_ENDPOINT?: unknown;
  LIVEKIT_URL?: unknown;
  LIVEKIT_API_KEY?: unknown;
  LIVEKIT_API_SECRET?: unknown;
  CORS_ORIGIN?: unknown;
  AUTH_DOMAINS?: unknown;
  AUTH_TOKEN_SECRET?: unknown;
}

/**
 * Production refuses what only makes sense on a developer machine: the embedded dev chain,
 * `livekit-server --dev` credentials, the dev session secret, sign-in for unnamed domains, and CORS
 * open to every site.
 */
export function productionGuardRails(env: GuardRailInput, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV !== 'production') return;
  const problem = (variable: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });

  if (env.CHAIN_WS_ENDPOINT === undefined) {
    problem(
      'CHAIN_WS_ENDPOINT',
      'is required in production (the embedded dev chain is for development only)',
    );
  }
  if (env.LIVEKIT_URL === undefined) {
    problem('LIVEKIT_URL', 'is required in production');
  }
  if (env.LIVEKIT_API_KEY === undefined) {
    problem('LIVEKIT_API_KEY', 'is required in production');
  } else if (env.LIVEKIT_API_KEY === DEV_LIVEKIT_API_KEY) {
    problem(
      'LIVEKIT_API_KEY',
      `'${DEV_LIVEKIT_API_KEY}' is the livekit-server --dev key and is refused in production`,
    );
  }
  productionSecret(problem, 'LIVEKIT_API_SECRET', env.LIVEKIT_API_SECRET, {
    missing: 'is required in production',
    dev: DEV_LIVEKIT_API_SECRET,
    devMessage: 'is the livekit-server --dev secret and is refused in production',
    minChars: MIN_PRODUCTION_LIVEKIT_SECRET_CHARS,
  });
  productionSecret(problem, 'AUTH_TOKEN_SECRET', env.AUTH_TOKEN_SECRET, {
    missing: 'is required in production (it signs session tokens)',
    dev: DEV_AUTH_TOKEN_SECRET,
    devMessage: 'is the development default and is refused in production',
    minChars: MIN_PRODUCTION_AUTH_TOKEN_SECRET_CHARS,
  });
  if (env.AUTH_DOMAINS === undefined) {
    problem('AUTH_DOMAINS', 'is required in production: the domains apps sign in from');
  }
  if (env.CORS_ORIGIN === undefined) {
    problem('CORS_ORIGIN', 'is required in production: a comma list of the allowed origins');
  } else if (isAnyOrigin(env.CORS_ORIGIN)) {
    problem('CORS_ORIGIN', "'*' is refused in production: list the allowed origins");
  }
}

/** A secret must be set, not the development default, and long enough; its value is never echoed. */
function productionSecret(
  problem: (variable: string, message: string) => void,
  variable: string,
  value: unknown,
  rules: { missing: string; dev: string; devMessage: string; minChars: number },
): void {
  if (value === undefined) problem(variable, rules.missing);
  else if (value === rules.dev) problem(variable, rules.devMessage);
  else if (typeof value === 'string' && value.length > 0 && value.length < rules.minChars) {
    problem(variable, `must be at least ${rules.minChars} characters in production`);
  }
}

function isAnyOrigin(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'anyOrigin' in value && value.anyOrigin === true;
}
