/**
 * `viewers:count` frames per room at most once per this window: a burst of joins costs each member
 * one frame per window, not one per join (≤ 4 frames per second per room).
 */
export const VIEWERS_COUNT_WINDOW_MS = 250;

export interface TrailingCoalescerOptions<V> {
  windowMs: number;
  /** Told each key's latest value once per window, at its end. */
  deliver: (key: number, value: V) => void;
}

/**
 * Keeps the latest value per key and delivers it at the end of a window that the first value of a
 * quiet key opens (trailing edge: the last value always arrives, at most `windowMs` late). Values
 * that arrive meanwhile replace each other. Holds one value and one timer per key with a value
 * pending, so its size is bounded by the keys that changed within one window.
 */
export class TrailingCoalescer<V> {
  readonly #windowMs: number;
  readonly #deliver: (key: number, value: V) => void;
  readonly #pending = new Map<number, V>();
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #idleWaiters: (() => void)[] = [];

  constructor(options: TrailingCoalescerOptions<V>) {
    this.#windowMs = options.windowMs;
    this.#deliver = options.deliver;
  }

  push(key: number, value: V): void {
    this.#pending.set(key, value);
    if (this.#timers.has(key)) return;
    const timer = setTimeout(() => this.#flush(key), this.#windowMs);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** Resolves once every pending value has been delivered. */
  idle(): Promise<void> {
    if (this.#timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #flush(key: number): void {
    this.#timers.delete(key);
    const value = this.#pending.get(key) as V;
    this.#pending.delete(key);
    this.#deliver(key, value);
    if (this.#timers.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
