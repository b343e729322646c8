import { randomUUID } from 'node:crypto';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';
import { LogThrottle } from '../../observability/LogThrottle.js';
import { redactQuery } from './redactQuery.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request id, echoed in `X-Request-Id` (set by `requestLogger`). */
    id: string;
    /** A logger bound to the request id (made on first use; `requestLogger` installs it). */
    log: Logger;
  }
}

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** Node lower-cases incoming header names. */
const INCOMING_REQUEST_ID_HEADER = REQUEST_ID_HEADER.toLowerCase();
/** Incoming ids are honoured only if short and made of safe characters (they end up in logs and headers). */
const INCOMING_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Headers worth a log line; everything else (authorization, cookies, …) is never logged. */
const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'origin'] as const;
/**
 * 503 is this service saying a dependency is down (the chain, or readiness while it is): expected
 * during an outage, so logged at warn, and at most one line per route per this interval (with how
 * many it stands for), not one per request.
 */
export const UNAVAILABLE_LOG_INTERVAL_MS = 10_000;
const SERVICE_UNAVAILABLE = 503;

export interface RequestLoggerOptions {
  logger: Logger;
}

/**
 * One log line per request when it ends: method, URL (query values redacted), route template, status,
 * duration, request id; level by status (< 400 info, < 500 and 503 warn, else error); no bodies. 503s
 * are throttled per route (UNAVAILABLE_LOG_INTERVAL_MS). A connection closed before
 * the response was complete is logged as aborted. `req.log` is a child logger bound to the request
 * id, and the id is echoed in the `X-Request-Id` response header.
 *
 * Installs accessors on the app's request prototype (`req.log`, `req.route`), so a request pays for
 * neither a child logger it does not use nor per-request property definitions: this runs on every
 * request, and a generic request logger (pino-http) cost ~0.1 ms each (bench/).
 */
export function requestLogger(app: Express, options: RequestLoggerOptions): RequestHandler {
  const { logger } = options;
  installRequestAccessors(app.request, logger);
  const unavailable = new LogThrottle({ intervalMs: UNAVAILABLE_LOG_INTERVAL_MS });
  return (req, res, next) => {
    const startedAt = performance.now();
    const id = requestId(req);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    // Checked per request: the level can change at run time.
    if (logger.isLevelEnabled('error')) {
      res.once('close', () => logCompleted(logger, unavailable, req, res, startedAt));
    }
    next();
  };
}

function logCompleted(
  logger: Logger,
  unavailable: LogThrottle,
  req: Request,
  res: Response,
  startedAt: number,
): void {
  const completed = res.writableFinished;
  const level: Level = !completed
    ? 'warn'
    : res.statusCode >= 500 && res.statusCode !== SERVICE_UNAVAILABLE
      ? 'error'
      : res.statusCode >= 400
        ? 'warn'
        : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const route = routeTemplateOf(req);
  let held: number | undefined;
  if (completed && res.statusCode === SERVICE_UNAVAILABLE) {
    // Keyed by the route template (bounded), not the URL.
    held = unavailable.take(`${req.method} ${route ?? 'unmatched'}`);
    if (held === undefined) return;
  }
  const outcome = completed ? String(res.statusCode) : 'aborted';
  // The root logger with the id as a field: no child logger made for this one line.
  logger[level](
    {
      reqId: req.id,
      ...(route === undefined ? {} : { route }),
      req: loggedRequest(req),
      res: { statusCode: res.statusCode },
      durationMs: Math.round(performance.now() - startedAt),
      ...(held ? { alsoUnavailableSinceLastLine: held } : {}),
    },
    `${req.method} ${route ?? req.path} ${outcome}`,
  );
}

function loggedRequest(req: Request) {
  const headers: Record<string, string | string[]> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { method: req.method, url: redactQuery(req.originalUrl), ip: req.ip, headers };
}

/** The incoming id when it is sane, else a new UUID. */
function requestId(req: Request): string {
  const incoming = req.headers[INCOMING_REQUEST_ID_HEADER];
  return typeof incoming === 'string' && INCOMING_REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

const LOG = Symbol('log');
const ROUTE = Symbol('route');
const ROUTE_TEMPLATE = Symbol('routeTemplate');

type RequestState = Request & { [LOG]?: Logger; [ROUTE]?: unknown; [ROUTE_TEMPLATE]?: string };

/**
 * The matched route template (`/api/livestream/room/:roomId`, not the concrete URL: bounded
 * cardinality for log queries and metrics labels), or `undefined` when no route matched.
 */
export function routeTemplateOf(req: Request): string | undefined {
  return (req as RequestState)[ROUTE_TEMPLATE];
}

function installRequestAccessors(prototype: Request, logger: Logger): void {
  Object.defineProperty(prototype, 'log', {
    configurable: true,
    get(this: RequestState): Logger {
      this[LOG] ??= logger.child({ reqId: this.id });
      return this[LOG];
    },
  });
  // The router assigns `req.route` when it enters a route, while `req.baseUrl` still holds the
  // mount path; by the time the response finishes (or an error left the router) the base may be
  // gone. So the template is recorded at that moment.
  Object.defineProperty(prototype, 'route', {
    configurable: true,
    get(this: RequestState): unknown {
      return this[ROUTE];
    },
    set(this: RequestState, value: unknown) {
      this[ROUTE] = value;
      if (typeof value === 'object' && value !== null && 'path' in value && typeof value.path === 'string') {
        this[ROUTE_TEMPLATE] = `${this.baseUrl}${value.path}`;
      }
    },
  });
}
