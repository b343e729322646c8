import type { RoomPage, RoomQuery } from '../chain/RoomIndex.js';
import type { ChainRoom, ServedBlock } from '../chain/types.js';
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
  /** The block whose state `rooms` shows (`ChainRooms.block`); null until they are loaded. */
  servedBlock: () => ServedBlock | null;
}

/** A room over HTTP: its view and the block whose state it shows. */
export type RoomDetail = RoomView & { block: ServedBlock };

/**
 * The rooms as the apps read them, over HTTP and in `room:joined`: chain state plus current
 * viewers. Pages are serialized once per state, since the list is read far more often than it
 * changes.
 */
export class RoomViews {
  readonly #rooms: RoomSource;
  readonly #presence: Pick<ViewerPresence, 'count' | 'version'>;
  readonly #servedBlock: () => ServedBlock | null;
  readonly #pages = new RoomPageCache();

  constructor(options: RoomViewsOptions) {
    this.#rooms = options.rooms;
    this.#presence = options.presence;
    this.#servedBlock = options.servedBlock;
  }

  /** False until the index is loaded: then nothing can be answered yet. */
  get loaded(): boolean {
    return this.#rooms.loaded && this.#servedBlock() !== null;
  }

  has(roomId: number): boolean {
    return this.#rooms.get(roomId) !== undefined;
  }

  view(roomId: number): RoomView | undefined {
    const room = this.#rooms.get(roomId);
    return room && roomView(room, this.#presence.count(roomId));
  }

  /** The view with the block it shows (`GET /room/:id`); undefined for an unknown room. */
  detail(roomId: number): RoomDetail | undefined {
    const view = this.view(roomId);
    return view && Object.assign(view, { block: this.#block() });
  }

  viewers(roomId: number): number {
    return this.#presence.count(roomId);
  }

  /** `{rooms, total, page, limit, block}` serialized, with its ETag. */
  page(query: RoomQuery): JsonPage {
    const block = this.#block();
    // The served block is part of the page: a new block or its finality is a new page (and ETag).
    const version = `${this.#rooms.version}:${this.#presence.version}:${block.hash}:${block.final}`;
    const key = `${query.status ?? ''}|${query.type ?? ''}|${query.host ?? ''}|${query.page}|${query.limit}`;
    let page = this.#pages.get(version, key);
    if (page === undefined) {
      const found = this.#rooms.query(query);
      page = jsonPage({
        rooms: found.rooms.map((room) => roomView(room, this.#presence.count(room.id))),
        total: found.total,
        page: query.page,
        limit: query.limit,
        block,
      });
      this.#pages.set(version, key, page);
    }
    return page;
  }

  #block(): ServedBlock {
    const block = this.#servedBlock();
    if (block === null) throw new Error('rooms are not loaded yet');
    return block;
  }
}
