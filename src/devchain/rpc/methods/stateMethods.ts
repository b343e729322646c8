import { hexToU8a } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Hex, StoredBlock } from '../../BlockStore.js';
import type { DevChain } from '../../DevChain.js';
import { RUNTIME_APIS, RUNTIME_VERSION } from '../../metadata/stardustMetadata.js';
import { blockAt } from '../blockLookup.js';
import type { RpcConnection } from '../RpcConnection.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { RPC_ERROR, RpcError } from '../RpcError.js';
import { hexParam, optionalHexParam } from '../rpcParams.js';
import { runtimeApiCall } from '../runtimeApiCall.js';

/** As a node's `rpc-max-keys-paged`. */
export const MAX_KEYS_PAGED = 1000;
export const MAX_QUERY_KEYS = 1000;

export function runtimeVersionJson() {
  return { ...RUNTIME_VERSION, apis: RUNTIME_APIS.map(([id, version]) => [id, version]) };
}

/** `state_*`: storage reads and subscriptions, metadata, runtime version and runtime calls. */
export function stateMethods(chain: DevChain): RpcMethods {
  const eventsKey = chain.runtime.newOverlay().key('System.Events');
  // A client reading a block's events tells the extrinsic watchers of its connection.
  const storageAt = (key: unknown, at: StoredBlock, conn?: RpcConnection): Hex | null => {
    const normalized = hexParam(key, 'storage key');
    if (conn && normalized === eventsKey) for (const relay of conn.relays) relay.eventsRead(at.hash);
    return chain.store.get(normalized, at);
  };
  const keysParam = (keys: unknown): Hex[] => {
    if (!Array.isArray(keys) || keys.length > MAX_QUERY_KEYS) {
      throw RpcError.invalidParams(`at most ${MAX_QUERY_KEYS} keys`);
    }
    return keys.map((k) => hexParam(k, 'storage key'));
  };
  const unsubscribe = (p: unknown[], conn: RpcConnection) => conn.unsubscribe(p[0]);
  // The runtime never upgrades: the initial notification is the only one.
  const subscribeRuntimeVersion = (_p: unknown[], conn: RpcConnection) =>
    conn.subscribe('runtimeVersion', 'state_runtimeVersion', (emit) => {
      emit(runtimeVersionJson());
      return () => undefined;
    });

  return {
    state_getRuntimeVersion: (p) => {
      blockAt(chain, p[0]);
      return runtimeVersionJson();
    },
    chain_getRuntimeVersion: () => runtimeVersionJson(),
    state_getMetadata: (p) => {
      blockAt(chain, p[0]);
      return chain.metadata.toHex();
    },
    state_call: (p) => runtimeApiCall(chain, String(p[0]), p[1], blockAt(chain, p[2])),
    state_getStorage: (p, conn) => storageAt(p[0], blockAt(chain, p[1]), conn),
    state_getStorageAt: (p, conn) => storageAt(p[0], blockAt(chain, p[1]), conn),
    state_getStorageHash: (p) => {
      const value = storageAt(p[0], blockAt(chain, p[1]));
      return value === null ? null : blake2AsHex(hexToU8a(value));
    },
    state_getStorageSize: (p) => {
      const value = storageAt(p[0], blockAt(chain, p[1]));
      return value === null ? null : (value.length - 2) / 2;
    },
    state_queryStorageAt: (p, conn) => {
      const keys = keysParam(p[0]);
      const at = blockAt(chain, p[1]);
      return [{ block: at.hash, changes: keys.map((k) => [k, storageAt(k, at, conn)]) }];
    },
    state_getKeysPaged: (p) => {
      const [prefix, count, startKey, hash] = p;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_KEYS_PAGED) {
        throw new RpcError(
          RPC_ERROR.invalidParams,
          `count exceeds maximum value. value: ${String(count)}, max: ${MAX_KEYS_PAGED}`,
        );
      }
      const start = typeof startKey === 'string' ? optionalHexParam(startKey, 'start key') : undefined;
      return chain.store.keysPaged(hexParam(prefix, 'prefix'), count, start, blockAt(chain, hash));
    },
    state_getKeys: (p) =>
      chain.store.keysPaged(hexParam(p[0], 'prefix'), MAX_KEYS_PAGED, undefined, blockAt(chain, p[1])),
    state_subscribeRuntimeVersion: subscribeRuntimeVersion,
    chain_subscribeRuntimeVersion: subscribeRuntimeVersion,
    state_unsubscribeRuntimeVersion: unsubscribe,
    chain_unsubscribeRuntimeVersion: unsubscribe,
    state_subscribeStorage: (p, conn) => {
      const keys = keysParam(p[0]);
      return conn.subscribe('storage', 'state_storage', (emit) => {
        const last = new Map<Hex, Hex | null>();
        const push = (block: StoredBlock, initial: boolean) => {
          const changes: [Hex, Hex | null][] = [];
          for (const key of keys) {
            const value = chain.store.get(key, block);
            if (initial || last.get(key) !== value) changes.push([key, value]);
            last.set(key, value);
          }
          if (initial || changes.length > 0) emit({ block: block.hash, changes });
        };
        push(chain.head, true);
        const listener = (block: StoredBlock) => push(block, false);
        chain.on('newHead', listener);
        return () => chain.off('newHead', listener);
      });
    },
    state_unsubscribeStorage: unsubscribe,
  };
}
