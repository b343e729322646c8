import type { JsonPage } from './jsonPage.js';

/** Most distinct pages kept for one state of the rooms (filters × pages actually requested). */
export const MAX_CACHED_PAGES = 1_000;

/** Serialized room pages of the current state; any change of state empties it. */
export class RoomPageCache {
  #version = '';
  readonly #pages = new Map<string, JsonPage>();

  get(version: string, key: string): JsonPage | undefined {
    return version === this.#version ? this.#pages.get(key) : undefined;
  }

  set(version: string, key: string, page: JsonPage): void {
    if (version !== this.#version || this.#pages.size >= MAX_CACHED_PAGES) {
      this.#pages.clear();
      this.#version = version;
    }
    this.#pages.set(key, page);
  }
}
