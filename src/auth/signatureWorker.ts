/** Worker-thread entry of WorkerSignatureVerifier: answers one VerifyRequest per message. */
import { parentPort } from 'node:worker_threads';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { VerifyResponse, WorkerReady } from './signatureWorkerProtocol.js';
import { isVerifyRequest, unpackVerifyRequest } from './signatureWorkerProtocol.js';
import { verifySignature } from './verifySignature.js';

if (parentPort === null) throw new Error('signatureWorker must run as a worker thread');
const port = parentPort;

// The pool only sends work after `ready`, so every check takes the wasm fast path.
await cryptoWaitReady();

port.on('message', (value: unknown) => {
  // Only our own pool talks to this port: a malformed request is a bug, and crashing lets the pool
  // fail that one request and replace the worker.
  if (!isVerifyRequest(value)) throw new TypeError('Malformed signature verify request');
  const { message, signature, accountId } = unpackVerifyRequest(value);
  const response: VerifyResponse = { id: value.id, valid: verifySignature(message, signature, accountId) };
  port.postMessage(response);
});

const ready: WorkerReady = { ready: true };
port.postMessage(ready);
