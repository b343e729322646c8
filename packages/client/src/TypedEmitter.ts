type Listener<E> = (event: E) => void;

/**
 * A small typed event emitter (no Node `events` in browsers). A listener that throws does not stop
 * the others or the caller: the failure goes to `onListenerError`.
 */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #onListenerError: (error: unknown, type: keyof Events) => void;

  constructor(onListenerError: (error: unknown, type: keyof Events) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Adds `listener` for `type`; returns the function that removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(type)?.delete(listener as Listener<never>);
  }

  listenerCount(type: keyof Events): number {
    return this.#listeners.get(type)?.size ?? 0;
  }

  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(event);
      } catch (error) {
        this.#onListenerError(error, type);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
