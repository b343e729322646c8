/**
 * Checks wallet signatures off the caller's critical path. `verify` resolves false for a signature that
 * does not match and rejects only when the check could not run (overloaded, closed, worker lost).
 */
export interface SignatureVerifier {
  verify(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): Promise<boolean>;
  /** Stops the verifier; idempotent. Checks still pending are rejected. */
  close(): Promise<void>;
}
