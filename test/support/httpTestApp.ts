import type { Express } from 'express';
import { loadConfig } from '../../src/config/loadConfig.js';
import { createHttpApp, type HttpAppOptions } from '../../src/http/createHttpApp.js';
import { captureLogs, type LogCapture } from './logCapture.js';

export interface HttpTestApp {
  app: Express;
  logs: LogCapture;
}

/**
 * `createHttpApp` with a test configuration built from `env` (through the real `loadConfig`) and
 * a log capture.
 */
export function httpTestApp(
  env: NodeJS.ProcessEnv,
  options: Pick<HttpAppOptions, 'mount' | 'mountOperational' | 'mountWebhooks' | 'createRateLimitStore'>,
): HttpTestApp {
  const logs = captureLogs();
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  return { app: createHttpApp({ config, logger: logs.logger, ...options }), logs };
}
