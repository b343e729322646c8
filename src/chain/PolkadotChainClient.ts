import { ApiPromise, WsProvider } from '@polkadot/api';
import type { QueryableStorageEntry } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { hexToNumber, hexToU8a } from '@polkadot/util';
import type { Logger } from 'pino';
import type { ChainClient, ChainStatus } from './ChainClient.js';
import { decodeRoom, toAddress, toEventValue } from './decodeChainValues.js';
import { decodeLiveRoomScale } from './decodeLiveRoomScale.js';
import { fastRoomDecoderAgrees } from './fastRoomDecoderAgrees.js';
import { type ChainEvent, decodeLivestreamEvent } from './livestreamEvents.js';
import type { BlockRef, ChainRoom, EventValue } from './types.js';

/** Reconnect delay of the WebSocket provider (it retries forever at this pace). */
export const CHAIN_RECONNECT_MS = 1_000;
/** A chain request that takes longer than this fails (the node is hung or overloaded). */
export const CHAIN_REQUEST_TIMEOUT_MS = 10_000;
/** `state_getKeysPaged` page size (the node's maximum). */
const ROOM_PAGE_SIZE = 1_000;

export interface PolkadotChainClientOptions {
  endpoint: string;
  logger: Logger;
  reconnectMs?: number;
  requestTimeoutMs?: number;
}

interface ChangeSet {
  block: string;
  changes: [string, string | null][];
}

interface EventRecordLike {
  event: { section: string; method: string; data: Codec[] & { names?: string[] | null } };
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The one `ChainClient` implementation: @polkadot/api over WebSocket. */
export class PolkadotChainClient implements ChainClient {
  readonly #api: ApiPromise;
  readonly #provider: WsProvider;
  readonly #logger: Logger;
  readonly #listeners = new Set<(status: ChainStatus) => void>();
  #status: ChainStatus = 'disconnected';
  #ready = false;
  /** Whether the hand decoder of LiveRoom matches this chain's metadata (checked once). */
  #fastRooms: boolean | undefined;

  constructor(options: PolkadotChainClientOptions) {
    this.#logger = options.logger;
    this.#provider = new WsProvider(
      options.endpoint,
      options.reconnectMs ?? CHAIN_RECONNECT_MS,
      {},
      options.requestTimeoutMs ?? CHAIN_REQUEST_TIMEOUT_MS,
    );
    this.#api = new ApiPromise({ provider: this.#provider, noInitWarn: true, throwOnConnect: false });
    this.#api.on('ready', () => {
      this.#ready = true;
      this.#setStatus('connected');
    });
    this.#api.on('connected', () => {
      // After a reconnection the api re-uses its metadata: it is usable at once.
      if (this.#ready) this.#setStatus('connected');
    });
    this.#api.on('disconnected', () => this.#setStatus('disconnected'));
    this.#api.on('error', (error: unknown) => this.#logger.warn({ err: error }, 'chain connection error'));
  }

  get status(): ChainStatus {
    return this.#status;
  }

  onStatusChange(listener: (status: ChainStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  genesisHash(): string {
    return this.#api.genesisHash.toHex();
  }

  async finalizedHead(): Promise<BlockRef> {
    const hash = (await this.#api.rpc.chain.getFinalizedHead()).toHex();
    // Raw calls here and wherever a block hash is passed: the decorated ones first look up the
    // runtime at that block through its parent, which fails for the genesis block of a chain other
    // than the one the api first connected to (a node restarted with a new genesis).
    const header = (await this.#api.rpc.chain.getHeader.raw(hash)) as { number?: unknown } | null;
    if (header === null || typeof header.number !== 'string') throw new Error(`no header for ${hash}`);
    return { number: hexToNumber(header.number), hash };
  }

  async blockHash(number: number): Promise<string | null> {
    const hash = await this.#api.rpc.chain.getBlockHash(number);
    return hash.isEmpty ? null : hash.toHex();
  }

  async livestreamEvents(block: BlockRef): Promise<ChainEvent[]> {
    // One RPC per block: System.Events read raw at the hash, decoded with the current metadata.
    const events = this.#storage('system', 'events');
    const raw = (await this.#api.rpc.state.getStorage.raw(events.key(), block.hash)) as string | null;
    if (raw === null) return [];
    const type = this.#api.registry.createLookupType(events.creator.meta.type.asPlain);
    const records = this.#api.registry.createType(type, raw) as unknown as EventRecordLike[];
    const out: ChainEvent[] = [];
    records.forEach((record, index) => {
      const { section, method, data } = record.event;
      if (section !== 'livestream') return;
      const names = data.names ?? [];
      const values: Record<string, EventValue> = {};
      names.forEach((name, i) => {
        const codec = data[i];
        if (codec) values[camel(name)] = toEventValue(codec);
      });
      const id = `${block.number}-${index}`;
      const event = decodeLivestreamEvent({ id, name: method, block, data: values });
      if (event) out.push(event);
      else this.#logger.warn({ id, event: method }, 'skipped a Livestream event this backend cannot read');
    });
    return out;
  }

  async subscribeFinalizedHeads(listener: (head: BlockRef) => void): Promise<() => void> {
    return this.#api.rpc.chain.subscribeFinalizedHeads((header) => {
      listener({ number: header.number.toNumber(), hash: header.hash.toHex() });
    });
  }

  async rooms(at: string): Promise<ChainRoom[]> {
    const storage = this.#storage('livestream', 'liveRooms');
    const prefix = storage.keyPrefix();
    const decode = this.#roomDecoder();
    const rooms: ChainRoom[] = [];
    const page = (startKey: string) =>
      this.#api.rpc.state.getKeysPaged.raw(prefix, ROOM_PAGE_SIZE, startKey, at) as Promise<string[]>;
    let keys = await page(prefix);
    while (keys.length > 0) {
      const last = keys[keys.length - 1] as string;
      // The next page of keys is fetched while this page's values are read and decoded.
      const next = keys.length === ROOM_PAGE_SIZE ? page(last) : Promise.resolve([]);
      const [changeSet] = (await this.#api.rpc.state.queryStorageAt.raw(keys, at)) as ChangeSet[];
      for (const [, value] of changeSet?.changes ?? []) if (value !== null) rooms.push(decode(value));
      keys = await next;
    }
    return rooms;
  }

  /** The hand decoder when it agrees with the metadata's LiveRoom, else polkadot.js codecs. */
  #roomDecoder(): (value: string) => ChainRoom {
    const storage = this.#storage('livestream', 'liveRooms');
    const type = this.#api.registry.createLookupType(storage.creator.meta.type.asMap.value);
    const slow = (value: string) => decodeRoom(this.#api.registry.createType(type, hexToU8a(value)));
    if (this.#fastRooms === undefined) this.#fastRooms = fastRoomDecoderAgrees(this.#api.registry, type);
    return this.#fastRooms ? decodeLiveRoomScale : slow;
  }

  async roomsById(ids: readonly number[], at: string): Promise<Map<number, ChainRoom | null>> {
    const result = new Map<number, ChainRoom | null>();
    if (ids.length === 0) return result;
    const storage = this.#storage('livestream', 'liveRooms');
    const keys = ids.map((id) => storage.key(id));
    const [changeSet] = (await this.#api.rpc.state.queryStorageAt.raw(keys, at)) as ChangeSet[];
    const values = new Map(changeSet?.changes ?? []);
    const decode = this.#roomDecoder();
    ids.forEach((id, i) => {
      const value = values.get(keys[i] as string) ?? null;
      result.set(id, value === null ? null : decode(value));
    });
    return result;
  }

  async hasTicket(roomId: number, accountId: Uint8Array, at: string): Promise<boolean> {
    return this.#exists(this.#storage('livestream', 'ticketHolders').key(roomId, accountId), at);
  }

  async isBlacklisted(roomId: number, accountId: Uint8Array, at: string): Promise<boolean> {
    return this.#exists(this.#storage('livestream', 'roomBlacklist').key(roomId, accountId), at);
  }

  async coHosts(roomId: number, at: string): Promise<string[]> {
    const storage = this.#storage('livestream', 'activeCoHosts');
    const raw = (await this.#api.rpc.state.getStorage.raw(storage.key(roomId), at)) as string | null;
    if (raw === null) return [];
    const type = this.#api.registry.createLookupType(storage.creator.meta.type.asMap.value);
    const list = this.#api.registry.createType(type, raw) as unknown as Codec[];
    return [...list].map((account) => toAddress(account));
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#api.disconnect().catch(() => undefined);
  }

  /** A storage entry of the connected chain's metadata; a missing one means the wrong chain. */
  #storage(section: string, item: string): QueryableStorageEntry<'promise'> {
    const entry = this.#api.query[section]?.[item];
    if (!entry) throw new Error(`the chain has no storage ${section}.${item}`);
    return entry;
  }

  async #exists(key: string, at: string): Promise<boolean> {
    return (await this.#api.rpc.state.getStorage.raw(key, at)) !== null;
  }

  #setStatus(status: ChainStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#logger.info({ status }, 'chain connection');
    for (const listener of this.#listeners) listener(status);
  }
}
