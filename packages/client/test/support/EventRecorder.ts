import type { RealtimeConnection, RealtimeEvents } from '../../src/index.js';

/** Deadline of one awaited event (never a fixed sleep: a bound on a wait). */
export const EVENT_TIMEOUT_MS = 15_000;

export type Recorded = {
  [K in keyof RealtimeEvents]: { type: K; event: RealtimeEvents[K] };
}[keyof RealtimeEvents];

/**
 * Records every event of a connection in order (all types), and lets a test await the next one
 * that matches, consuming those before it.
 */
export class EventRecorder {
  readonly events: Recorded[] = [];
  #cursor = 0;
  readonly #wakers = new Set<() => void>();

  constructor(connection: RealtimeConnection, types: readonly (keyof RealtimeEvents)[]) {
    for (const type of types) {
      connection.on(type, (event) => {
        this.events.push({ type, event } as Recorded);
        for (const wake of [...this.#wakers]) wake();
      });
    }
  }

  /** Recorded events of `type`, consumed or not. */
  all<K extends keyof RealtimeEvents>(type: K): RealtimeEvents[K][] {
    return this.events.filter((r) => r.type === type).map((r) => r.event as RealtimeEvents[K]);
  }

  next<K extends keyof RealtimeEvents>(
    type: K,
    match: (event: RealtimeEvents[K]) => boolean = () => true,
    timeoutMs = EVENT_TIMEOUT_MS,
  ): Promise<RealtimeEvents[K]> {
    const find = () => {
      for (let i = this.#cursor; i < this.events.length; i++) {
        const recorded = this.events[i] as Recorded;
        if (recorded.type === type && match(recorded.event as RealtimeEvents[K])) {
          this.#cursor = i + 1;
          return recorded.event as RealtimeEvents[K];
        }
      }
      return undefined;
    };
    const now = find();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wakers.delete(wake);
        const seen = this.events.slice(this.#cursor).map((r) => r.type);
        reject(new Error(`no ${String(type)} within ${timeoutMs} ms; unconsumed: [${seen.join(', ')}]`));
      }, timeoutMs);
      const wake = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(found);
      };
      this.#wakers.add(wake);
    });
  }
}
