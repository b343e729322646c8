import type { ChainEvent } from './livestreamEvents.js';
import type { BlockHeader, BlockRef, ChainRoom } from './types.js';

export type ChainStatus = 'connected' | 'disconnected';

/**
 * Our view of the Stardust chain. Reads take the hash of the block to read at (the follower's
 * last processed finalized block), so that state and the events applied so far agree.
 */
export interface ChainClient {
  readonly status: ChainStatus;
  /** Called after every (re)connection once the client is ready, and on every disconnection. */
  onStatusChange(listener: (status: ChainStatus) => void): () => void;
  genesisHash(): string;
  finalizedHead(): Promise<BlockRef>;
  /** null when the chain has no block with that number. */
  blockHash(number: number): Promise<string | null>;
  /** null when the node does not know (or no longer keeps) a block with that hash. */
  header(hash: string): Promise<BlockHeader | null>;
  /** The Livestream events of one block, in order, with their ids. */
  livestreamEvents(block: BlockRef): Promise<ChainEvent[]>;
  /** New finalized heads; numbers may skip (the follower fills gaps). */
  subscribeFinalizedHeads(listener: (head: BlockRef) => void): Promise<() => void>;
  /** The node's best head, each time it changes (across re-orgs, it may go back or sideways). */
  subscribeNewHeads(listener: (head: BlockHeader) => void): Promise<() => void>;
  rooms(at: string): Promise<ChainRoom[]>;
  roomsById(ids: readonly number[], at: string): Promise<Map<number, ChainRoom | null>>;
  hasTicket(roomId: number, accountId: Uint8Array, at: string): Promise<boolean>;
  isBlacklisted(roomId: number, accountId: Uint8Array, at: string): Promise<boolean>;
  /** Everyone on the room's blacklist (kicked), as SS58-42 addresses; at most `limit` of them. */
  blacklist(roomId: number, limit: number, at: string): Promise<string[]>;
  /** Active co-hosts as SS58-42 addresses. */
  coHosts(roomId: number, at: string): Promise<string[]>;
  close(): Promise<void>;
}
