import type { LiveKitGateway } from './LiveKitGateway.js';

/** How often the LiveKit server API is probed. */
export const LIVEKIT_PROBE_INTERVAL_MS = 15_000;

export type LiveKitStatus = 'connected' | 'disconnected';

/**
 * Whether LiveKit's server API answers, from a cheap call on a timer (so `/health` never waits
 * on LiveKit). Tokens do not depend on it: they are offline JWTs.
 */
export class LiveKitHealth {
  readonly #gateway: LiveKitGateway;
  readonly #intervalMs: number;
  #status: LiveKitStatus = 'disconnected';
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(status: LiveKitStatus) => void>();

  constructor(gateway: LiveKitGateway, intervalMs = LIVEKIT_PROBE_INTERVAL_MS) {
    this.#gateway = gateway;
    this.#intervalMs = intervalMs;
  }

  get status(): LiveKitStatus {
    return this.#status;
  }

  onChange(listener: (status: LiveKitStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#timer) return;
    void this.probe();
    this.#timer = setInterval(() => void this.probe(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async probe(): Promise<LiveKitStatus> {
    let next: LiveKitStatus;
    try {
      await this.#gateway.ping();
      next = 'connected';
    } catch {
      next = 'disconnected';
    }
    if (next !== this.#status) {
      this.#status = next;
      for (const listener of this.#listeners) listener(next);
    }
    return next;
  }
}
