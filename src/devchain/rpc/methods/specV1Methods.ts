import type { Hex } from '../../BlockStore.js';
import type { DevChain, ExtrinsicStatus } from '../../DevChain.js';
import { CHAIN_PROPERTIES } from '../../metadata/stardustMetadata.js';
import { InvalidTransaction } from '../../runtime/Runtime.js';
import type { RpcConnection } from '../RpcConnection.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { RpcError } from '../RpcError.js';
import { extrinsicParam } from '../rpcParams.js';

export const CHAIN_NAME = 'Stardust Development';
/** Broadcasts a client may keep going at once; beyond it `transaction_v1_broadcast` answers null. */
export const MAX_BROADCASTS_PER_CONNECTION = 64;

/** `chainSpec_v1_*`, `transaction_v1_*` and `transactionWatch_v1_*` of the new JSON-RPC spec. */
export function specV1Methods(chain: DevChain): RpcMethods {
  const broadcasts = new WeakMap<RpcConnection, Set<string>>();
  let nextBroadcast = 1;

  /** `{hash, index}` of where an extrinsic landed. */
  const location = (blockHash: Hex, hex: string) => ({
    hash: blockHash,
    index: chain.store.byHash(blockHash)?.extrinsics.indexOf(hex.toLowerCase() as Hex) ?? 0,
  });

  return {
    chainSpec_v1_chainName: () => CHAIN_NAME,
    chainSpec_v1_genesisHash: () => chain.genesisHash,
    chainSpec_v1_properties: () => ({ ...CHAIN_PROPERTIES }),

    transaction_v1_broadcast: (p, conn) => {
      const hex = extrinsicParam(p[0]);
      let set = broadcasts.get(conn);
      if (!set) {
        set = new Set();
        broadcasts.set(conn, set);
      }
      if (set.size >= MAX_BROADCASTS_PER_CONNECTION) return null;
      const operationId = String(nextBroadcast++);
      set.add(operationId);
      // A broadcast reports nothing back: an invalid transaction is simply not included.
      try {
        chain.submit(hex);
      } catch (error) {
        if (!(error instanceof InvalidTransaction)) throw error;
      }
      return operationId;
    },
    transaction_v1_stop: (p, conn) => {
      const set = broadcasts.get(conn);
      if (typeof p[0] !== 'string' || !set?.delete(p[0])) throw RpcError.invalidParams('unknown operationId');
      return null;
    },

    transactionWatch_v1_submitAndWatch: (p, conn) => {
      const hex = extrinsicParam(p[0]);
      const early: ExtrinsicStatus[] = [];
      let deliver: ((status: ExtrinsicStatus) => void) | undefined;
      let refused: string | undefined;
      try {
        chain.submit(hex, (status) => (deliver ? deliver(status) : early.push(status)));
      } catch (error) {
        if (!(error instanceof InvalidTransaction)) throw error;
        refused = error.data;
      }
      return conn.subscribe('transactionWatch', 'transactionWatch_v1_watchEvent', (emit) => {
        if (refused !== undefined) {
          emit({ event: 'invalid', error: refused });
          return () => undefined;
        }
        let validated = false;
        deliver = (status) => {
          if ((status === 'ready' || status === 'future') && !validated) {
            validated = true;
            emit({ event: 'validated' });
          } else if (typeof status === 'object' && 'inBlock' in status) {
            if (!validated) emit({ event: 'validated' });
            validated = true;
            emit({ event: 'bestChainBlockIncluded', block: location(status.inBlock, hex) });
          } else if (typeof status === 'object' && 'retracted' in status) {
            // The spec's way to say the including block left the best chain.
            emit({ event: 'bestChainBlockIncluded', block: null });
          } else if (typeof status === 'object' && 'finalized' in status) {
            emit({ event: 'finalized', block: location(status.finalized, hex) });
          } else if (status === 'invalid') {
            emit({ event: 'invalid', error: 'The transaction is no longer valid' });
          } else if (status === 'dropped') {
            emit({ event: 'dropped', error: 'The transaction was dropped from the pool' });
          }
        };
        for (const status of early.splice(0)) deliver(status);
        return () => {
          deliver = () => undefined;
        };
      });
    },
    transactionWatch_v1_unwatch: (p, conn) => {
      if (!conn.unsubscribe(p[0])) throw RpcError.invalidParams('unknown subscription');
      return null;
    },
  };
}
