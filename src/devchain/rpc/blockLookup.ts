import type { StoredBlock } from '../BlockStore.js';
import type { DevChain } from '../DevChain.js';
import { RPC_ERROR, RpcError } from './RpcError.js';

/** The block at `hash` (the head when absent), or the node's UnknownBlock error (4003). */
export function blockAt(chain: DevChain, hash: unknown): StoredBlock {
  if (hash === undefined || hash === null) return chain.head;
  const block = typeof hash === 'string' ? chain.store.byHash(hash) : undefined;
  if (!block) {
    throw new RpcError(
      RPC_ERROR.unknownBlock,
      `Client error: UnknownBlock: Header was not found in the database: ${String(hash)}`,
    );
  }
  return block;
}

/** As `blockAt`, but null for an unknown hash (as `chain_getHeader` / `chain_getBlock` answer). */
export function blockOrNull(chain: DevChain, hash: unknown): StoredBlock | null {
  if (hash === undefined || hash === null) return chain.head;
  return (typeof hash === 'string' ? chain.store.byHash(hash) : undefined) ?? null;
}
