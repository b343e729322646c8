import { hexToU8a, isHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Hex, StoredBlock } from '../../BlockStore.js';
import type { DevChain } from '../../DevChain.js';
import { ChainHeadFollow, type FollowEvent } from '../chainHead/ChainHeadFollow.js';
import type { RpcConnection } from '../RpcConnection.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { RPC_ERROR, RpcError } from '../RpcError.js';
import { hexParam } from '../rpcParams.js';
import { runtimeApiCall } from '../runtimeApiCall.js';

/** The spec's minimum of follow subscriptions a client may hold; beyond it a new one stops at once. */
export const MAX_FOLLOWS_PER_CONNECTION = 4;
/** Storage items sent in one `operationStorageItems` before waiting for `chainHead_v1_continue`. */
export const STORAGE_ITEMS_PER_NOTIFICATION = 256;
/** Items one `chainHead_v1_storage` accepts; the rest are `discardedItems`. */
export const MAX_STORAGE_QUERY_ITEMS = 1024;

type StorageQueryType =
  | 'value'
  | 'hash'
  | 'closestDescendantMerkleValue'
  | 'descendantsValues'
  | 'descendantsHashes';
const QUERY_TYPES = new Set<StorageQueryType>([
  'value',
  'hash',
  'closestDescendantMerkleValue',
  'descendantsValues',
  'descendantsHashes',
]);

/** `chainHead_v1_*` of the new JSON-RPC spec: follow with pinning, and operations on pinned blocks. */
export function chainHeadMethods(chain: DevChain): RpcMethods {
  const follows = new WeakMap<RpcConnection, Map<string, ChainHeadFollow>>();
  const followsOf = (conn: RpcConnection) => {
    let map = follows.get(conn);
    if (!map) {
      map = new Map();
      follows.set(conn, map);
    }
    return map;
  };
  const follow = (conn: RpcConnection, id: unknown): ChainHeadFollow | undefined =>
    typeof id === 'string' ? followsOf(conn).get(id) : undefined;

  const headerHex = (block: StoredBlock): Hex =>
    chain.registry.createType('Header', block.header).toHex() as Hex;

  return {
    chainHead_v1_follow: (p, conn) => {
      if (typeof p[0] !== 'boolean') throw RpcError.invalidParams('withRuntime must be a boolean');
      const withRuntime = p[0];
      const map = followsOf(conn);
      let instance: ChainHeadFollow | undefined;
      let id = '';
      id = conn.subscribe('chainHeadFollow', 'chainHead_v1_followEvent', (emit) => {
        if (map.size > MAX_FOLLOWS_PER_CONNECTION) {
          emit({ event: 'stop' });
          map.delete(id);
          return () => undefined;
        }
        instance?.start();
        return () => {
          instance?.close();
          map.delete(id);
        };
      });
      instance = new ChainHeadFollow(
        chain,
        withRuntime,
        (event: FollowEvent) => conn.notify('chainHead_v1_followEvent', id, event),
        () => {
          map.delete(id);
          conn.unsubscribe(id);
        },
      );
      map.set(id, instance);
      return id;
    },
    chainHead_v1_unfollow: (p, conn) => {
      conn.unsubscribe(p[0]);
      return null;
    },
    chainHead_v1_header: (p, conn) => {
      const f = follow(conn, p[0]);
      hexParam(p[1], 'hash');
      if (!f) return null;
      return headerHex(f.pinnedBlock(p[1]));
    },
    chainHead_v1_body: (p, conn) => {
      hexParam(p[1], 'hash');
      const f = follow(conn, p[0]);
      if (!f) return { result: 'limitReached' };
      const block = f.pinnedBlock(p[1]);
      return f.operation((operationId, done) => {
        f.emit({ event: 'operationBodyDone', operationId, value: block.extrinsics });
        done();
      });
    },
    chainHead_v1_call: (p, conn) => {
      hexParam(p[1], 'hash');
      if (typeof p[2] !== 'string') throw RpcError.invalidParams('function');
      // polkadot-api sends "" for no parameters.
      const parameters = p[3] === '' ? '0x' : hexParam(p[3], 'callParameters');
      const f = follow(conn, p[0]);
      if (!f) return { result: 'limitReached' };
      if (!f.withRuntime) throw RpcError.invalidParams('the follow subscription was made without runtime');
      const block = f.pinnedBlock(p[1]);
      const fn = p[2];
      return f.operation((operationId, done) => {
        try {
          const output = runtimeApiCall(chain, fn, parameters, block);
          f.emit({ event: 'operationCallDone', operationId, output });
        } catch (error) {
          f.emit({
            event: 'operationError',
            operationId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
        done();
      });
    },
    chainHead_v1_storage: (p, conn) => {
      hexParam(p[1], 'hash');
      const items = storageItemsParam(p[2]);
      if (p[3] !== undefined && p[3] !== null) throw RpcError.invalidParams('child tries are not supported');
      const f = follow(conn, p[0]);
      if (!f) return { result: 'limitReached' };
      const block = f.pinnedBlock(p[1]);
      const accepted = items.slice(0, MAX_STORAGE_QUERY_ITEMS);
      const started = f.operation((operationId, done) => {
        const results = storageResults(chain, block, accepted);
        const send = (from: number) => {
          if (!f.isActive(operationId)) return;
          const chunk = results.slice(from, from + STORAGE_ITEMS_PER_NOTIFICATION);
          if (chunk.length > 0) f.emit({ event: 'operationStorageItems', operationId, items: chunk });
          const next = from + STORAGE_ITEMS_PER_NOTIFICATION;
          if (next < results.length) {
            f.waitForContinue(operationId, () => send(next));
            return;
          }
          f.emit({ event: 'operationStorageDone', operationId });
          done();
        };
        send(0);
      });
      return 'operationId' in started
        ? { ...started, discardedItems: items.length - accepted.length }
        : started;
    },
    chainHead_v1_unpin: (p, conn) => {
      const hashes = Array.isArray(p[1]) ? p[1] : [p[1]];
      for (const h of hashes) hexParam(h, 'hash');
      follow(conn, p[0])?.unpin(hashes);
      return null;
    },
    chainHead_v1_continue: (p, conn) => {
      const f = follow(conn, p[0]);
      if (f) f.continue(p[1]);
      return null;
    },
    chainHead_v1_stopOperation: (p, conn) => {
      follow(conn, p[0])?.stopOperation(p[1]);
      return null;
    },
  };
}

interface StorageQuery {
  key: Hex;
  type: StorageQueryType;
}

function storageItemsParam(value: unknown): StorageQuery[] {
  if (!Array.isArray(value)) throw RpcError.invalidParams('items must be an array');
  return value.map((item) => {
    const { key, type } = (item ?? {}) as { key?: unknown; type?: unknown };
    if (typeof key !== 'string' || !isHex(key) || !QUERY_TYPES.has(type as StorageQueryType)) {
      throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: storage item');
    }
    return { key: key.toLowerCase() as Hex, type: type as StorageQueryType };
  });
}

const hashOf = (value: Hex): Hex => blake2AsHex(hexToU8a(value)) as Hex;

function storageResults(chain: DevChain, block: StoredBlock, queries: StorageQuery[]): object[] {
  const out: object[] = [];
  for (const { key, type } of queries) {
    if (type === 'value' || type === 'hash') {
      const value = chain.store.get(key, block);
      if (value !== null) out.push(type === 'value' ? { key, value } : { key, hash: hashOf(value) });
      continue;
    }
    const keys = allKeys(chain, block, key);
    if (type === 'closestDescendantMerkleValue') {
      // Not a trie: a hash over the descendants stands in for the Merkle value (it changes with them).
      if (keys.length > 0) {
        const joined = keys.map((k) => `${k}${chain.store.get(k, block) ?? ''}`).join('');
        out.push({ key, closestDescendantMerkleValue: blake2AsHex(joined) });
      }
      continue;
    }
    for (const k of keys) {
      const value = chain.store.get(k, block);
      if (value === null) continue;
      out.push(type === 'descendantsValues' ? { key: k, value } : { key: k, hash: hashOf(value) });
    }
  }
  return out;
}

const KEYS_PAGE = 1000;

function allKeys(chain: DevChain, block: StoredBlock, prefix: Hex): Hex[] {
  const keys: Hex[] = [];
  let start: Hex | undefined;
  for (;;) {
    const page = chain.store.keysPaged(prefix, KEYS_PAGE, start, block);
    keys.push(...page);
    if (page.length < KEYS_PAGE) return keys;
    start = page[page.length - 1];
  }
}
