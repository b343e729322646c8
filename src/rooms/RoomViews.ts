import type { RoomPage, RoomQuery } from '../chain/RoomIndex.js';
import type { ChainRoom } from '../chain/types.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';
import { type JsonPage, jsonPage } from './jsonPage.js';
import { RoomPageCache } from './RoomPageCache.js';
import { type RoomView, roomView } from './roomView.js';

/** What the read model needs of the rooms as of the last block (`ChainRooms`). */
export interface RoomSource {
  readonly loaded: boolean;
  /** Changes whenever any room changes. */
  readonly version: number;
  get(roomId: number): ChainRoom | undefined;
  query(query: RoomQuery): RoomPage;
}

export interface RoomViewsOptions {
  rooms: RoomSource;
  presence: Pick<ViewerPresence, 'count' | 'version'>;
}

/**
 * The rooms as the apps read them, over HTTP and in `room:joined`: chain state plus current
 * viewers. Pages are serialized once per state, since the list is read far more often than it
 * changes.
 */
export class RoomViews {
  readonly #rooms: RoomSource;
  readonly #presence: Pick<ViewerPresence, 'count' | 'version'>;
  readonly #pages = new RoomPageCache();

  constructor(options: RoomViewsOptions) {
    this.#rooms = options.rooms;
    this.#presence = options.presence;
  }

  /** False until the index is loaded: then nothing can be answered yet. */
  get loaded(): boolean {
    return this.#rooms.loaded;
  }

  has(roomId: number): boolean {
    return this.#rooms.get(roomId) !== undefined;
  }

  view(roomId: number): RoomView | undefined {
    const room = this.#rooms.get(roomId);
    return room && roomView(room, this.#presence.count(roomId));
  }

  viewers(roomId: number): number {
    return this.#presence.count(roomId);
  }

  /** `{rooms, total, page, limit}` serialized, with its ETag. */
  page(query: RoomQuery): JsonPage {
    const version = `${this.#rooms.version}:${this.#presence.version}`;
    const key = `${query.status ?? ''}|${query.type ?? ''}|${query.host ?? ''}|${query.page}|${query.limit}`;
    let page = this.#pages.get(version, key);
    if (page === undefined) {
      const found = this.#rooms.query(query);
      page = jsonPage({
        rooms: found.rooms.map((room) => roomView(room, this.#presence.count(room.id))),
        total: found.total,
        page: query.page,
        limit: query.limit,
      });
      this.#pages.set(version, key, page);
    }
    return page;
  }
}
