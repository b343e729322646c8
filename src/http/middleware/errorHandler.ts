import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { $ZodError } from 'zod/v4/core';
import { AppError, type ErrorCode } from '../../errors/AppError.js';
import { describeError } from '../../observability/describeError.js';
import { LogThrottle } from '../../observability/LogThrottle.js';

/** Upper bound on issues spelled out in one VALIDATION_ERROR message. */
const MAX_LISTED_ISSUES = 10;
const INTERNAL_ERROR_MESSAGE = 'Internal server error';

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export interface ErrorHandlerOptions {
  /** Used when the request has no `req.log` (request logger not mounted). */
  logger: Logger;
}

/** A known outage (our own 5xx, such as CHAIN_UNAVAILABLE) is logged at most once per code per this. */
export const OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * The one JSON error middleware: every failure leaves as `{error: {code, message}}` with the
 * status of its code, never a stack. Unknown errors become a generic 500 and are
 * logged in full server-side. Our own 5xx (a known outage, e.g. CHAIN_UNAVAILABLE) is an expected
 * state, not a bug: logged at warn with its reason and no stack, at most once per code per
 * OUTAGE_LOG_INTERVAL_MS.
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  const outages = new LogThrottle({ intervalMs: OUTAGE_LOG_INTERVAL_MS });
  return (error: unknown, req, res, next) => {
    // Mid-stream failures cannot be turned into JSON; Express closes the connection.
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = toAppError(error);
    if (appError.status >= 500) {
      const log: Logger = 'log' in req && req.log !== undefined ? req.log : options.logger;
      if (appError !== error || appError.code === 'INTERNAL_ERROR') {
        log.error({ err: error }, appError === error ? appError.message : 'unhandled error');
      } else {
        const held = outages.take(appError.code);
        if (held !== undefined) {
          log.warn(
            {
              code: appError.code,
              ...(appError.cause === undefined ? {} : { reason: describeError(appError.cause) }),
              ...(held > 0 ? { alsoSinceLastLine: held } : {}),
            },
            appError.message,
          );
        }
      }
    }
    sendError(res, appError);
  };
}

/** Writes `error` as our JSON error response (with `Retry-After` when it carries one). */
export function sendError(res: Response, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(0, Math.ceil(error.retryAfterSeconds))));
  }
  res.setHeader('Cache-Control', 'no-store');
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  res.status(error.status).json(body);
}

/** Maps anything thrown or passed to `next()` onto one of our codes. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof $ZodError) {
    return new AppError('VALIDATION_ERROR', formatZodIssues(error.issues), { cause: error });
  }
  const bodyParserError = fromBodyParserError(error);
  if (bodyParserError !== undefined) return bodyParserError;
  const clientError = fromClientHttpError(error);
  if (clientError !== undefined) return clientError;
  return new AppError('INTERNAL_ERROR', INTERNAL_ERROR_MESSAGE, { cause: error });
}

/** `roomId: expected number, received string; signature: too short` */
export function formatZodIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = issues.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ') || 'Invalid request';
}

/** body-parser errors carry a `type` naming the failure (body-parser README, "Errors"). */
function fromBodyParserError(error: unknown): AppError | undefined {
  const type = stringProperty(error, 'type');
  switch (type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large', { cause: error });
    case 'entity.parse.failed':
      return new AppError('VALIDATION_ERROR', 'Request body is not valid JSON', { cause: error });
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset: send UTF-8 JSON', { cause: error });
    case 'encoding.unsupported':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Unsupported Content-Encoding: send the body uncompressed',
        {
          cause: error,
        },
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('VALIDATION_ERROR', 'Request body was incomplete', { cause: error });
    default:
      return undefined;
  }
}

const CLIENT_STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMIT_EXCEEDED',
};

/**
 * Other `http-errors`-style errors from Express and its parsers (e.g. a malformed `%` escape in a
 * path gives 400). Their message is shown only when they mark it safe (`expose`).
 */
function fromClientHttpError(error: unknown): AppError | undefined {
  const status = numberProperty(error, 'status') ?? numberProperty(error, 'statusCode');
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const code = CLIENT_STATUS_CODES[status] ?? 'VALIDATION_ERROR';
  const exposed = booleanProperty(error, 'expose') === true ? stringProperty(error, 'message') : undefined;
  return new AppError(code, exposed ?? 'Bad request', { cause: error });
}

function stringProperty(value: unknown, key: string): string | undefined {
  const property = propertyOf(value, key);
  return typeof property === 'string' ? property : undefined;
}

function numberProperty(value: unknown, key: string): number | undefined {
  const property = propertyOf(value, key);
  return typeof property === 'number' && Number.isInteger(property) ? property : undefined;
}

function booleanProperty(value: unknown, key: string): boolean | undefined {
  const property = propertyOf(value, key);
  return typeof property === 'boolean' ? property : undefined;
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
