import type { ChainRoom, RoomStatus, RoomType } from './types.js';

export interface RoomQuery {
  status?: RoomStatus;
  type?: RoomType;
  /** SS58-42 address. */
  host?: string;
  page: number;
  limit: number;
}

export interface RoomPage {
  rooms: ChainRoom[];
  total: number;
}

/** Room ids in descending order (newest first), kept sorted on every change. */
class IdList {
  readonly ids: number[] = [];

  insert(id: number): void {
    const i = this.#position(id);
    if (this.ids[i] !== id) this.ids.splice(i, 0, id);
  }

  remove(id: number): void {
    const i = this.#position(id);
    if (this.ids[i] === id) this.ids.splice(i, 1);
  }

  #position(id: number): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ids[mid] as number) > id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const ALL = 'all';
const listKeys = (room: ChainRoom): string[] => [
  ALL,
  `s:${room.status}`,
  `t:${room.roomType}`,
  `s:${room.status}|t:${room.roomType}`,
  `h:${room.host}`,
];

function queryKey(query: RoomQuery): string {
  if (query.host) return `h:${query.host}`;
  if (query.status && query.type) return `s:${query.status}|t:${query.type}`;
  if (query.status) return `s:${query.status}`;
  if (query.type) return `t:${query.type}`;
  return ALL;
}

/**
 * Every room in memory, loaded once and kept current from finalized events, so that listing never
 * scans the chain. Each filter combination is a pre-sorted list: a page is a slice.
 */
export class RoomIndex {
  readonly #rooms = new Map<number, ChainRoom>();
  readonly #lists = new Map<string, IdList>();
  #loaded = false;
  #version = 0;

  get loaded(): boolean {
    return this.#loaded;
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** Changes whenever any room changes (for caches of derived answers). */
  get version(): number {
    return this.#version;
  }

  /** Replaces the whole index (start, or the chain changed). */
  load(rooms: Iterable<ChainRoom>): void {
    this.#rooms.clear();
    this.#lists.clear();
    const buckets = new Map<string, number[]>();
    for (const room of rooms) {
      this.#rooms.set(room.id, room);
      for (const key of listKeys(room)) {
        const ids = buckets.get(key);
        if (ids) ids.push(room.id);
        else buckets.set(key, [room.id]);
      }
    }
    for (const [key, ids] of buckets) {
      const list = new IdList();
      list.ids.push(...ids.sort((a, b) => b - a));
      this.#lists.set(key, list);
    }
    this.#loaded = true;
    this.#version++;
  }

  get(id: number): ChainRoom | undefined {
    return this.#rooms.get(id);
  }

  /** Stores the room's new state (null: the room no longer exists). */
  put(id: number, room: ChainRoom | null): void {
    this.#version++;
    const previous = this.#rooms.get(id);
    if (previous) for (const key of listKeys(previous)) this.#lists.get(key)?.remove(id);
    if (!room) {
      this.#rooms.delete(id);
      return;
    }
    this.#rooms.set(id, room);
    for (const key of listKeys(room)) {
      const list = this.#lists.get(key) ?? new IdList();
      this.#lists.set(key, list);
      list.insert(id);
    }
  }

  /** Ids of the rooms in `status`, newest first (no room objects built). */
  idsWithStatus(status: RoomStatus): readonly number[] {
    return this.#lists.get(`s:${status}`)?.ids ?? [];
  }

  query(query: RoomQuery): RoomPage {
    const ids = this.#lists.get(queryKey(query))?.ids ?? [];
    const matches =
      query.host && (query.status || query.type)
        ? ids.filter((id) => {
            const room = this.#rooms.get(id);
            return (
              room !== undefined &&
              (!query.status || room.status === query.status) &&
              (!query.type || room.roomType === query.type)
            );
          })
        : ids;
    const start = (query.page - 1) * query.limit;
    const rooms = matches
      .slice(start, start + query.limit)
      .map((id) => this.#rooms.get(id))
      .filter((room): room is ChainRoom => room !== undefined);
    return { rooms, total: matches.length };
  }
}
