import type { BlockRef } from '../chain/types.js';
import { REPLAY_MAX_EVENTS_PER_ROOM } from './RoomReplayBuffer.js';

/** Events pushed ahead of finality and kept per room (for retraction and resumes); past it, a reset. */
export const UNFINALIZED_MAX_EVENTS_PER_ROOM = REPLAY_MAX_EVENTS_PER_ROOM;

interface RoomEvents {
  ids: string[];
  frames: Buffer[];
}

export interface UnfinalizedBlock {
  block: BlockRef;
  /** The room events pushed from this block, per room, in order. */
  rooms: Map<number, RoomEvents>;
  /** Rooms with events in this block that were pushed but not kept (the room's bound was reached). */
  lost: Set<number>;
}

/**
 * Room events pushed from best blocks and not final yet, per block in chain order: what a
 * retraction takes back, and what a resume sends again after the final replay. Bounded per room:
 * events past the bound are pushed but not kept, and the room is marked lost in their block (a
 * retraction or resume of it then resets the room's clients instead of being exact).
 */
export class UnfinalizedEvents {
  readonly #blocks = new Map<string, UnfinalizedBlock>();
  readonly #maxPerRoom: number;

  constructor(maxEventsPerRoom = UNFINALIZED_MAX_EVENTS_PER_ROOM) {
    this.#maxPerRoom = maxEventsPerRoom;
  }

  add(block: BlockRef, roomId: number, id: string, frame: Buffer): void {
    let entry = this.#blocks.get(block.hash);
    if (!entry) {
      entry = { block, rooms: new Map(), lost: new Set() };
      this.#blocks.set(block.hash, entry);
    }
    if (this.#kept(roomId) >= this.#maxPerRoom) {
      entry.lost.add(roomId);
      return;
    }
    const room = entry.rooms.get(roomId) ?? { ids: [], frames: [] };
    entry.rooms.set(roomId, room);
    room.ids.push(id);
    room.frames.push(frame);
  }

  /** Removes and returns the block's events (it was finalized or retracted). */
  take(hash: string): UnfinalizedBlock | undefined {
    const entry = this.#blocks.get(hash);
    if (!entry) return undefined;
    this.#blocks.delete(hash);
    return entry;
  }

  /** The room's events kept over every block: at most 64 blocks (MAX_UNFINALIZED_BLOCKS) are ahead of finality. */
  #kept(roomId: number): number {
    let kept = 0;
    for (const entry of this.#blocks.values()) kept += entry.rooms.get(roomId)?.ids.length ?? 0;
    return kept;
  }

  /** The room's unfinalized frames in chain order; null when some were not kept. */
  frames(roomId: number): Buffer[] | null {
    const frames: Buffer[] = [];
    for (const entry of this.#blocks.values()) {
      if (entry.lost.has(roomId)) return null;
      frames.push(...(entry.rooms.get(roomId)?.frames ?? []));
    }
    return frames;
  }

  clear(): void {
    this.#blocks.clear();
  }
}
