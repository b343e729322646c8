import { EventEmitter } from 'node:events';
import type { KeyringPair } from '@polkadot/keyring/types';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { Call, ChainProperties } from '@polkadot/types/interfaces';
import { expandMetadata } from '@polkadot/types/metadata';
import type { Codec } from '@polkadot/types/types';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { BlockStore, type Hex, type StoredBlock } from './BlockStore.js';
import { type DevAccountName, devPairs, writeGenesis } from './genesis.js';
import {
  buildStardustMetadata,
  CHAIN_PROPERTIES,
  RUNTIME_VERSION,
  type StardustMetadata,
} from './metadata/stardustMetadata.js';
import { ExecutionContext, type RuntimeEvent } from './runtime/ExecutionContext.js';
import { type BlockResult, Runtime, stateRoot } from './runtime/Runtime.js';
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
}

export type ExtrinsicStatus =
  | 'future'
  | 'ready'
  | { inBlock: Hex }
  | { finalized: Hex }
  | 'dropped'
  | 'invalid';

export interface SubmitOutcome {
  blockHash: Hex;
  success: boolean;
  /** `section.Name` of the dispatch error, e.g. `livestream.NotRoomHost`. */
  error: string | null;
  events: RuntimeEvent[];
}

interface PendingExtrinsic extends ValidExtrinsic {
  watchers: ((status: ExtrinsicStatus) => void)[];
}

interface DevChainEvents {
  newHead: [StoredBlock];
  finalized: [StoredBlock];
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
  readonly #pool: TransactionPool<PendingExtrinsic>;
  #finalized: StoredBlock;
  #autoFinalize = true;
  #building: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #waitingFinality = new Map<Hex, PendingExtrinsic[]>();

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
  submit(hex: string, watcher?: (status: ExtrinsicStatus) => void): Hex {
    const valid = this.runtime.validate(hex);
    const entry: PendingExtrinsic = { ...valid, watchers: watcher ? [watcher] : [] };
    const status = this.#pool.add(entry);
    queueMicrotask(() => this.#notify(entry, status));
    if (status === 'ready') {
      this.#promoteFuture();
      if (!this.#options.blockTimeMs) void this.produceBlock();
    }
    return valid.hash;
  }

  /** Future extrinsics whose nonce gap is now filled become ready; returns whether any did. */
  #promoteFuture(): boolean {
    const promoted = this.#pool.promote();
    for (const entry of promoted) queueMicrotask(() => this.#notify(entry, 'ready'));
    return promoted.length > 0;
  }

  /** Builds the next block with every pending extrinsic (an empty block when none). */
  produceBlock(): Promise<StoredBlock> {
    // Built after the current tick's submissions were told `ready`, and with all of them.
    const next = this.#building
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.#produce());
    this.#building = next.catch(() => undefined);
    return next;
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
   * Finalizes up to block `number` (default: the head) in ONE step: subscribers see a single
   * finalized head, so the finalized-heads stream skips numbers, as with GRANDPA.
   */
  finalize(number = this.head.number): StoredBlock {
    const target = this.store.byNumber(Math.min(number, this.head.number));
    if (!target || target.number <= this.#finalized.number) return this.#finalized;
    const from = this.#finalized.number;
    this.#finalized = target;
    this.emit('finalized', target);
    for (let n = from + 1; n <= target.number; n++) {
      const block = this.store.byNumber(n);
      if (!block) continue;
      for (const p of this.#waitingFinality.get(block.hash) ?? []) this.#notify(p, { finalized: block.hash });
      this.#waitingFinality.delete(block.hash);
    }
    return target;
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
    const extrinsic = this.registry.createType('Extrinsic', call);
    extrinsic.sign(pair, {
      blockHash: this.genesisHash,
      genesisHash: this.genesisHash,
      // The account id, not the public key: for ecdsa it is the blake2 hash of the 33-byte key.
      nonce: this.nextNonce(decodeAddress(pair.address)),
      runtimeVersion: RUNTIME_VERSION as never,
    });
    const inBlock = new Promise<Hex>((resolve, reject) => {
      const hash = this.submit(extrinsic.toHex(), (status) => {
        if (typeof status === 'object' && 'inBlock' in status) resolve(status.inBlock);
        if (status === 'dropped' || status === 'invalid') reject(new Error(`extrinsic ${hash} ${status}`));
      });
    });
    const blockHash = await inBlock;
    return this.#outcome(blockHash, extrinsic.toHex());
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
    return this.store.append(
      { number: 0, hash: this.runtime.headerHash(header), header, extrinsics: [] },
      new Map(),
    );
  }

  #produce(): StoredBlock {
    const batch = this.#pool.takeReady();
    const now = this.#options.now?.() ?? Date.now();
    let result: BlockResult;
    try {
      result = this.runtime.buildBlock(batch, now);
    } catch (error) {
      for (const p of batch) this.#notify(p, 'dropped');
      (this.#options.onError ?? console.error)(error);
      throw error;
    }
    const { block } = result;
    const included = batch.filter((p) => !result.rejected.includes(p));
    this.emit('newHead', block);
    // Extrinsics that failed their checks when applied leave the pool, as a node reports them.
    for (const p of batch) if (!included.includes(p)) this.#notify(p, 'invalid');
    for (const p of included) this.#notify(p, { inBlock: block.hash });
    if (included.length > 0) this.#waitingFinality.set(block.hash, included);
    if (this.#autoFinalize) this.finalize(block.number - (this.#options.finalityLag ?? 0));
    if (this.#promoteFuture() && !this.#options.blockTimeMs) void this.produceBlock();
    return block;
  }

  #notify(pending: PendingExtrinsic, status: ExtrinsicStatus): void {
    for (const watcher of pending.watchers) watcher(status);
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
