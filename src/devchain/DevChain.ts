import { EventEmitter } from 'node:events';
import type { KeyringPair } from '@polkadot/keyring/types';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { Call, ChainProperties } from '@polkadot/types/interfaces';
import { expandMetadata } from '@polkadot/types/metadata';
import type { Codec } from '@polkadot/types/types';
import { hexToU8a } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { BlockStore, type Hex, type StoredBlock } from './BlockStore.js';
import { ChainDatabase, type PersistedChain } from './ChainDatabase.js';
import { type DevAccountName, devPairs, writeGenesis } from './genesis.js';
import {
  buildStardustMetadata,
  CHAIN_PROPERTIES,
  RUNTIME_VERSION,
  type StardustMetadata,
} from './metadata/stardustMetadata.js';
import { ExecutionContext, type RuntimeEvent } from './runtime/ExecutionContext.js';
import { type BlockResult, InvalidTransaction, Runtime, stateRoot } from './runtime/Runtime.js';
import type { ValidExtrinsic } from './runtime/ValidExtrinsic.js';
import { TransactionPool } from './TransactionPool.js';

export interface DevChainOptions {
  /** Produce a block every `blockTimeMs` (with whatever is pending); unset = one block per extrinsic. */
  blockTimeMs?: number;
  /** Blocks between the head and the finalized head (0 = finalized at once). */
  finalityLag?: number;
  /** Genesis state written after the dev accounts (e.g. a bulk seed of rooms). */
  genesisState?: (ctx: ExecutionContext) => void;
  /** Clock for block timestamps (ms). */
  now?: () => number;
  /** Where a failure to build a block is reported (a bug in the dev chain; the block is not built). */
  onError?: (error: unknown) => void;
  /**
   * A directory for the chain's blocks (`ChainDatabase`): a chain started on one that holds blocks
   * continues that chain (same genesis, blocks, heads and state), as a node restarted on its
   * database does. Unset: the chain lives in memory only and every start is a new chain.
   */
  basePath?: string;
}

export type ExtrinsicStatus =
  | 'future'
  | 'ready'
  | { inBlock: Hex }
  | { retracted: Hex }
  | { finalized: Hex }
  | 'dropped'
  | 'invalid';

export type ExtrinsicWatcher = (status: ExtrinsicStatus) => void;

export interface NewBlockOptions {
  /** The block to build on (default: the best head); it must descend from the finalized block. */
  parent?: Hex;
  /**
   * Exactly these signed extrinsics, in order, checked against the parent's state (a refused one
   * refuses the block). Default: the pool's ready extrinsics (those that fail are left out).
   */
  extrinsics?: Hex[];
}

export interface SubmitOutcome {
  blockHash: Hex;
  success: boolean;
  /** `section.Name` of the dispatch error, e.g. `livestream.NotRoomHost`. */
  error: string | null;
  events: RuntimeEvent[];
}

interface DevChainEvents {
  /** Every imported block, fork blocks included (after it is stored, before it may become best). */
  imported: [StoredBlock];
  /** A new best head: a block built on the best one, or a re-org (then only the new head). */
  newHead: [StoredBlock];
  /** Finality moved to this block in one step; `pruned` are the fork blocks it ruled out. */
  finalized: [StoredBlock, StoredBlock[]];
}

/** A dev-chain request that names a block it cannot use (unknown, pruned, or behind finality). */
export class DevChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevChainError';
  }
}

/**
 * The Stardust dev chain's engine: blocks, state, a transaction pool and finality. Transport-free;
 * `DevChainServer` serves it over JSON-RPC.
 */
export class DevChain extends EventEmitter<DevChainEvents> {
  readonly registry: TypeRegistry;
  /** Metadata V14, as `state_getMetadata` serves it. */
  readonly metadata: Metadata;
  /** The same runtime as metadata V15 (`Metadata_metadata_at_version(15)`). */
  readonly metadataV15: Metadata;
  readonly meta: StardustMetadata;
  readonly store: BlockStore;
  readonly runtime: Runtime;
  readonly pairs: Record<DevAccountName, KeyringPair>;
  readonly #options: DevChainOptions;
  readonly #pool: TransactionPool<ValidExtrinsic>;
  #finalized: StoredBlock;
  #autoFinalize = true;
  #building: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  /** Watchers by extrinsic hash, until a final status (finalized, invalid, dropped). */
  readonly #watchers = new Map<Hex, ExtrinsicWatcher[]>();

  private constructor(options: DevChainOptions) {
    super();
    // Every head or storage subscription of every connection listens here: no fixed bound.
    this.setMaxListeners(0);
    this.#options = options;
    this.meta = buildStardustMetadata();
    this.registry = new TypeRegistry();
    this.metadata = new Metadata(this.registry, this.meta.json as never);
    this.metadataV15 = new Metadata(this.registry, this.meta.jsonV15 as never);
    this.registry.setMetadata(this.metadata);
    this.registry.setChainProperties(
      this.registry.createType('ChainProperties', CHAIN_PROPERTIES) as ChainProperties,
    );
    this.store = new BlockStore();
    this.runtime = new Runtime(this.registry, this.meta, this.store);
    this.#pool = new TransactionPool((who) => this.runtime.accountNonce(who));
    this.pairs = devPairs();
    this.#finalized = this.#buildGenesis();
    if (options.basePath !== undefined) this.#persistIn(new ChainDatabase(options.basePath));
    if (options.blockTimeMs) {
      this.#timer = setInterval(() => void this.produceBlock(), options.blockTimeMs);
      this.#timer.unref();
    }
  }

  static async create(options: DevChainOptions = {}): Promise<DevChain> {
    await cryptoWaitReady();
    return new DevChain(options);
  }

  get head(): StoredBlock {
    return this.store.head;
  }

  get finalized(): StoredBlock {
    return this.#finalized;
  }

  get genesisHash(): Hex {
    return this.store.genesis.hash;
  }

  /** The ready extrinsics (`author_pendingExtrinsics`). */
  get pendingExtrinsics(): Hex[] {
    return this.#pool.ready.map((p) => p.hex);
  }

  /** Stops the block timer; the chain's state stays readable. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The next nonce of an account, counting its ready extrinsics in the pool. */
  nextNonce(who: Uint8Array): number {
    return this.#pool.nextNonce(who);
  }

  /** Validates and queues an extrinsic, as `author_submitAndWatchExtrinsic` does. Throws `InvalidTransaction`. */
  submit(hex: string, watcher?: ExtrinsicWatcher): Hex {
    const valid = this.runtime.validate(hex);
    const status = this.#pool.add(valid);
    if (watcher) this.#watchers.set(valid.hash, [...(this.#watchers.get(valid.hash) ?? []), watcher]);
    queueMicrotask(() => this.#notify(valid.hash, status));
    if (status === 'ready') {
      this.#promoteFuture();
      if (!this.#options.blockTimeMs) void this.produceBlock();
    }
    return valid.hash;
  }

  /** Future extrinsics whose nonce gap is now filled become ready; returns whether any did. */
  #promoteFuture(): boolean {
    const promoted = this.#pool.promote();
    for (const entry of promoted) queueMicrotask(() => this.#notify(entry.hash, 'ready'));
    return promoted.length > 0;
  }

  /** Builds the next block on the best head with every pending extrinsic (an empty block when none). */
  produceBlock(): Promise<StoredBlock> {
    return this.newBlock();
  }

  /**
   * Builds a block on `parent` (default: the best head). It becomes the best head when it is longer
   * than the best chain (a tie keeps the current best), as a node's longest-chain rule does.
   * Throws `DevChainError` for an unusable parent and `InvalidTransaction` for a refused extrinsic.
   */
  newBlock(options: NewBlockOptions = {}): Promise<StoredBlock> {
    // Built after the current tick's submissions were told `ready`, and with all of them.
    const next = this.#building
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.#produce(options));
    this.#building = next.catch(() => undefined);
    return next;
  }

  /** Dev override: makes `hash` the best head (any block descending from the finalized one). */
  setHead(hash: Hex): StoredBlock {
    const block = this.#usableBlock(hash);
    if (block !== this.head) this.#setBest(block);
    return block;
  }

  async newBlocks(count: number): Promise<StoredBlock> {
    let block = this.head;
    for (let i = 0; i < count; i++) block = await this.produceBlock();
    return block;
  }

  /** Test hook: stop finalizing automatically (then `finalize` moves finality by hand). */
  setAutoFinalize(enabled: boolean): void {
    this.#autoFinalize = enabled;
  }

  /**
   * Finalizes a block in ONE step: subscribers see a single finalized head, so the finalized-heads
   * stream skips numbers, as with GRANDPA. A number means the best chain's block (default: the head;
   * at or below the finalized one: nothing happens). A hash may name a block on any fork descending
   * from the finalized one: its chain becomes the best one (the best head moves to its longest
   * descendant when the current best does not descend from it), and the other forks are pruned.
   */
  finalize(target: number | Hex = this.head.number): StoredBlock {
    let block: StoredBlock;
    if (typeof target === 'number') {
      const byNumber = this.store.byNumber(Math.min(target, this.head.number));
      if (!byNumber || byNumber.number <= this.#finalized.number) return this.#finalized;
      block = byNumber;
    } else {
      block = this.#usableBlock(target);
      if (block === this.#finalized) return block;
    }
    if (!this.store.descendsFrom(this.head, block)) this.#setBest(this.store.longestDescendant(block));
    const newlyFinal: StoredBlock[] = [];
    for (let b: StoredBlock | undefined = block; b && b !== this.#finalized; b = b.parent)
      newlyFinal.unshift(b);
    this.#finalized = block;
    const pruned = this.store.prune(block);
    this.emit('finalized', block, pruned);
    for (const b of newlyFinal) this.#notifyBlock(b, { finalized: b.hash }, true);
    return block;
  }

  /** A stored block that descends from the finalized one (or is it), or `DevChainError`. */
  #usableBlock(hash: Hex): StoredBlock {
    const block = this.store.byHash(hash);
    if (!block) throw new DevChainError(`Unknown block ${hash} (never imported, or pruned)`);
    if (!this.store.descendsFrom(block, this.#finalized)) {
      throw new DevChainError(
        `Block ${hash} (#${block.number}) does not descend from the finalized block #${this.#finalized.number}`,
      );
    }
    return block;
  }

  /** Builds an unsigned call by pallet and method name, e.g. `call('livestream', 'startLive', 0)`. */
  call(section: string, method: string, ...args: unknown[]): Call {
    const tx = expandMetadata(this.registry, this.metadata).tx;
    const fn = tx[section]?.[method];
    if (!fn) throw new Error(`no call ${section}.${method}`);
    return fn(...args) as unknown as Call;
  }

  /** Signs `call` with `pair` (immortal era, next nonce) and submits it; resolves when it is in a block. */
  async signAndSubmit(pair: KeyringPair, call: Call): Promise<SubmitOutcome> {
    const extrinsic = this.sign(pair, call);
    return this.#outcome(await this.included(extrinsic), extrinsic);
  }

  /** `call` signed by `pair` with its next nonce: an extrinsic ready for `submit`. */
  sign(pair: KeyringPair, call: Call): string {
    const extrinsic = this.registry.createType('Extrinsic', call);
    extrinsic.sign(pair, {
      blockHash: this.genesisHash,
      genesisHash: this.genesisHash,
      // The account id, not the public key: for ecdsa it is the blake2 hash of the 33-byte key.
      nonce: this.nextNonce(decodeAddress(pair.address)),
      runtimeVersion: RUNTIME_VERSION as never,
    });
    return extrinsic.toHex();
  }

  /**
   * Submits a signed extrinsic; resolves with the hash of the best block that includes it, without
   * decoding its outcome (`signAndSubmit` does): a benchmark timing that block keeps this process's
   * CPU for the service under test.
   */
  included(extrinsic: string): Promise<Hex> {
    return new Promise<Hex>((resolve, reject) => {
      const hash = this.submit(extrinsic, (status) => {
        if (typeof status === 'object' && 'inBlock' in status) resolve(status.inBlock);
        if (status === 'dropped' || status === 'invalid') reject(new Error(`extrinsic ${hash} ${status}`));
      });
    });
  }

  /** Convenience for tests and seeds: `send('Alice', 'livestream', 'startLive', 0)`. */
  send(
    who: DevAccountName | KeyringPair,
    section: string,
    method: string,
    ...args: unknown[]
  ): Promise<SubmitOutcome> {
    const pair = typeof who === 'string' ? this.pairs[who] : who;
    return this.signAndSubmit(pair, this.call(section, method, ...args));
  }

  /** As `send`, through `sudo.sudo` signed by the sudo key (//Alice). */
  sudo(section: string, method: string, ...args: unknown[]): Promise<SubmitOutcome> {
    return this.signAndSubmit(
      this.pairs.Alice,
      this.call('sudo', 'sudo', this.call(section, method, ...args)),
    );
  }

  /** Decoded storage value at the head (null when absent). */
  query(item: string, ...keys: unknown[]): Codec | null {
    return this.runtime.newOverlay().get(item, keys);
  }

  #buildGenesis(): StoredBlock {
    const overlay = this.runtime.newOverlay();
    const ctx = new ExecutionContext(overlay, 0);
    writeGenesis(ctx, this.pairs);
    this.#options.genesisState?.(ctx);
    const changes = overlay.changes;
    const entries: [Hex, Hex][] = [];
    for (const [key, value] of changes) if (value !== null) entries.push([key, value]);
    this.store.loadGenesisState(entries);
    const header = {
      parentHash: `0x${'00'.repeat(32)}` as Hex,
      number: '0x0' as Hex,
      stateRoot: stateRoot(`0x${'00'.repeat(32)}`, changes),
      extrinsicsRoot: `0x${'00'.repeat(32)}` as Hex,
      digest: { logs: [] },
    };
    return this.store.import(
      { number: 0, hash: this.runtime.headerHash(header), header, extrinsics: [] },
      undefined,
      new Map(),
    );
  }

  /**
   * Continues the chain stored in `database` (if any), then keeps it there: each block before it is
   * announced, the heads whenever they move. Registered first, so a block a subscriber heard of is on
   * disk.
   */
  #persistIn(database: ChainDatabase): void {
    const stored = database.load();
    if (stored) this.#restore(stored);
    const writeHeads = () => database.writeHeads(this.genesisHash, this.head.hash, this.#finalized.hash);
    writeHeads();
    this.on('imported', (block) => database.writeBlock(block));
    this.on('newHead', writeHeads);
    this.on('finalized', (_block, pruned) => {
      writeHeads();
      database.deleteBlocks(pruned);
    });
  }

  /** Imports the stored best chain on top of genesis, as it was: same blocks, same state, same heads. */
  #restore(stored: PersistedChain): void {
    if (stored.genesis !== this.genesisHash) {
      throw new Error(
        `${this.#options.basePath} holds another chain (genesis ${stored.genesis}; these options make ${this.genesisHash}): start it with the seed it was made with, or on another directory`,
      );
    }
    for (const { changes, ...block } of stored.blocks) {
      const parent = this.head;
      if (block.header.parentHash !== parent.hash || block.number !== parent.number + 1) {
        throw new Error(
          `${this.#options.basePath}: block #${block.number} ${block.hash} does not extend ${parent.hash}`,
        );
      }
      this.store.setHead(this.store.import(block, parent, changes));
    }
    const finalized = this.store.byHash(stored.finalized);
    if (!finalized) throw new Error(`${this.#options.basePath}: unknown finalized block ${stored.finalized}`);
    this.#finalized = finalized;
  }

  #produce(options: NewBlockOptions): StoredBlock {
    const parent = options.parent === undefined ? this.head : this.#usableBlock(options.parent);
    const explicit = options.extrinsics !== undefined;
    const batch = explicit
      ? (options.extrinsics ?? []).map((hex) => this.runtime.validate(hex, parent))
      : [...this.#pool.ready];
    const now = this.#options.now?.() ?? Date.now();
    let result: BlockResult;
    try {
      result = this.runtime.buildBlock(parent, batch, now, explicit);
    } catch (error) {
      if (explicit) throw error;
      this.#pool.remove(new Set(batch.map((p) => p.hash)));
      for (const p of batch) this.#notify(p.hash, 'dropped');
      (this.#options.onError ?? console.error)(error);
      throw error;
    }
    const { block } = result;
    this.emit('imported', block);
    // Extrinsics that failed their checks on the best chain leave the pool, as a node reports them;
    // on a fork they stay for the best chain.
    if (parent === this.head && result.rejected.length > 0) {
      this.#pool.remove(new Set(result.rejected.map((p) => p.hash)));
      for (const p of result.rejected) this.#notify(p.hash, 'invalid');
    }
    if (block.number > this.head.number) this.#setBest(block);
    if (this.#autoFinalize) this.finalize(this.head.number - (this.#options.finalityLag ?? 0));
    if (this.#promoteFuture() && !this.#options.blockTimeMs) void this.produceBlock();
    return block;
  }

  /**
   * Moves the best head, as a node's import does: `newHead`, the watched extrinsics' statuses
   * (retracted, then in block), and the pool maintained: what the new best chain includes leaves it,
   * what only the retracted blocks included comes back (to be included again), re-validated.
   */
  #setBest(block: StoredBlock): void {
    const { retracted, enacted } = this.store.setHead(block);
    this.emit('newHead', block);
    for (const b of retracted) this.#notifyBlock(b, { retracted: b.hash }, false);
    for (const b of enacted) this.#notifyBlock(b, { inBlock: b.hash }, false);
    const included = new Set(enacted.flatMap((b) => b.extrinsics.map(extrinsicHash)));
    if (retracted.length === 0) {
      this.#pool.remove(included);
      return;
    }
    const back = retracted
      .toReversed()
      .flatMap((b) => b.extrinsics.slice(1))
      .filter((hex) => !included.has(extrinsicHash(hex)));
    const pending = [...back, ...this.#pool.drain().map((p) => p.hex)];
    for (const hex of pending) {
      if (included.has(extrinsicHash(hex))) continue;
      try {
        this.#pool.add(this.runtime.validate(hex));
      } catch (error) {
        if (!(error instanceof InvalidTransaction)) throw error;
        this.#notify(extrinsicHash(hex), 'invalid');
      }
    }
    this.#promoteFuture();
  }

  /** Tells the watchers of every extrinsic in `block`; a final status ends their watch. */
  #notifyBlock(block: StoredBlock, status: ExtrinsicStatus, final: boolean): void {
    if (this.#watchers.size === 0) return;
    for (const hex of block.extrinsics) {
      const hash = extrinsicHash(hex);
      this.#notify(hash, status);
      if (final) this.#watchers.delete(hash);
    }
  }

  #notify(hash: Hex, status: ExtrinsicStatus): void {
    const watchers = this.#watchers.get(hash);
    if (!watchers) return;
    if (status === 'invalid' || status === 'dropped') this.#watchers.delete(hash);
    for (const watcher of watchers) watcher(status);
  }

  #outcome(blockHash: Hex, extrinsicHex: string): SubmitOutcome {
    const block = this.store.byHash(blockHash);
    if (!block) throw new Error(`unknown block ${blockHash}`);
    const index = block.extrinsics.indexOf(extrinsicHex.toLowerCase() as Hex);
    const events = this.eventsAt(block).filter((e) => e.phase === index);
    const failed = events.find((e) => e.pallet === 'System' && e.name === 'ExtrinsicFailed');
    let error: string | null = null;
    if (failed) {
      const dispatchError = this.registry.createType(
        this.registry.createLookupType(this.meta.typeIds.dispatchError),
        failed.data.dispatchError,
      ) as unknown as { isModule: boolean; asModule: never; type: string };
      if (dispatchError.isModule) {
        const meta = this.registry.findMetaError(dispatchError.asModule);
        error = `${meta.section}.${meta.name}`;
      } else {
        error = dispatchError.type;
      }
    }
    return { blockHash, success: !failed, error, events };
  }

  /** The events recorded in a block, decoded back from `System.Events`. */
  eventsAt(block: StoredBlock): RuntimeEvent[] {
    const raw = this.store.get(this.runtime.newOverlay().key('System.Events'), block);
    if (raw === null) return [];
    const records = this.registry.createType(
      this.registry.createLookupType(this.meta.typeIds.eventRecords),
      raw,
    );
    return (records as unknown as { toArray(): Codec[] }).toArray().map((record) => {
      const r = record as unknown as {
        phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
        event: {
          section: string;
          method: string;
          data: Codec & { names?: string[] | null; toArray(): Codec[] };
        };
      };
      const names = r.event.data.names ?? [];
      const values = r.event.data.toArray();
      return {
        pallet: (r.event.section.charAt(0).toUpperCase() +
          r.event.section.slice(1)) as RuntimeEvent['pallet'],
        name: r.event.method,
        data: Object.fromEntries(names.map((n, i) => [n, values[i]])),
        phase: r.phase.isApplyExtrinsic ? r.phase.asApplyExtrinsic.toNumber() : null,
      };
    });
  }
}

/** An extrinsic's hash, as the pool and a node's RPC name it. */
function extrinsicHash(hex: Hex): Hex {
  return blake2AsHex(hexToU8a(hex)) as Hex;
}
