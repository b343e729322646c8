import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { type ClientPolicy, clientPolicy } from '../clients/clientPolicy.js';
import type { Config } from '../config/Config.js';
import type { Metrics } from '../observability/Metrics.js';
import { corsPolicy } from './middleware/corsPolicy.js';
import { errorHandler } from './middleware/errorHandler.js';
import { httpMetrics } from './middleware/httpMetrics.js';
import { jsonBody } from './middleware/jsonBody.js';
import { notFound } from './middleware/notFound.js';
import {
  createIpRateLimiter,
  HEALTH_LIMITER_PREFIX,
  type RateLimitStoreFactory,
  WEBHOOK_LIMITER_PREFIX,
} from './middleware/rateLimits.js';
import { requestLogger } from './middleware/requestLogger.js';
import { securityHeaders } from './middleware/securityHeaders.js';

/** The parts of the configuration the HTTP stack reads. */
export type HttpAppConfig = Pick<Config, 'server' | 'cors' | 'rateLimit'>;

export interface HttpAppOptions {
  config: HttpAppConfig;
  logger: Logger;
  /** Records request durations when given. */
  metrics?: Metrics;
  /** Client address and Origin policy, shared with the WebSocket gateway; default: from the config. */
  clients?: ClientPolicy;
  /** Store factory for the rate limiters (Redis when configured); default: in memory. */
  createRateLimitStore?: RateLimitStoreFactory;
  /**
   * Health and metrics: mounted before the API's per-IP limit, each route behind `limit`, their own
   * per-IP budget (`RATE_LIMIT_HEALTH_MAX`, in memory: a probe never waits on Redis), so API traffic
   * from a load balancer's address cannot starve its probes.
   */
  mountOperational?: (app: Express, limit: RequestHandler) => void;
  /**
   * Webhooks, which authenticate by their own signature: mounted before the API's per-IP limit and
   * the JSON parser (they read the raw body, e.g. `express.raw({type: 'application/webhook+json'})`),
   * each route behind `limit`, their own per-IP budget (`RATE_LIMIT_WEBHOOK_MAX`).
   */
  mountWebhooks?: (app: Express, limit: RequestHandler) => void;
  /** The domain routes (`app.use('/api/livestream', router)`); bodies arrive parsed as JSON. */
  mount: (app: Express) => void;
}

/**
 * Builds the Express app with the common stack around the domain routes. Never listens: the
 * composition root passes it to `http.createServer`, and tests drive it with supertest.
 *
 * Order: request id + logging first (every response, even a 429 or 413, is logged with its id);
 * security headers and CORS before anything can answer; health, metrics and webhooks, each with a
 * budget of its own; the API's per-IP limit before any body is read; then body parsing, the routes,
 * the JSON 404 and the one error middleware.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // No automatic ETag (a SHA-1 of every body, ~1% of a token request, whose body is never the
  // same twice): the room list, the one response worth revalidating, sets its own.
  app.set('etag', false);
  const clients =
    options.clients ?? clientPolicy({ cors: config.cors, trustProxy: config.server.trustProxy });
  // Only from TRUST_PROXY: `req.ip` (rate-limit keys, logs) depends on it.
  app.set('trust proxy', clients.trust);
  // Flat `?a=b` only: no nested objects or arrays from qs.
  app.set('query parser', 'simple');

  app.use(requestLogger(app, { logger }));
  if (options.metrics) app.use(httpMetrics(options.metrics));
  app.use(securityHeaders());
  app.use(corsPolicy({ clients }));
  const { ipWindowMs } = config.rateLimit;
  options.mountOperational?.(
    app,
    createIpRateLimiter({
      windowMs: ipWindowMs,
      limit: config.rateLimit.healthMaxRequests,
      logger,
      prefix: HEALTH_LIMITER_PREFIX,
    }),
  );
  options.mountWebhooks?.(
    app,
    createIpRateLimiter({
      windowMs: ipWindowMs,
      limit: config.rateLimit.webhookMaxRequests,
      logger,
      prefix: WEBHOOK_LIMITER_PREFIX,
      ...(options.createRateLimitStore === undefined ? {} : { createStore: options.createRateLimitStore }),
    }),
  );
  app.use(
    createIpRateLimiter({
      windowMs: ipWindowMs,
      limit: config.rateLimit.ipMaxRequests,
      logger,
      ...(options.createRateLimitStore === undefined ? {} : { createStore: options.createRateLimitStore }),
    }),
  );

  app.use(jsonBody({ limitBytes: config.server.bodyLimitBytes }));

  options.mount(app);

  app.use(notFound());
  app.use(errorHandler({ logger }));
  return app;
}
