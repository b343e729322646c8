import type { WsErrorCode } from './realtimeMessages.js';

export type RealtimeErrorCode =
  | WsErrorCode
  /** Closed 1008 by the server (refused authentication or abuse): the connection stops. */
  | 'POLICY_VIOLATION'
  /** Closed 4429 (too many frames or connections): the next attempt waits longer. */
  | 'RATE_LIMITED'
  /** A frame that is not a JSON object with a `type`, or too large. */
  | 'BAD_MESSAGE'
  /** The signer or session could not produce credentials. */
  | 'SIGNER_FAILED'
  /** An event listener threw; the connection carries on. */
  | 'LISTENER_ERROR'
  /** `close()` was called while a join was waiting. */
  | 'CLOSED'
  | (string & {});

/** Reported through the connection's `error` event; `fatal` ones stop it (no more reconnects). */
export class RealtimeError extends Error {
  readonly code: RealtimeErrorCode;
  readonly fatal: boolean;

  constructor(code: RealtimeErrorCode, message: string, options: { fatal?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RealtimeError';
    this.code = code;
    this.fatal = options.fatal ?? false;
  }
}
