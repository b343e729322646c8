/** Stable error codes of the HTTP and WebSocket contract, with their HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  SIGNATURE_EXPIRED: 401,
  INVALID_SIGNATURE: 401,
  SIGNATURE_REUSED: 401,
  UNAUTHORIZED: 401,
  SIWS_EXPIRED: 401,
  SIWS_DOMAIN_MISMATCH: 401,
  NONCE_INVALID: 401,
  NONCE_REUSED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_ADDRESS_MISMATCH: 401,
  SESSION_REVOKED: 401,
  REFRESH_TOKEN_REUSED: 401,
  TICKET_REQUIRED: 402,
  NOT_ROOM_HOST: 403,
  VIEWER_BANNED: 403,
  NOT_CO_HOST: 403,
  FORBIDDEN: 403,
  IDENTITY_MISMATCH: 403,
  ROOM_NOT_FOUND: 404,
  NOT_FOUND: 404,
  ROOM_NOT_AVAILABLE: 409,
  ROOM_NOT_LIVE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  CHAIN_UNAVAILABLE: 503,
  SESSION_STORE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type of the service: a stable code, its HTTP status and a message safe to show. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds a client should wait before retrying (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
