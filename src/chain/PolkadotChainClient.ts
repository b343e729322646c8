import { ApiPromise, WsProvider } from '@polkadot/api';
import type { QueryableStorageEntry } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { hexToNumber, hexToU8a } from '@polkadot/util';
import type { Logger } from 'pino';
import { describeError } from '../observability/describeError.js';
import type { ChainClient, ChainStatus } from './ChainClient.js';
import { decodeRoom, toAddress, toEventValue } from './decodeChainValues.js';
import { decodeLiveRoomScale } from './decodeLiveRoomScale.js';
import { fastRoomDecoderAgrees } from './fastRoomDecoderAgrees.js';
import { type ChainEvent, decodeLivestreamEvent } from './livestreamEvents.js';
import type { BlockHeader, BlockRef, ChainRoom, EventValue } from './types.js';
import { withDeadline } from './withDeadline.js';

/** Reconnect delay of the WebSocket provider (it retries forever at this pace). */
export const CHAIN_RECONNECT_MS = 1_000;
/** A chain request that takes longer than this fails (the node is hung or overloaded). */
export const CHAIN_REQUEST_TIMEOUT_MS = 10_000;
/** How often the liveness probe asks the node for its finalized head. */
export const CHAIN_PROBE_INTERVAL_MS = 5_000;
/** The probe's deadline: a node that has not answered a trivial request in this long is hung. */
export const CHAIN_PROBE_TIMEOUT_MS = 2_000;
/**
 * A connection not ready this long after it was opened is replaced (a node hung during the
 * handshake or the api's start). Generous: starting the api reads and decodes the metadata.
 */
export const CHAIN_CONNECT_DEADLINE_MS = 15_000;
/** `state_getKeysPaged` page size (the node's maximum). */
const ROOM_PAGE_SIZE = 1_000;
const ACCOUNT_ID_BYTES = 32;

export interface PolkadotChainClientOptions {
  endpoint: string;
  logger: Logger;
  reconnectMs?: number;
  requestTimeoutMs?: number;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
}

interface ChangeSet {
  block: string;
  changes: [string, string | null][];
}

interface EventRecordLike {
  event: { section: string; method: string; data: Codec[] & { names?: string[] | null } };
}

/** One provider and its api; replaced as a whole when the node stops answering. */
interface Connection {
  provider: WsProvider;
  api: ApiPromise;
  ready: boolean;
  openedAt: number;
  /** Which head streams this connection has subscribed (each made again on a new connection). */
  subscribed: Set<HeadStream>;
  /** Fails every call still waiting on this connection, once it has been replaced. */
  abandon: (error: Error) => void;
  abandoned: Promise<never>;
}

type HeadStream = 'finalized' | 'best';

interface RawHeader {
  number?: unknown;
  parentHash?: unknown;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The one `ChainClient` implementation: @polkadot/api over WebSocket. A liveness probe (one cheap
 * request every few seconds, with a deadline) catches a node that keeps its TCP connection open
 * but stopped answering (process stopped, wedged): the provider alone reports `connected` and lets
 * each request wait for its own timeout. A failed probe reports `disconnected` and replaces the
 * connection; calls waiting on the old one fail at once, so the follower resumes from its cursor
 * on the new one, and a reconnection counts as `connected` only once the node has answered.
 */
export class PolkadotChainClient implements ChainClient {
  readonly #endpoint: string;
  readonly #reconnectMs: number;
  readonly #requestTimeoutMs: number;
  readonly #probeIntervalMs: number;
  readonly #probeTimeoutMs: number;
  readonly #logger: Logger;
  readonly #listeners = new Set<(status: ChainStatus) => void>();
  readonly #headListeners: Record<HeadStream, Set<(head: BlockHeader) => void>> = {
    finalized: new Set(),
    best: new Set(),
  };
  readonly #probeTimer: NodeJS.Timeout;
  #connection: Connection;
  #status: ChainStatus = 'disconnected';
  /** Whether this outage's connection error was logged: once per outage, not once per retry. */
  #errorLogged = false;
  #probing = false;
  #closed = false;
  /** Whether the hand decoder of LiveRoom matches this chain's metadata (checked once). */
  #fastRooms: boolean | undefined;

  constructor(options: PolkadotChainClientOptions) {
    this.#logger = options.logger;
    this.#endpoint = options.endpoint;
    this.#reconnectMs = options.reconnectMs ?? CHAIN_RECONNECT_MS;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? CHAIN_REQUEST_TIMEOUT_MS;
    this.#probeIntervalMs = options.probeIntervalMs ?? CHAIN_PROBE_INTERVAL_MS;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? CHAIN_PROBE_TIMEOUT_MS;
    this.#connection = this.#open();
    this.#probeTimer = setInterval(() => void this.#probe(), this.#probeIntervalMs);
    this.#probeTimer.unref();
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

  finalizedHead(): Promise<BlockRef> {
    return this.#call(async () => {
      const hash = (await this.#api.rpc.chain.getFinalizedHead()).toHex();
      // Raw calls here and wherever a block hash is passed: the decorated ones first look up the
      // runtime at that block through its parent, which fails for the genesis block of a chain other
      // than the one the api first connected to (a node restarted with a new genesis).
      const header = toHeader(hash, (await this.#api.rpc.chain.getHeader.raw(hash)) as RawHeader | null);
      if (header === null) throw new Error(`no header for ${hash}`);
      return { number: header.number, hash };
    });
  }

  header(hash: string): Promise<BlockHeader | null> {
    return this.#call(async () =>
      toHeader(hash, (await this.#api.rpc.chain.getHeader.raw(hash)) as RawHeader | null),
    );
  }

  blockHash(number: number): Promise<string | null> {
    return this.#call(async () => {
      const hash = await this.#api.rpc.chain.getBlockHash(number);
      return hash.isEmpty ? null : hash.toHex();
    });
  }

  livestreamEvents(block: BlockRef): Promise<ChainEvent[]> {
    return this.#call(async () => {
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
    });
  }

  subscribeFinalizedHeads(listener: (head: BlockRef) => void): Promise<() => void> {
    return this.#listenHeads('finalized', listener);
  }

  subscribeNewHeads(listener: (head: BlockHeader) => void): Promise<() => void> {
    return this.#listenHeads('best', listener);
  }

  async #listenHeads(stream: HeadStream, listener: (head: BlockHeader) => void): Promise<() => void> {
    const listeners = this.#headListeners[stream];
    listeners.add(listener);
    // Made again on every new connection (the provider itself re-subscribes after a plain reconnect).
    await this.#subscribeHeads(this.#connection, stream);
    return () => listeners.delete(listener);
  }

  rooms(at: string): Promise<ChainRoom[]> {
    return this.#call(async () => {
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
    });
  }

  /** The hand decoder when it agrees with the metadata's LiveRoom, else polkadot.js codecs. */
  #roomDecoder(): (value: string) => ChainRoom {
    const storage = this.#storage('livestream', 'liveRooms');
    const type = this.#api.registry.createLookupType(storage.creator.meta.type.asMap.value);
    const slow = (value: string) => decodeRoom(this.#api.registry.createType(type, hexToU8a(value)));
    if (this.#fastRooms === undefined) this.#fastRooms = fastRoomDecoderAgrees(this.#api.registry, type);
    return this.#fastRooms ? decodeLiveRoomScale : slow;
  }

  roomsById(ids: readonly number[], at: string): Promise<Map<number, ChainRoom | null>> {
    return this.#call(async () => {
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
    });
  }

  hasTicket(roomId: number, accountId: Uint8Array, at: string): Promise<boolean> {
    return this.#call(async () => {
      return this.#exists(this.#storage('livestream', 'ticketHolders').key(roomId, accountId), at);
    });
  }

  isBlacklisted(roomId: number, accountId: Uint8Array, at: string): Promise<boolean> {
    return this.#call(async () => {
      return this.#exists(this.#storage('livestream', 'roomBlacklist').key(roomId, accountId), at);
    });
  }

  blacklist(roomId: number, limit: number, at: string): Promise<string[]> {
    return this.#call(async () => {
      // Keys only: `RoomBlacklist` is a double map with Blake2_128Concat on both keys, so each key
      // ends with the raw 32-byte account id.
      const prefix = this.#storage('livestream', 'roomBlacklist').keyPrefix(roomId);
      const accounts: string[] = [];
      let startKey = prefix;
      while (accounts.length < limit) {
        const size = Math.min(ROOM_PAGE_SIZE, limit - accounts.length);
        const keys = (await this.#api.rpc.state.getKeysPaged.raw(prefix, size, startKey, at)) as string[];
        for (const key of keys) accounts.push(toAddress(hexToU8a(key).subarray(-ACCOUNT_ID_BYTES)));
        if (keys.length < size) break;
        startKey = keys[keys.length - 1] as string;
      }
      return accounts;
    });
  }

  coHosts(roomId: number, at: string): Promise<string[]> {
    return this.#call(async () => {
      const storage = this.#storage('livestream', 'activeCoHosts');
      const raw = (await this.#api.rpc.state.getStorage.raw(storage.key(roomId), at)) as string | null;
      if (raw === null) return [];
      const type = this.#api.registry.createLookupType(storage.creator.meta.type.asMap.value);
      const list = this.#api.registry.createType(type, raw) as unknown as Codec[];
      return [...list].map((account) => toAddress(account));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#probeTimer);
    this.#listeners.clear();
    this.#headListeners.finalized.clear();
    this.#headListeners.best.clear();
    await this.#connection.api.disconnect().catch(() => undefined);
  }

  /** The current connection's api. */
  get #api(): ApiPromise {
    return this.#connection.api;
  }

  /** Runs `read` on the current connection; fails at once if that connection is replaced meanwhile. */
  #call<T>(read: () => Promise<T>): Promise<T> {
    return Promise.race([read(), this.#connection.abandoned]);
  }

  #open(): Connection {
    const provider = new WsProvider(this.#endpoint, this.#reconnectMs, {}, this.#requestTimeoutMs);
    const api = new ApiPromise({ provider, noInitWarn: true, throwOnConnect: false });
    // Rejects when a start fails (the socket closed meanwhile); unobserved, that would end the process.
    api.isReadyOrError.catch(() => undefined);
    let abandon: (error: Error) => void = () => undefined;
    const abandoned = new Promise<never>((_resolve, reject) => {
      abandon = reject;
    });
    abandoned.catch(() => undefined);
    const conn: Connection = {
      provider,
      api,
      ready: false,
      openedAt: Date.now(),
      subscribed: new Set(),
      abandon,
      abandoned,
    };
    const current = () => conn === this.#connection && !this.#closed;
    api.on('ready', () => {
      if (!current()) return;
      conn.ready = true;
      this.#setStatus('connected');
      for (const stream of ['finalized', 'best'] as const) {
        this.#subscribeHeads(conn, stream).catch((error: unknown) =>
          this.#logger.warn({ err: error, stream }, 'could not subscribe to heads'),
        );
      }
    });
    // After a reconnection the api re-uses its metadata; it counts as connected once it answers.
    api.on('connected', () => {
      if (current() && conn.ready) void this.#probe();
    });
    api.on('disconnected', () => {
      if (current()) this.#setStatus('disconnected');
    });
    // The provider retries every reconnectMs and reports each failure: logged once per outage, as a
    // readable reason (the event holds the socket, which pino cannot serialize).
    api.on('error', (error: unknown) => {
      if (!current() || this.#errorLogged) return;
      this.#errorLogged = true;
      this.#logger.warn({ reason: describeError(error), endpoint: this.#endpoint }, 'chain connection error');
    });
    return conn;
  }

  async #subscribeHeads(conn: Connection, stream: HeadStream): Promise<void> {
    const listeners = this.#headListeners[stream];
    if (!conn.ready || conn.subscribed.has(stream) || listeners.size === 0) return;
    conn.subscribed.add(stream);
    const subscribe =
      stream === 'finalized'
        ? conn.api.rpc.chain.subscribeFinalizedHeads
        : conn.api.rpc.chain.subscribeNewHeads;
    try {
      await subscribe((header) => {
        if (conn !== this.#connection) return;
        const head = {
          number: header.number.toNumber(),
          hash: header.hash.toHex(),
          parentHash: header.parentHash.toHex(),
        };
        for (const listener of listeners) listener(head);
      });
    } catch (error) {
      conn.subscribed.delete(stream);
      throw error;
    }
  }

  /**
   * One cheap request with a deadline. No answer while the socket is open: the node is hung, so
   * report it and start over on a new connection.
   */
  async #probe(): Promise<void> {
    if (this.#probing || this.#closed) return;
    this.#probing = true;
    const conn = this.#connection;
    try {
      // A starting api is busy reading metadata (large, slow on a loaded node): a probe would queue
      // behind it and could only mistake slowness for a hang.
      if (!conn.ready && Date.now() - conn.openedAt < CHAIN_CONNECT_DEADLINE_MS) return;
      if (!conn.provider.isConnected) {
        // A closed socket: the provider reconnects by itself. But a handshake with a stopped node
        // never ends, so a connection that never got going is started over.
        if (!conn.ready) this.#replace('the node did not complete the connection');
        return;
      }
      // Also a start that takes too long: a node that answers is only slow, not hung.
      await withDeadline(conn.provider.send('chain_getFinalizedHead', []), this.#probeTimeoutMs);
      if (conn === this.#connection && conn.ready && conn.provider.isConnected) this.#setStatus('connected');
    } catch {
      if (conn === this.#connection && conn.provider.isConnected && !this.#closed) {
        this.#replace(`no answer to the liveness probe within ${this.#probeTimeoutMs} ms`);
      }
    } finally {
      this.#probing = false;
    }
  }

  #replace(reason: string): void {
    const old = this.#connection;
    this.#logger.warn({ reason }, 'chain node not answering: reconnecting');
    this.#setStatus('disconnected');
    this.#connection = this.#open();
    old.abandon(new Error(`chain connection replaced: ${reason}`));
    // Its close handshake may never complete (a stopped node); nothing waits for it.
    void old.api.disconnect().catch(() => undefined);
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
    if (status === 'connected') this.#errorLogged = false;
    this.#logger[status === 'connected' ? 'info' : 'warn']({ status }, 'chain connection');
    for (const listener of this.#listeners) listener(status);
  }
}

/** A raw `chain_getHeader` answer as ours; null when the node has no such block. */
function toHeader(hash: string, raw: RawHeader | null): BlockHeader | null {
  if (raw === null || typeof raw.number !== 'string' || typeof raw.parentHash !== 'string') return null;
  return { number: hexToNumber(raw.number), hash, parentHash: raw.parentHash };
}
