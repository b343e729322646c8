/**
 * `unavailable`: network failure, timeout, 429 or 5xx; the same call may succeed later.
 * `auth`: the server refused our credentials or grants (401/403); fix the configuration.
 * `rejected`: the server refused the request itself (400, 404 where it matters, ...).
 */
export const LIVEKIT_ERROR_KINDS = ['unavailable', 'auth', 'rejected'] as const;
export type LiveKitErrorKind = (typeof LIVEKIT_ERROR_KINDS)[number];

export type LiveKitErrorOptions = {
  kind: LiveKitErrorKind;
  /** The Twirp method, e.g. `CreateRoom`. */
  operation: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** Twirp error code, e.g. `not_found`, when the server sent one. */
  twirpCode?: string;
  cause?: unknown;
};

/** A failed LiveKit server-API call, classified so callers know whether to retry. */
export class LiveKitError extends Error {
  readonly kind: LiveKitErrorKind;
  readonly retryable: boolean;
  readonly operation: string;
  readonly status: number | undefined;
  readonly twirpCode: string | undefined;

  constructor(detail: string, options: LiveKitErrorOptions) {
    const retryable = options.kind === 'unavailable';
    super(
      `LiveKit ${options.operation} failed (${options.kind}, ${retryable ? 'retryable' : 'not retryable'}): ${detail}`,
      { cause: options.cause },
    );
    this.name = 'LiveKitError';
    this.kind = options.kind;
    this.retryable = retryable;
    this.operation = options.operation;
    this.status = options.status;
    this.twirpCode = options.twirpCode;
  }
}
