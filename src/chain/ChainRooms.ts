import type { Logger } from 'pino';
import { AccessLookups } from './AccessLookups.js';
import type { ChainClient } from './ChainClient.js';
import type { ChainBlock } from './livestreamEvents.js';
import { RoomIndex, type RoomPage, type RoomQuery } from './RoomIndex.js';
import { changedRoomIds } from './roomEvents.js';
import type { BlockRef, ChainRoom, RoomStatus, ServedBlock } from './types.js';

export interface ChainRoomsOptions {
  chain: ChainClient;
  logger: Logger;
}

/**
 * Rooms and access facts as of the last block the pipeline applied (the best block, or the
 * finalized one when nothing is ahead of finality): the room index is loaded at a
 * (re)start and each changed room is re-read at the block that changed it; ticket, blacklist and
 * co-host answers are read at that block and cached until an event changes them.
 */
export class ChainRooms {
  readonly #index = new RoomIndex();
  readonly #lookups: AccessLookups;
  readonly #chain: ChainClient;
  readonly #log: Logger;
  /**
   * The block whose state the index and the lookups show. It moves together with the cache
   * invalidation, before the follower's cursor (which waits for every later stage): a lookup
   * made in between must read the new block, or it would cache the old answer.
   */
  #applied: BlockRef | null = null;
  /** The number of the last finalized head the pipeline applied: blocks up to it are final. */
  #finalizedNumber: number | null = null;

  constructor(options: ChainRoomsOptions) {
    this.#chain = options.chain;
    this.#log = options.logger.child({ module: 'rooms' });
    this.#lookups = new AccessLookups({ chain: this.#chain, at: () => this.#applied?.hash ?? null });
  }

  /** Replaces everything with the chain's state at `head` (start, or another chain). */
  async load(head: BlockRef): Promise<void> {
    const started = Date.now();
    const rooms = await this.#chain.rooms(head.hash);
    this.#index.load(rooms);
    this.#lookups.clear();
    this.#applied = head;
    // Following (re)starts at a finalized head.
    this.#finalizedNumber = head.number;
    this.#log.info(
      { rooms: rooms.length, block: head.number, ms: Date.now() - started },
      'room index loaded',
    );
  }

  /** Re-reads, at the block, each room its events changed. */
  applyRoomChanges(block: ChainBlock): Promise<void> {
    return this.#reread(block, block);
  }

  /** The block left the best chain: each room its events changed is read again at `parent`. */
  revertRoomChanges(block: ChainBlock, parent: BlockRef): Promise<void> {
    return this.#reread(block, parent);
  }

  async #reread(block: ChainBlock, at: BlockRef): Promise<void> {
    const ids = changedRoomIds(block.events);
    if (ids.length === 0) return;
    for (const [id, room] of await this.#chain.roomsById(ids, at.hash)) this.#index.put(id, room);
  }

  /** Drops the cached answers the block's events changed; later reads are made at the block. */
  applyAccessChanges(block: ChainBlock): void {
    this.#lookups.apply(block.events);
    this.#applied = { number: block.number, hash: block.hash };
  }

  /** The block left the best chain: what it changed is dropped again, reads move to `parent`. */
  revertAccessChanges(block: ChainBlock, parent: BlockRef): void {
    this.#lookups.apply(block.events);
    this.#applied = parent;
  }

  /** Finality advanced to `head`: the served block is final once `head` reaches it. */
  finalityAdvanced(head: BlockRef): void {
    this.#finalizedNumber = head.number;
  }

  /** The block whose state is served, and whether it is final yet (null before the first load). */
  get block(): ServedBlock | null {
    if (this.#applied === null) return null;
    const final = this.#finalizedNumber !== null && this.#applied.number <= this.#finalizedNumber;
    return { number: this.#applied.number, hash: this.#applied.hash, final };
  }

  /** True when token checks can be answered: the chain is up and the index is loaded. */
  get available(): boolean {
    return this.#chain.status === 'connected' && this.#index.loaded && this.#applied !== null;
  }

  get loaded(): boolean {
    return this.#index.loaded;
  }

  get size(): number {
    return this.#index.size;
  }

  /** Changes whenever any room changes. */
  get version(): number {
    return this.#index.version;
  }

  get(roomId: number): ChainRoom | undefined {
    return this.#index.get(roomId);
  }

  query(query: RoomQuery): RoomPage {
    return this.#index.query(query);
  }

  idsWithStatus(status: RoomStatus): readonly number[] {
    return this.#index.idsWithStatus(status);
  }

  hasTicket(roomId: number, accountId: Uint8Array): Promise<boolean> {
    return this.#lookups.hasTicket(roomId, accountId);
  }

  isBlacklisted(roomId: number, accountId: Uint8Array): Promise<boolean> {
    return this.#lookups.isBlacklisted(roomId, accountId);
  }

  coHosts(roomId: number): Promise<string[]> {
    return this.#lookups.coHosts(roomId);
  }

  /** The room's kicked accounts (SS58-42). */
  blacklist(roomId: number): Promise<string[]> {
    return this.#lookups.blacklist(roomId);
  }

  /** Changes whenever an applied event may have changed a ticket, blacklist or co-host answer. */
  get accessEpoch(): number {
    return this.#lookups.epoch;
  }
}
