/** Collects values pushed by a subscription and lets a test await one that matches. */
export class Collector<T> {
  readonly values: T[] = [];
  readonly #waiters: { match: (value: T) => boolean; resolve: (value: T) => void }[] = [];

  readonly push = (value: T): void => {
    this.values.push(value);
    for (const waiter of [...this.#waiters]) {
      if (!waiter.match(value)) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(value);
    }
  };

  /** The first value (already seen or still to come) that matches. */
  next(match: (value: T) => boolean = () => true): Promise<T> {
    const seen = this.values.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<T>((resolve) => this.#waiters.push({ match, resolve }));
  }
}
