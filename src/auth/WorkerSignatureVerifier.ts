import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/AppError.js';
import type { SignatureVerifier } from './SignatureVerifier.js';
import type { VerifyBatch, VerifyRequest } from './signatureWorkerProtocol.js';
import {
  isVerifyResponse,
  isWorkerReady,
  MAX_BATCH_REQUESTS,
  packVerifyRequest,
} from './signatureWorkerProtocol.js';

/**
 * Checks waiting or running before `verify` rejects. At ~0.25–0.6 ms per check per worker, a full
 * queue is already a quarter of a second or more of work on a small box: beyond that a client is
 * better told to retry (429) than kept waiting, and memory stays bounded.
 */
export const MAX_PENDING_VERIFICATIONS = 1_024;

/**
 * Upper bound of the default pool size. Each worker is a V8 isolate plus wasm instances (~25 MB RSS
 * measured); 8 workers verify 20–30k signatures/s, more than one instance's rate limits let through.
 */
const MAX_DEFAULT_POOL_SIZE = 8;

/** A worker that dies before it is ready this many times in a row means workers cannot start at all. */
const MAX_CONSECUTIVE_START_FAILURES = 3;

const OVERLOAD_RETRY_AFTER_SECONDS = 1;

export interface WorkerSignatureVerifierOptions {
  /**
   * Worker threads. Default: one per core but one (at least one, at most 8). A check costs ~0.25 ms
   * (verifySr25519), less than the rest of a token request on the main thread, so under load the
   * main thread is the bottleneck: a worker on every core would take CPU from it (measured on 2 cores,
   * bench/http/run.ts (a): one worker 1.44×, two 1.27× the bare baseline; and again once the event loop's
   * share had halved, side by side: two workers 0.97× the throughput of one, p99 36 against 26 ms).
   */
  size?: number;
  /** Checks waiting or running before `verify` rejects; default MAX_PENDING_VERIFICATIONS. */
  maxPending?: number;
  /** Worker entry point; default `signatureWorker` next to this module (`.ts` under tsx/vitest, `.js` in dist). */
  workerUrl?: URL;
}

/**
 * Checks handed to one worker before it has answered the earlier ones, so that a worker never idles
 * waiting for the next message. Kept small because the checks behind a crashed one must be retried.
 */
const WORKER_PIPELINE_DEPTH = 8;
/**
 * A worker is topped up once it holds this few checks or fewer. Under load, checks then travel
 * several to a message (4 on average, measured): a message to a sleeping worker costs the sender
 * ~20 µs on the dev VM (2 µs to a busy one), the price of waking its thread. When idle, a check
 * still leaves at once.
 */
const REFILL_AT = WORKER_PIPELINE_DEPTH / 2;

interface Job {
  readonly request: VerifyRequest;
  readonly resolve: (valid: boolean) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  /** Sent and unanswered, oldest first: a worker answers in order, so jobs[0] is the one running. */
  readonly jobs: Job[];
  error: unknown;
}

/**
 * Runs verifySignature on a pool of worker threads so that signature checks (~0.3–3 ms of CPU each)
 * never block the event loop that also serves HTTP and fans out WebSocket events. When a worker
 * crashes, only the check it was running fails: the checks queued behind it are retried, and the
 * worker is replaced.
 */
export class WorkerSignatureVerifier implements SignatureVerifier {
  readonly #size: number;
  readonly #maxPending: number;
  readonly #workerUrl: URL;
  readonly #isTypeScript: boolean;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #running = 0;
  #nextId = 0;
  #startFailures = 0;
  #failure: AppError | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #started: Promise<void>;
  #markStarted: (error?: AppError) => void = () => undefined;

  constructor(options: WorkerSignatureVerifierOptions = {}) {
    this.#size = options.size ?? Math.max(1, Math.min(os.availableParallelism() - 1, MAX_DEFAULT_POOL_SIZE));
    this.#maxPending = options.maxPending ?? MAX_PENDING_VERIFICATIONS;
    if (!Number.isSafeInteger(this.#size) || this.#size < 1) {
      throw new RangeError(`Invalid pool size: ${this.#size}`);
    }
    if (!Number.isSafeInteger(this.#maxPending) || this.#maxPending < 1) {
      throw new RangeError(`Invalid maxPending: ${this.#maxPending}`);
    }
    this.#workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.#isTypeScript = this.#workerUrl.pathname.endsWith('.ts');
    this.#started = new Promise<void>((resolve, reject) => {
      this.#markStarted = (error) => (error ? reject(error) : resolve());
    });
    // Observed here so that a pool nobody waits on never reports an unhandled rejection.
    this.#started.catch(() => undefined);
    for (let i = 0; i < this.#size; i += 1) this.#spawn();
  }

  /** Resolves once a worker can verify; rejects when workers cannot start at all. */
  whenReady(): Promise<void> {
    return this.#started;
  }

  verify(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): Promise<boolean> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#queue.length + this.#running >= this.#maxPending) {
      return Promise.reject(
        new AppError('RATE_LIMIT_EXCEEDED', 'Too many signature checks in progress; retry shortly', {
          retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
        }),
      );
    }
    return new Promise<boolean>((resolve, reject) => {
      // Packed now, so later changes to the caller's arrays cannot change what is checked.
      const request = packVerifyRequest(this.#nextId, message, signature, accountId);
      this.#nextId += 1;
      this.#queue.push({ request, resolve, reject });
      this.#dispatch();
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const error = closedError();
    for (const job of this.#queue.splice(0)) job.reject(error);
    for (const slot of this.#slots) {
      for (const job of slot.jobs.splice(0)) job.reject(error);
    }
    this.#running = 0;
    await Promise.all([...this.#slots].map((slot) => slot.worker.terminate()));
  }

  #spawn(): void {
    const worker = this.#isTypeScript
      ? new Worker(typeScriptBootstrap(this.#workerUrl), { eval: true })
      : new Worker(this.#workerUrl);
    const slot: Slot = { worker, ready: false, jobs: [], error: undefined };
    this.#slots.add(slot);
    worker.on('message', (value: unknown) => this.#onMessage(slot, value));
    // 'exit' always follows 'error'; keep the cause for the rejection.
    worker.on('error', (error: unknown) => {
      slot.error = error;
    });
    worker.on('exit', (code: number) => this.#onExit(slot, code));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#leastBusyWorker();
      if (slot === undefined) return;
      const count = Math.min(
        this.#queue.length,
        WORKER_PIPELINE_DEPTH - slot.jobs.length,
        MAX_BATCH_REQUESTS,
      );
      const batch = this.#queue.splice(0, count);
      slot.jobs.push(...batch);
      this.#running += count;
      // Copied, not transferred: the jobs keep their bytes in case this worker dies before them.
      slot.worker.postMessage(batch.map((job) => job.request) satisfies VerifyBatch);
    }
  }

  #leastBusyWorker(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (!slot.ready || slot.jobs.length > REFILL_AT) continue;
      if (best === undefined || slot.jobs.length < best.jobs.length) best = slot;
    }
    return best;
  }

  #onMessage(slot: Slot, value: unknown): void {
    if (this.#closed) return;
    if (isWorkerReady(value) && !slot.ready) {
      slot.ready = true;
      this.#startFailures = 0;
      this.#markStarted();
      // Workers can start again: bring back any not replaced while they could not.
      while (this.#slots.size < this.#size) this.#spawn();
      this.#dispatch();
      return;
    }
    const job = slot.jobs[0];
    if (!isVerifyResponse(value) || job === undefined || value.id !== job.request.id) {
      // A worker that breaks the protocol cannot be trusted with the next check either.
      slot.error = new Error('Signature worker sent an unexpected message');
      void slot.worker.terminate();
      return;
    }
    slot.jobs.shift();
    this.#running -= 1;
    job.resolve(value.valid);
    this.#dispatch();
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    const [running, ...notStarted] = slot.jobs.splice(0);
    if (running !== undefined) {
      this.#running -= 1 + notStarted.length;
      const cause = slot.error ?? new Error(`Signature worker exited with code ${code}`);
      running.reject(new AppError('INTERNAL_ERROR', 'Signature check failed', { cause }));
      // Checks are pure, so retrying those the worker never reached is safe; they keep their turn.
      this.#queue.unshift(...notStarted);
    }
    if (this.#closed) return;
    if (!slot.ready) this.#startFailures += 1;
    if (this.#startFailures < MAX_CONSECUTIVE_START_FAILURES) {
      this.#spawn();
    } else if (this.#slots.size === 0) {
      // Respawning forever would spin; fail every check loudly instead.
      const cause = slot.error ?? new Error(`Signature worker exited with code ${code}`);
      this.#failure = new AppError('INTERNAL_ERROR', 'Signature workers cannot start', { cause });
      this.#markStarted(this.#failure);
      for (const queued of this.#queue.splice(0)) queued.reject(this.#failure);
    }
    // Otherwise wait: the next worker to become ready refills the pool.
    this.#dispatch();
  }
}

function defaultWorkerUrl(): URL {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./signatureWorker.${extension}`, import.meta.url);
}

/**
 * Loads a `.ts` worker (vitest, `tsx` dev runs) through tsx registered inside the worker. On Node 20,
 * `execArgv: ['--import', 'tsx']` runs in the worker but its hooks never reach the worker's entry
 * (ERR_UNKNOWN_FILE_EXTENSION), and a worker does not inherit the parent's hooks. tsx is resolved here,
 * so the worker finds it whatever the current directory; compiled `.js` workers never need it.
 */
function typeScriptBootstrap(workerUrl: URL): string {
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(workerUrl.href);
  return `import(${tsxApi}).then(({ register }) => { register(); return import(${entry}); });`;
}

function closedError(): AppError {
  return new AppError('INTERNAL_ERROR', 'Signature verifier is closed');
}
