/** Worker-thread entry of WorkerSignatureVerifier. */
import { parentPort } from 'node:worker_threads';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { serveSignatureChecks } from './serveSignatureChecks.js';
import { verifySignature } from './verifySignature.js';

if (parentPort === null) throw new Error('signatureWorker must run as a worker thread');

// Ready only once the wasm verifier is, so every check takes the fast path.
await cryptoWaitReady();
serveSignatureChecks(parentPort, verifySignature);
