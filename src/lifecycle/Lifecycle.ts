/** A part of the running service with something to start (connect, listen, tick) or to stop. */
export interface Component {
  readonly name: string;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/**
 * The service's components, started one after the other in the order given and stopped in the
 * reverse order, so each runs while everything it uses does. A start that fails stops the ones
 * already started; stopping is idempotent.
 */
export class Lifecycle {
  readonly #components: readonly Component[];
  #started: Component[] = [];
  #stopping: Promise<void> | undefined;

  /** `undefined` entries are components this configuration does not have (no Redis: no relay). */
  constructor(components: readonly (Component | undefined)[]) {
    this.#components = components.filter((component): component is Component => component !== undefined);
  }

  get names(): string[] {
    return this.#components.map((component) => component.name);
  }

  async start(): Promise<void> {
    for (const component of this.#components) {
      try {
        await component.start?.();
      } catch (error) {
        await this.stop();
        throw new Error(`${component.name} failed to start`, { cause: error });
      }
      this.#started.push(component);
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const component of this.#started.reverse()) await component.stop?.();
      this.#started = [];
    })();
    return this.#stopping;
  }
}
