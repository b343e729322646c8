import type { RequestHandler } from 'express';
import { AppError } from '../../errors/AppError.js';

/**
 * Runs after the JSON parser: a request that carries a body the parser did not take (missing or
 * non-JSON Content-Type) gets a clear 415 instead of reaching a route with `req.body` undefined.
 */
export function requireJsonBody(): RequestHandler {
  return (req, _res, next) => {
    if (req.body === undefined && hasBody(req.headers)) {
      next(
        new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Request body must be JSON sent with Content-Type: application/json',
        ),
      );
      return;
    }
    next();
  };
}

function hasBody(headers: { 'transfer-encoding'?: string; 'content-length'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}
