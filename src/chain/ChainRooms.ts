import type { Logger } from 'pino';
import { AccessLookups } from './AccessLookups.js';
import type { ChainClient } from './ChainClient.js';
import type { FinalizedBlockFollower } from './FinalizedBlockFollower.js';
import { RoomIndex } from './RoomIndex.js';
import { changedRoomIds } from './roomEvents.js';

export interface ChainRoomsOptions {
  chain: ChainClient;
  follower: FinalizedBlockFollower;
  logger: Logger;
}

/**
 * Rooms and access facts as of the last processed finalized block: the room index is loaded at
 * the follower's (re)start and each changed room is re-read at the block that changed it.
 */
export class ChainRooms {
  readonly index = new RoomIndex();
  readonly lookups: AccessLookups;
  readonly #chain: ChainClient;
  readonly #follower: FinalizedBlockFollower;
  /**
   * The block whose state the index and the lookups show. It moves together with the cache
   * invalidation, before the follower's cursor (which waits for every later handler): a lookup
   * made in between must read the new block, or it would cache the old answer.
   */
  #appliedHash: string | null = null;

  constructor(options: ChainRoomsOptions) {
    this.#chain = options.chain;
    this.#follower = options.follower;
    const log = options.logger.child({ module: 'rooms' });
    this.lookups = new AccessLookups({ chain: this.#chain, at: () => this.#appliedHash });
    this.#follower.onReset(async (head) => {
      const started = Date.now();
      const rooms = await this.#chain.rooms(head.hash);
      this.index.load(rooms);
      this.lookups.clear();
      this.#appliedHash = head.hash;
      log.info({ rooms: rooms.length, block: head.number, ms: Date.now() - started }, 'room index loaded');
    });
    this.#follower.onBlock(async (block) => {
      const ids = changedRoomIds(block.events);
      if (ids.length > 0) {
        for (const [id, room] of await this.#chain.roomsById(ids, block.hash)) this.index.put(id, room);
      }
      this.lookups.apply(block.events);
      this.#appliedHash = block.hash;
    });
  }

  /** True when token checks can be answered: the chain is up and the index is loaded. */
  get available(): boolean {
    return this.#chain.status === 'connected' && this.index.loaded && this.#follower.cursor !== null;
  }
}
