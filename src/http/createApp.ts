import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ClientPolicy } from '../clients/clientPolicy.js';
import type { LiveKitWebhooks } from '../livekit/LiveKitWebhooks.js';
import type { HealthReport } from '../observability/healthReport.js';
import type { Metrics } from '../observability/Metrics.js';
import { buildProtocolDocument } from '../realtime/protocolDocument.js';
import type { RoomViews } from '../rooms/RoomViews.js';
import type { SessionService } from '../sessions/SessionService.js';
import type { TokenService } from '../tokens/TokenService.js';
import { createHttpApp, type HttpAppConfig } from './createHttpApp.js';
import type { RateLimitStoreFactory } from './middleware/rateLimits.js';
import { SignatureFailureLimit } from './middleware/SignatureFailureLimit.js';
import { buildOpenApiDocument } from './openApiDocument.js';
import { mountDemo } from './routes/demoRoute.js';
import { healthRouter } from './routes/healthRouter.js';
import { mountLiveKitWebhook } from './routes/livekitWebhookRoute.js';
import { livestreamRouter } from './routes/livestreamRouter.js';
import { mountMetrics } from './routes/metricsRoute.js';
import { sessionRouter } from './routes/sessionRouter.js';
import { tokenSourceRouter } from './routes/tokenSourceRouter.js';

export const API_BASE_PATH = '/api/livestream';
export const API_VERSION = '1.0.0';

export interface AppDeps {
  config: HttpAppConfig;
  logger: Logger;
  tokens: TokenService;
  /** Sign-in sessions: `/auth/*`, Bearer access tokens, the LiveKit token endpoint. */
  sessions: SessionService;
  rooms: RoomViews;
  /** Ready for traffic: the chain is connected and the room index loaded. */
  ready: () => boolean;
  accountLimiter: RequestHandler;
  health: () => HealthReport;
  webhooks: LiveKitWebhooks;
  metrics: Metrics;
  /** Bearer token for /metrics; unset: loopback clients only. */
  metricsToken: string | undefined;
  createRateLimitStore?: RateLimitStoreFactory;
  /** Where the built demo page is, to serve it at /demo (development only: the root never sets it in production). */
  demoDir?: string;
  /** The client address and Origin policy, shared with the WebSocket gateway. */
  clients: ClientPolicy;
}

/** The whole HTTP API; never listens (the composition root serves it, tests use supertest). */
export function createApp(deps: AppDeps): Express {
  const signatureFailures = new SignatureFailureLimit({
    windowMs: deps.config.rateLimit.ipWindowMs,
    limit: deps.config.rateLimit.ipSignatureFailures,
    logger: deps.logger,
    ...(deps.createRateLimitStore ? { createStore: deps.createRateLimitStore } : {}),
  });
  const health = healthRouter({ report: deps.health, ready: deps.ready });
  return createHttpApp({
    config: deps.config,
    logger: deps.logger,
    metrics: deps.metrics,
    clients: deps.clients,
    ...(deps.createRateLimitStore ? { createRateLimitStore: deps.createRateLimitStore } : {}),
    mountOperational: (app, limit) => {
      app.use('/health', limit, health);
      mountMetrics(app, { metrics: deps.metrics, token: deps.metricsToken, limit });
    },
    mountWebhooks: (app, limit) =>
      mountLiveKitWebhook(app, { webhooks: deps.webhooks, metrics: deps.metrics, limit, signatureFailures }),
    mount: (app) => {
      // The API first of these: nearly every request is for it, and each route before costs a match.
      app.use(
        API_BASE_PATH,
        livestreamRouter({
          tokens: deps.tokens,
          rooms: deps.rooms,
          accountLimiter: deps.accountLimiter,
          signatureFailures,
          metrics: deps.metrics,
          sessions: deps.sessions,
        }),
        sessionRouter({ sessions: deps.sessions, accountLimiter: deps.accountLimiter, signatureFailures }),
        tokenSourceRouter({
          tokens: deps.tokens,
          sessions: deps.sessions,
          accountLimiter: deps.accountLimiter,
          metrics: deps.metrics,
        }),
      );
      const openApi = buildOpenApiDocument(API_VERSION);
      const protocol = buildProtocolDocument();
      app.get('/openapi.json', (_req, res) => {
        res.json(openApi);
      });
      app.get('/ws-protocol.json', (_req, res) => {
        res.json(protocol);
      });
      if (deps.demoDir) mountDemo(app, deps.demoDir);
    },
  });
}
