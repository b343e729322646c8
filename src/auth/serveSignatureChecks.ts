import type { MessagePort } from 'node:worker_threads';
import type { VerifyResponse, WorkerReady } from './signatureWorkerProtocol.js';
import { isVerifyBatch, unpackVerifyRequest } from './signatureWorkerProtocol.js';

export type VerifyFunction = (message: Uint8Array, signature: Uint8Array, accountId: Uint8Array) => boolean;

/**
 * The worker side of WorkerSignatureVerifier: answers every request of each batch arriving on
 * `port`, one answer per request, in order, then says it is ready. Call once the verifier is at
 * full speed (the pool only sends work after `ready`).
 */
export function serveSignatureChecks(port: MessagePort, verify: VerifyFunction): void {
  port.on('message', (value: unknown) => {
    // Only our own pool talks to this port: a malformed batch is a bug, and crashing lets the pool
    // fail that one request and replace the worker.
    if (!isVerifyBatch(value)) throw new TypeError('Malformed signature verify batch');
    for (const request of value) {
      const { message, signature, accountId } = unpackVerifyRequest(request);
      const response: VerifyResponse = { id: request.id, valid: verify(message, signature, accountId) };
      port.postMessage(response);
    }
  });
  const ready: WorkerReady = { ready: true };
  port.postMessage(ready);
}
