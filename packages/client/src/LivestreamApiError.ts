import type { ApiErrorCode, ClientErrorCode } from './apiTypes.js';

/**
 * Every failed call rejects with this: `code` is the API's error code (`TICKET_REQUIRED`,
 * `RATE_LIMIT_EXCEEDED`, …) or a client-side one (`NETWORK_ERROR`, `TIMEOUT`, `BAD_RESPONSE`).
 */
export class LivestreamApiError extends Error {
  readonly code: ApiErrorCode | ClientErrorCode;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** From `Retry-After` (429, 503): seconds to wait before trying again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ApiErrorCode | ClientErrorCode,
    message: string,
    options: { status?: number; retryAfterSeconds?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LivestreamApiError';
    this.code = code;
    this.status = options.status ?? 0;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
