/**
 * Messages between WorkerSignatureVerifier and its workers. A request packs message, signature and
 * account id into one fresh ArrayBuffer (never the caller's arrays). Requests travel in batches, one
 * message per batch, copied: for a few hundred bytes a copy is cheaper than a transfer, and each
 * message costs a thread wake-up. Each answer is its own message, in request order.
 */

export interface VerifyRequest {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly messageLength: number;
  readonly signatureLength: number;
}

/** Most requests in one batch. */
export const MAX_BATCH_REQUESTS = 64;

export type VerifyBatch = readonly VerifyRequest[];

export interface VerifyResponse {
  readonly id: number;
  readonly valid: boolean;
}

/** Sent once by a worker when it can verify at full speed. */
export interface WorkerReady {
  readonly ready: true;
}

export function packVerifyRequest(
  id: number,
  message: Uint8Array,
  signature: Uint8Array,
  accountId: Uint8Array,
): VerifyRequest {
  const bytes = new Uint8Array(message.length + signature.length + accountId.length);
  bytes.set(message, 0);
  bytes.set(signature, message.length);
  bytes.set(accountId, message.length + signature.length);
  return { id, buffer: bytes.buffer, messageLength: message.length, signatureLength: signature.length };
}

export function unpackVerifyRequest(request: VerifyRequest): {
  message: Uint8Array;
  signature: Uint8Array;
  accountId: Uint8Array;
} {
  const { buffer, messageLength, signatureLength } = request;
  return {
    message: new Uint8Array(buffer, 0, messageLength),
    signature: new Uint8Array(buffer, messageLength, signatureLength),
    accountId: new Uint8Array(buffer, messageLength + signatureLength),
  };
}

function isVerifyRequest(value: unknown): value is VerifyRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { id, buffer, messageLength, signatureLength } = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(id) &&
    buffer instanceof ArrayBuffer &&
    Number.isSafeInteger(messageLength) &&
    Number.isSafeInteger(signatureLength) &&
    (messageLength as number) >= 0 &&
    (signatureLength as number) >= 0 &&
    (messageLength as number) + (signatureLength as number) <= buffer.byteLength
  );
}

export function isVerifyBatch(value: unknown): value is VerifyBatch {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_BATCH_REQUESTS &&
    value.every((request) => isVerifyRequest(request))
  );
}

export function isVerifyResponse(value: unknown): value is VerifyResponse {
  if (typeof value !== 'object' || value === null) return false;
  const { id, valid } = value as Record<string, unknown>;
  return Number.isSafeInteger(id) && typeof valid === 'boolean';
}

export function isWorkerReady(value: unknown): value is WorkerReady {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).ready === true;
}
