import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import type { LogLevel, NodeEnv } from '../config/Config.js';

export const REDACTED = '[REDACTED]';

/**
 * Paths pino replaces with `[REDACTED]` wherever a logger of ours writes them. Wildcards reach one
 * level each, so the common nestings (`body.signature`, `req.body.signature`,
 * `config.livekit.apiSecret`) are listed explicitly. The request logger additionally logs only an
 * allow-list of headers and never bodies; this list is the second line of defence.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...[
    'signature',
    'token',
    'apiSecret',
    'secret',
    'password',
    'metricsToken',
    // Sign-in sessions (bodies of /auth/*, LiveKit's token endpoint, the session secret).
    'accessToken',
    'refreshToken',
    'participant_token',
    'tokenSecret',
  ].flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]),
];

export interface CreateLoggerOptions {
  level: LogLevel;
  nodeEnv: NodeEnv;
  /** Where NDJSON goes; default stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** Bound to every line, e.g. `{ service: 'livestream-backend' }`. */
  base?: Record<string, unknown>;
}

/**
 * The root logger of the process. NDJSON on stdout (one object per line, ISO time, level names)
 * except in development, where `pino-pretty` renders it for humans when installed.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const common: LoggerOptions = {
    level: options.level,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.base === undefined
      ? {}
      : { base: { pid: process.pid, hostname: hostname(), ...options.base } }),
  };
  if (options.destination === undefined && options.nodeEnv === 'development' && isPinoPrettyInstalled()) {
    return pino({
      ...common,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  const ndjson: LoggerOptions = { ...common, formatters: { level: (label) => ({ level: label }) } };
  return options.destination === undefined ? pino(ndjson) : pino(ndjson, options.destination);
}

/** pino-pretty is a dev dependency: a development run from a production install falls back to NDJSON. */
function isPinoPrettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
