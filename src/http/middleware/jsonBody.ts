import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors/AppError.js';

export interface JsonBodyOptions {
  /** Largest body accepted; a larger one gets 413. */
  limitBytes: number;
}

/**
 * Parses JSON bodies (strict: objects and arrays only; uncompressed only; a leading UTF-8 byte order
 * mark is ignored, as RFC 8259 §8.1 lets a parser do), and gives a request that carries a body
 * the parser did not take (missing or non-JSON Content-Type) a clear 415 instead of letting it
 * reach a route with `req.body` undefined. Requests without a body (every GET) pass straight on.
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  // No compressed bodies (`inflate: false`: 415): a signed request is a few hundred bytes, and
  // inflating costs CPU on bytes whose real size the limit could only check afterwards.
  const parse = express.json({
    limit: options.limitBytes,
    strict: true,
    type: 'application/json',
    inflate: false,
  });
  return (req, res, next) => {
    if (!hasBody(req.headers)) {
      next();
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) next(error);
      else if (req.body === undefined) {
        next(
          new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            'Request body must be JSON sent with Content-Type: application/json',
          ),
        );
      } else next();
    });
  };
}

function hasBody(headers: { 'transfer-encoding'?: string; 'content-length'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}
