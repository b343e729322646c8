import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactToU8a, hexToU8a, isHex, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, decodeAddress } from '@polkadot/util-crypto';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Hex, StoredBlock } from './BlockStore.js';
import type { DevChain } from './DevChain.js';
import { ExtrinsicStatusRelay } from './ExtrinsicStatusRelay.js';
import { CHAIN_PROPERTIES, RUNTIME_APIS, RUNTIME_VERSION } from './metadata/stardustMetadata.js';
import { InvalidTransaction } from './runtime/Runtime.js';

/** Requests (and batches) larger than this are refused; the node's default is 15 MiB. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
export const MAX_BATCH_LENGTH = 256;
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 1024;
/** As a node's `rpc-max-keys-paged`. */
export const MAX_KEYS_PAGED = 1000;
export const MAX_QUERY_KEYS = 1000;

const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  unknownBlock: 4003,
  callFailed: 4002,
} as const;

class RpcError extends Error {
  readonly code: number;
  readonly data: string | undefined;
  constructor(code: number, message: string, data?: string) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

type Params = unknown[];
type Handler = (params: Params, conn: Connection) => unknown;

interface Subscription {
  method: string;
  close(): void;
}

interface Connection {
  socket: WebSocket;
  subscriptions: Map<string, Subscription>;
  /** Watched extrinsics, told when the client reads a block's events. */
  relays: Set<ExtrinsicStatusRelay>;
}

export interface DevChainServerOptions {
  host?: string;
  port?: number;
}

/**
 * Serves a `DevChain` over the Substrate JSON-RPC WebSocket protocol, as @polkadot/api 16 uses it.
 */
export class DevChainServer {
  readonly chain: DevChain;
  readonly #host: string;
  #port: number;
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  readonly #connections = new Set<Connection>();
  readonly #handlers: Record<string, Handler>;
  #nextSubscription = 1;
  readonly #eventsKey: Hex;

  constructor(chain: DevChain, options: DevChainServerOptions = {}) {
    this.chain = chain;
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
    this.#handlers = this.#buildHandlers();
    this.#eventsKey = chain.runtime.newOverlay().key('System.Events');
  }

  get url(): string {
    return `ws://${this.#host}:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<string> {
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Use a WebSocket connection\n');
    });
    const wss = new WebSocketServer({ server: http, maxPayload: MAX_REQUEST_BYTES });
    wss.on('connection', (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#port, this.#host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.#port = (http.address() as AddressInfo).port;
    this.#http = http;
    this.#wss = wss;
    return this.url;
  }

  /** Test hook: drop every client connection; the server keeps listening. */
  dropConnections(): void {
    for (const conn of this.#connections) conn.socket.terminate();
  }

  /** Stops listening and drops every connection; the chain keeps its state (start() again to serve it). */
  async stop(): Promise<void> {
    this.dropConnections();
    const wss = this.#wss;
    const http = this.#http;
    this.#wss = undefined;
    this.#http = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  #accept(socket: WebSocket): void {
    const conn: Connection = { socket, subscriptions: new Map(), relays: new Set() };
    this.#connections.add(conn);
    socket.on('message', (data, isBinary) => void this.#onMessage(conn, data, isBinary));
    socket.on('close', () => {
      for (const sub of conn.subscriptions.values()) sub.close();
      conn.subscriptions.clear();
      this.#connections.delete(conn);
    });
    socket.on('error', () => socket.terminate());
  }

  async #onMessage(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let request: unknown;
    try {
      request = JSON.parse(isBinary ? '' : data.toString());
    } catch {
      this.#send(conn, errorResponse(null, RPC_ERROR.parse, 'Parse error'));
      return;
    }
    if (Array.isArray(request)) {
      if (request.length === 0 || request.length > MAX_BATCH_LENGTH) {
        this.#send(conn, errorResponse(null, RPC_ERROR.invalidRequest, 'Invalid request: batch size'));
        return;
      }
      this.#send(conn, await Promise.all(request.map((r) => this.#handle(conn, r))));
      return;
    }
    this.#send(conn, await this.#handle(conn, request));
  }

  async #handle(conn: Connection, request: unknown): Promise<object> {
    if (typeof request !== 'object' || request === null) {
      return errorResponse(null, RPC_ERROR.invalidRequest, 'Invalid request');
    }
    const { id, method, params } = request as { id?: unknown; method?: unknown; params?: unknown };
    const rid = typeof id === 'number' || typeof id === 'string' ? id : null;
    if (typeof method !== 'string') return errorResponse(rid, RPC_ERROR.invalidRequest, 'Invalid request');
    const handler = this.#handlers[method];
    if (!handler) return errorResponse(rid, RPC_ERROR.methodNotFound, 'Method not found');
    if (params !== undefined && !Array.isArray(params)) {
      return errorResponse(rid, RPC_ERROR.invalidParams, 'Invalid params: expected an array');
    }
    try {
      return { jsonrpc: '2.0', id: rid, result: (await handler(params ?? [], conn)) ?? null };
    } catch (error) {
      if (error instanceof RpcError) return errorResponse(rid, error.code, error.message, error.data);
      if (error instanceof InvalidTransaction)
        return errorResponse(rid, error.code, error.rpcMessage, error.data);
      return errorResponse(rid, RPC_ERROR.internal, `Internal error: ${String(error)}`);
    }
  }

  #send(conn: Connection, message: object): void {
    if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(message));
  }

  #notify(conn: Connection, method: string, subscription: string, result: unknown): void {
    this.#send(conn, { jsonrpc: '2.0', method, params: { subscription, result } });
  }

  #subscribe(
    conn: Connection,
    method: string,
    notification: string,
    start: (emit: (result: unknown) => void) => () => void,
  ): string {
    if (conn.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw new RpcError(-32000, 'Too many subscriptions on the connection');
    }
    const id = `${(this.#nextSubscription++).toString(16).padStart(16, '0')}`;
    // The reply with the id goes out before the first notification.
    let stop: () => void = () => undefined;
    setImmediate(() => {
      if (!conn.subscriptions.has(id)) return;
      stop = start((result) => this.#notify(conn, notification, id, result));
    });
    conn.subscriptions.set(id, { method, close: () => stop() });
    return id;
  }

  #unsubscribe(conn: Connection, params: Params): boolean {
    const id = String(params[0]);
    const sub = conn.subscriptions.get(id);
    if (!sub) return false;
    sub.close();
    conn.subscriptions.delete(id);
    return true;
  }

  #block(hash: unknown): StoredBlock {
    if (hash === undefined || hash === null) return this.chain.head;
    const block = typeof hash === 'string' ? this.chain.store.byHash(hash) : undefined;
    if (!block) {
      throw new RpcError(
        RPC_ERROR.unknownBlock,
        `Client error: UnknownBlock: Header was not found in the database: ${String(hash)}`,
      );
    }
    return block;
  }

  #storageAt(key: unknown, at: StoredBlock, conn?: Connection): Hex | null {
    if (typeof key !== 'string' || !isHex(key))
      throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: storage key');
    const normalized = key.toLowerCase() as Hex;
    if (conn && normalized === this.#eventsKey) for (const relay of conn.relays) relay.eventsRead(at.hash);
    return this.chain.store.get(normalized, at);
  }

  #buildHandlers(): Record<string, Handler> {
    const chain = this.chain;
    // chain_getHeader / chain_getBlock answer null for an unknown hash, as a node does.
    const blockOrNull = (hash: unknown): StoredBlock | null => {
      if (hash === undefined || hash === null) return chain.head;
      return (typeof hash === 'string' ? chain.store.byHash(hash) : undefined) ?? null;
    };
    const blockHash = (n: unknown): Hex | null => {
      if (n === undefined || n === null) return chain.head.hash;
      const num = typeof n === 'string' ? Number.parseInt(n, n.startsWith('0x') ? 16 : 10) : n;
      if (typeof num !== 'number' || !Number.isSafeInteger(num) || num < 0) {
        throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: block number');
      }
      return chain.store.byNumber(num)?.hash ?? null;
    };
    const runtimeVersion = () => ({
      ...RUNTIME_VERSION,
      apis: RUNTIME_APIS.map(([id, version]) => [id, version]),
    });
    const subscribeHeads = (source: 'newHead' | 'finalized') => (_p: Params, conn: Connection) =>
      this.#subscribe(
        conn,
        'heads',
        source === 'newHead' ? 'chain_newHead' : 'chain_finalizedHead',
        (emit) => {
          emit((source === 'newHead' ? chain.head : chain.finalized).header);
          const listener = (block: StoredBlock) => emit(block.header);
          chain.on(source, listener);
          return () => chain.off(source, listener);
        },
      );
    const subscribeAllHeads = (_p: Params, conn: Connection) =>
      this.#subscribe(conn, 'heads', 'chain_allHead', (emit) => {
        emit(chain.head.header);
        const listener = (block: StoredBlock) => emit(block.header);
        chain.on('newHead', listener);
        return () => chain.off('newHead', listener);
      });
    const unsubscribe = (p: Params, conn: Connection) => this.#unsubscribe(conn, p);
    // The runtime never upgrades: the initial notification is the only one.
    const subscribeRuntimeVersion = (_p: Params, conn: Connection) =>
      this.#subscribe(conn, 'runtimeVersion', 'state_runtimeVersion', (emit) => {
        emit(runtimeVersion());
        return () => undefined;
      });

    const handlers: Record<string, Handler> = {
      rpc_methods: () => ({ version: 1, methods: Object.keys(handlers).sort() }),
      system_chain: () => 'Stardust Development',
      system_name: () => 'Stardust Dev Chain',
      system_version: () => '1.0.0-devchain',
      system_chainType: () => 'Development',
      system_properties: () => ({ ...CHAIN_PROPERTIES }),
      system_health: () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }),
      system_peers: () => [],
      system_accountNextIndex: (p) => chain.nextNonce(accountId(p[0])),

      chain_getBlockHash: (p) => (Array.isArray(p[0]) ? p[0].map(blockHash) : blockHash(p[0])),
      chain_getHead: () => chain.head.hash,
      chain_getHeader: (p) => blockOrNull(p[0])?.header ?? null,
      chain_getBlock: (p) => {
        const block = blockOrNull(p[0]);
        if (!block) return null;
        return { block: { header: block.header, extrinsics: block.extrinsics }, justifications: null };
      },
      chain_getFinalizedHead: () => chain.finalized.hash,
      chain_getFinalisedHead: () => chain.finalized.hash,
      chain_subscribeNewHeads: subscribeHeads('newHead'),
      chain_subscribeNewHead: subscribeHeads('newHead'),
      subscribe_newHead: subscribeHeads('newHead'),
      chain_subscribeFinalizedHeads: subscribeHeads('finalized'),
      chain_subscribeFinalisedHeads: subscribeHeads('finalized'),
      chain_subscribeAllHeads: subscribeAllHeads,
      chain_unsubscribeNewHeads: unsubscribe,
      chain_unsubscribeNewHead: unsubscribe,
      unsubscribe_newHead: unsubscribe,
      chain_unsubscribeFinalizedHeads: unsubscribe,
      chain_unsubscribeFinalisedHeads: unsubscribe,
      chain_unsubscribeAllHeads: unsubscribe,

      state_getRuntimeVersion: (p) => {
        this.#block(p[0]);
        return runtimeVersion();
      },
      chain_getRuntimeVersion: () => runtimeVersion(),
      state_getMetadata: (p) => {
        this.#block(p[0]);
        return chain.metadata.toHex();
      },
      state_call: (p) => this.#stateCall(String(p[0]), p[1], this.#block(p[2])),
      state_getStorage: (p, conn) => this.#storageAt(p[0], this.#block(p[1]), conn),
      state_getStorageAt: (p, conn) => this.#storageAt(p[0], this.#block(p[1]), conn),
      state_getStorageHash: (p) => {
        const value = this.#storageAt(p[0], this.#block(p[1]));
        return value === null ? null : blake2AsHex(hexToU8a(value));
      },
      state_getStorageSize: (p) => {
        const value = this.#storageAt(p[0], this.#block(p[1]));
        return value === null ? null : (value.length - 2) / 2;
      },
      state_queryStorageAt: (p, conn) => {
        const keys = p[0];
        if (!Array.isArray(keys) || keys.length > MAX_QUERY_KEYS) {
          throw new RpcError(RPC_ERROR.invalidParams, `Invalid params: at most ${MAX_QUERY_KEYS} keys`);
        }
        const at = this.#block(p[1]);
        return [{ block: at.hash, changes: keys.map((k) => [k, this.#storageAt(k, at, conn)]) }];
      },
      state_getKeysPaged: (p) => {
        const [prefix, count, startKey, hash] = p;
        if (typeof prefix !== 'string' || !isHex(prefix))
          throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: prefix');
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_KEYS_PAGED) {
          throw new RpcError(
            RPC_ERROR.invalidParams,
            `count exceeds maximum value. value: ${String(count)}, max: ${MAX_KEYS_PAGED}`,
          );
        }
        const start =
          typeof startKey === 'string' && isHex(startKey) ? (startKey.toLowerCase() as Hex) : undefined;
        return chain.store.keysPaged(prefix.toLowerCase() as Hex, count, start, this.#block(hash));
      },
      state_getKeys: (p) => {
        const prefix = p[0];
        if (typeof prefix !== 'string' || !isHex(prefix))
          throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: prefix');
        return chain.store.keysPaged(
          prefix.toLowerCase() as Hex,
          MAX_KEYS_PAGED,
          undefined,
          this.#block(p[1]),
        );
      },
      state_subscribeRuntimeVersion: subscribeRuntimeVersion,
      chain_subscribeRuntimeVersion: subscribeRuntimeVersion,
      state_unsubscribeRuntimeVersion: unsubscribe,
      chain_unsubscribeRuntimeVersion: unsubscribe,
      state_subscribeStorage: (p, conn) => {
        const keys = p[0];
        if (
          !Array.isArray(keys) ||
          keys.length > MAX_QUERY_KEYS ||
          !keys.every((k) => typeof k === 'string' && isHex(k))
        ) {
          throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: keys');
        }
        const normalized = keys.map((k) => String(k).toLowerCase() as Hex);
        return this.#subscribe(conn, 'storage', 'state_storage', (emit) => {
          const last = new Map<Hex, Hex | null>();
          const push = (block: StoredBlock, initial: boolean) => {
            const changes: [Hex, Hex | null][] = [];
            for (const key of normalized) {
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

      author_submitExtrinsic: (p) => chain.submit(extrinsicParam(p[0])),
      author_submitAndWatchExtrinsic: (p, conn) => {
        const hex = extrinsicParam(p[0]);
        const relay = new ExtrinsicStatusRelay(() => conn.relays.delete(relay));
        // Validate synchronously so an invalid extrinsic is answered with an error, as by a node.
        chain.submit(hex, (status) => relay.push(status));
        conn.relays.add(relay);
        return this.#subscribe(conn, 'extrinsic', 'author_extrinsicUpdate', (emit) => {
          relay.attach(emit);
          return () => {
            relay.close();
            conn.relays.delete(relay);
          };
        });
      },
      author_unwatchExtrinsic: unsubscribe,
      author_pendingExtrinsics: () => chain.pendingExtrinsics,

      dev_newBlock: async (p) => {
        const options = (p[0] ?? {}) as { count?: unknown };
        const count =
          typeof options.count === 'number' && options.count > 0 ? Math.min(options.count, 1000) : 1;
        return (await chain.newBlocks(count)).hash;
      },
    };
    return handlers;
  }

  #stateCall(method: string, data: unknown, _at: StoredBlock): Hex {
    const input = typeof data === 'string' && isHex(data) ? hexToU8a(data) : new Uint8Array();
    const metadata = this.chain.metadata.toU8a();
    switch (method) {
      case 'Metadata_metadata':
        return u8aToHex(u8aConcat(compactToU8a(metadata.length), metadata));
      case 'Metadata_metadata_versions':
        return u8aToHex(u8aConcat(compactToU8a(1), le32(14)));
      case 'Metadata_metadata_at_version': {
        const version =
          input.length >= 4 ? new DataView(input.buffer, input.byteOffset).getUint32(0, true) : 0;
        return version === 14 ? u8aToHex(u8aConcat([1], compactToU8a(metadata.length), metadata)) : '0x00';
      }
      case 'AccountNonceApi_account_nonce':
        if (input.length !== 32)
          throw new RpcError(RPC_ERROR.callFailed, 'Execution failed: Could not decode AccountId');
        return u8aToHex(le32(this.chain.nextNonce(input)));
      default:
        throw new RpcError(
          RPC_ERROR.callFailed,
          `Client error: Execution failed: Other: Exported method ${method} is not found`,
        );
    }
  }
}

function errorResponse(id: unknown, code: number, message: string, data?: string): object {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

function extrinsicParam(value: unknown): string {
  if (typeof value !== 'string' || !isHex(value))
    throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: extrinsic');
  return value;
}

function accountId(value: unknown): Uint8Array {
  try {
    const id = decodeAddress(String(value));
    if (id.length !== 32) throw new Error('length');
    return id;
  } catch {
    throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: account');
  }
}

function le32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
