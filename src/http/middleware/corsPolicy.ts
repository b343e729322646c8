import cors from 'cors';
import type { RequestHandler } from 'express';
import type { ClientPolicy } from '../../clients/clientPolicy.js';

/** How long browsers may cache a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 10 * 60;
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'];
/** Authorization carries sign-in session access tokens (Bearer); it is a header, never a cookie. */
const ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'X-Request-Id'];
const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'];

export interface CorsPolicyOptions {
  /** The same Origin policy as the WebSocket upgrade's. */
  clients: ClientPolicy;
}

/**
 * CORS from an exact allow-list: a listed origin is echoed with `Vary: Origin`, any other origin
 * gets no `Access-Control-Allow-Origin`. "Any origin" (development only; config refuses it in
 * production) is a literal `*`. Credentials are never allowed: the API authenticates by wallet
 * signature in the body or a Bearer token the app sets itself, so nothing ambient (cookies) must
 * ride along cross-site, and a reflected origin with credentials would let any site read responses.
 */
export function corsPolicy(options: CorsPolicyOptions): RequestHandler {
  const { clients } = options;
  const corsMiddleware = cors({
    origin: clients.anyOrigin
      ? '*'
      : (origin, callback) =>
          callback(null, origin !== undefined && clients.originAllowed(origin) ? origin : false),
    credentials: false,
    methods: ALLOWED_METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
  if (clients.anyOrigin) return corsMiddleware;
  return (req, res, next) => {
    // The answer depends on Origin, including for refused origins, so shared caches must key on it.
    res.vary('Origin');
    // No Origin: not a cross-origin browser request (apps, curl), nothing to allow or refuse.
    if (req.headers.origin === undefined) {
      next();
      return;
    }
    corsMiddleware(req, res, next);
  };
}
