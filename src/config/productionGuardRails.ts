import type { z } from 'zod';
import {
  DEV_LIVEKIT_API_KEY,
  DEV_LIVEKIT_API_SECRET,
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
}

/**
 * Production refuses what only makes sense on a developer machine: the embedded dev chain,
 * `livekit-server --dev` credentials, and CORS open to every site.
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
  if (env.LIVEKIT_API_SECRET === undefined) {
    problem('LIVEKIT_API_SECRET', 'is required in production');
  } else if (env.LIVEKIT_API_SECRET === DEV_LIVEKIT_API_SECRET) {
    problem('LIVEKIT_API_SECRET', 'is the livekit-server --dev secret and is refused in production');
  } else if (
    typeof env.LIVEKIT_API_SECRET === 'string' &&
    env.LIVEKIT_API_SECRET.length > 0 &&
    env.LIVEKIT_API_SECRET.length < MIN_PRODUCTION_LIVEKIT_SECRET_CHARS
  ) {
    problem(
      'LIVEKIT_API_SECRET',
      `must be at least ${MIN_PRODUCTION_LIVEKIT_SECRET_CHARS} characters in production`,
    );
  }
  if (env.CORS_ORIGIN === undefined) {
    problem('CORS_ORIGIN', 'is required in production: a comma list of the allowed origins');
  } else if (isAnyOrigin(env.CORS_ORIGIN)) {
    problem('CORS_ORIGIN', "'*' is refused in production: list the allowed origins");
  }
}

function isAnyOrigin(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'anyOrigin' in value && value.anyOrigin === true;
}
