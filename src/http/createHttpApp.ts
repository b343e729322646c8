import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/Config.js';
import type { Metrics } from '../observability/Metrics.js';
import { corsPolicy } from './middleware/corsPolicy.js';
import { errorHandler } from './middleware/errorHandler.js';
import { httpMetrics } from './middleware/httpMetrics.js';
import { jsonBody } from './middleware/jsonBody.js';
import { notFound } from './middleware/notFound.js';
import { createIpRateLimiter, type RateLimitStoreFactory } from './middleware/rateLimits.js';
import { requestLogger } from './middleware/requestLogger.js';
import { securityHeaders } from './middleware/securityHeaders.js';

/** The parts of the configuration the HTTP stack reads. */
export type HttpAppConfig = Pick<Config, 'server' | 'cors' | 'rateLimit'>;

export interface HttpAppOptions {
  config: HttpAppConfig;
  logger: Logger;
  /** Records request durations when given. */
  metrics?: Metrics;
  /** Store factory for the rate limiters (Redis when configured); default: in memory. */
  createRateLimitStore?: RateLimitStoreFactory;
  /**
   * Routes that must read the raw body themselves, such as the LiveKit webhook
   * (`express.raw({type: 'application/webhook+json'})`): mounted after the per-IP limit and
   * before the JSON parser.
   */
  mountRawBodyRoutes?: (app: Express) => void;
  /** The domain routes (`app.use('/api/livestream', router)`); bodies arrive parsed as JSON. */
  mount: (app: Express) => void;
}

/**
 * Builds the Express app with the common stack around the domain routes. Never listens: the
 * composition root passes it to `http.createServer`, and tests drive it with supertest.
 *
 * Order: request id + logging first (every response, even a 429 or 413, is logged with its id);
 * security headers and CORS before anything can answer; the per-IP limit before any body is read;
 * then body parsing, the routes, the JSON 404 and the one error middleware.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // No automatic ETag (a SHA-1 of every body, ~1% of a token request, whose body is never the
  // same twice): the room list, the one response worth revalidating, sets its own.
  app.set('etag', false);
  // Only from TRUST_PROXY: `req.ip` (rate-limit keys, logs) depends on it.
  app.set('trust proxy', config.server.trustProxy);
  // Flat `?a=b` only: no nested objects or arrays from qs.
  app.set('query parser', 'simple');

  app.use(requestLogger(app, { logger }));
  if (options.metrics) app.use(httpMetrics(options.metrics));
  app.use(securityHeaders());
  app.use(corsPolicy({ cors: config.cors }));
  app.use(
    createIpRateLimiter({
      windowMs: config.rateLimit.ipWindowMs,
      limit: config.rateLimit.ipMaxRequests,
      logger,
      ...(options.createRateLimitStore === undefined ? {} : { createStore: options.createRateLimitStore }),
    }),
  );

  options.mountRawBodyRoutes?.(app);

  app.use(jsonBody({ limitBytes: config.server.bodyLimitBytes }));

  options.mount(app);

  app.use(notFound());
  app.use(errorHandler({ logger }));
  return app;
}
