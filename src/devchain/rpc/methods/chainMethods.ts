import type { Hex, StoredBlock } from '../../BlockStore.js';
import type { DevChain } from '../../DevChain.js';
import { blockOrNull } from '../blockLookup.js';
import type { RpcConnection } from '../RpcConnection.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { blockNumberParam } from '../rpcParams.js';

/**
 * `chain_*`: blocks, headers and head subscriptions (with the node's aliases). Numbers answer the
 * best chain; new heads are the best head (on a re-org, the new one), all heads every imported block.
 */
export function chainMethods(chain: DevChain): RpcMethods {
  const blockHash = (n: unknown): Hex | null =>
    n === undefined || n === null
      ? chain.head.hash
      : (chain.store.byNumber(blockNumberParam(n))?.hash ?? null);
  const subscribeHeads =
    (source: 'imported' | 'newHead' | 'finalized', notification: string) =>
    (_p: unknown[], conn: RpcConnection) =>
      conn.subscribe('heads', notification, (emit) => {
        emit((source === 'finalized' ? chain.finalized : chain.head).header);
        const listener = (block: StoredBlock) => emit(block.header);
        chain.on(source, listener);
        return () => chain.off(source, listener);
      });
  const newHeads = subscribeHeads('newHead', 'chain_newHead');
  const finalizedHeads = subscribeHeads('finalized', 'chain_finalizedHead');
  const unsubscribe = (p: unknown[], conn: RpcConnection) => conn.unsubscribe(p[0]);

  return {
    chain_getBlockHash: (p) => (Array.isArray(p[0]) ? p[0].map(blockHash) : blockHash(p[0])),
    chain_getHead: () => chain.head.hash,
    chain_getHeader: (p) => blockOrNull(chain, p[0])?.header ?? null,
    chain_getBlock: (p) => {
      const block = blockOrNull(chain, p[0]);
      if (!block) return null;
      return { block: { header: block.header, extrinsics: block.extrinsics }, justifications: null };
    },
    chain_getFinalizedHead: () => chain.finalized.hash,
    chain_getFinalisedHead: () => chain.finalized.hash,
    chain_subscribeNewHeads: newHeads,
    chain_subscribeNewHead: newHeads,
    subscribe_newHead: newHeads,
    chain_subscribeFinalizedHeads: finalizedHeads,
    chain_subscribeFinalisedHeads: finalizedHeads,
    chain_subscribeAllHeads: subscribeHeads('imported', 'chain_allHead'),
    chain_unsubscribeNewHeads: unsubscribe,
    chain_unsubscribeNewHead: unsubscribe,
    unsubscribe_newHead: unsubscribe,
    chain_unsubscribeFinalizedHeads: unsubscribe,
    chain_unsubscribeFinalisedHeads: unsubscribe,
    chain_unsubscribeAllHeads: unsubscribe,
  };
}
