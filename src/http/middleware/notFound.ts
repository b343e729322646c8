import type { RequestHandler } from 'express';
import { AppError } from '../../errors/AppError.js';

/** Longest path echoed back in the message; the rest is cut. */
const MAX_ECHOED_PATH_CHARS = 200;

/** Mounted after every route: an unknown route gets the JSON 404, not Express's HTML page. */
export function notFound(): RequestHandler {
  return (req, _res, next) => {
    const path =
      req.path.length > MAX_ECHOED_PATH_CHARS ? `${req.path.slice(0, MAX_ECHOED_PATH_CHARS)}…` : req.path;
    next(new AppError('NOT_FOUND', `No route for ${req.method} ${path}`));
  };
}
