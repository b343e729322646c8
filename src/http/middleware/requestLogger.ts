import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** Incoming ids are honoured only if short and made of safe characters (they end up in logs and headers). */
const INCOMING_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Headers worth a log line; everything else (authorization, cookies, …) is never logged. */
const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'origin'] as const;

export interface RequestLoggerOptions {
  logger: Logger;
}

/**
 * One log line per request: method, URL, route template, status, duration, request id; level by
 * status (< 400 info, < 500 warn, else error); no bodies. `req.log` is a child logger bound to
 * the request id, and the id is echoed in the `X-Request-Id` response header.
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  const httpLogger = pinoHttp<Request, Response>({
    logger: options.logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'reqId', responseTime: 'durationMs' },
    genReqId: requestId,
    customLogLevel: (_req, res, error) => {
      if (error !== undefined || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    // Called again when the response finishes, when the matched route is known.
    customProps: (_req, res) => {
      const route = routeTemplateOf(res);
      return route === undefined ? {} : { route };
    },
    customSuccessMessage: (req, res) => `${req.method} ${routeTemplateOf(res) ?? req.path} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeTemplateOf(res) ?? req.path} ${res.statusCode}`,
    serializers: {
      req: (req: { raw: Request }) => {
        const raw = req.raw;
        const headers: Record<string, string | string[]> = {};
        for (const name of LOGGED_REQUEST_HEADERS) {
          const value = raw.headers[name];
          if (value !== undefined) headers[name] = value;
        }
        return { method: raw.method, url: raw.originalUrl, ip: raw.ip, headers };
      },
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  const { logger } = options;
  return (req, res, next) => {
    captureRouteTemplate(req, res);
    // pino-http builds three child loggers and serializes the request up front whatever the level:
    // ~0.1 ms a request (bench/), wasted when not even an error line would be written.
    if (!logger.isLevelEnabled('error')) {
      req.id = requestId(req, res);
      req.log = logger;
      next();
      return;
    }
    httpLogger(req, res, next);
  };
}

/** The incoming id when it is sane, else a new UUID; echoed in the response. */
function requestId(req: Request, res: Response): string {
  const incoming = req.headers[REQUEST_ID_HEADER.toLowerCase()];
  const id =
    typeof incoming === 'string' && INCOMING_REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * The matched route template (`/api/livestream/room/:roomId`, not the concrete URL: bounded
 * cardinality for log queries and metrics labels), or `undefined` when no route matched.
 */
export function routeTemplateOf(res: Response): string | undefined {
  const template: unknown = res.locals[ROUTE_TEMPLATE_LOCAL];
  return typeof template === 'string' ? template : undefined;
}

const ROUTE_TEMPLATE_LOCAL = 'routeTemplate';

/**
 * The router sets `req.route` when it enters a route, while `req.baseUrl` still holds the mount
 * path; by the time the response finishes (or an error left the router) the base may be gone.
 * So the template is recorded at that moment.
 */
function captureRouteTemplate(req: Request, res: Response): void {
  let route: unknown = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: unknown) => {
      route = value;
      if (typeof value === 'object' && value !== null && 'path' in value && typeof value.path === 'string') {
        res.locals[ROUTE_TEMPLATE_LOCAL] = `${req.baseUrl}${value.path}`;
      }
    },
  });
}
