import type { Hex, StoredBlock } from '../../BlockStore.js';
import type { DevChain } from '../../DevChain.js';
import { RUNTIME_APIS, RUNTIME_VERSION } from '../../metadata/stardustMetadata.js';
import { RpcError } from '../RpcError.js';

/** Blocks a follow subscription may hold pinned; past it the subscription stops, as the spec allows. */
export const MAX_PINNED_BLOCKS = 512;
/** The spec's minimum: at least 16 operations in flight per follow subscription. */
export const MAX_OPERATIONS = 16;

/** The spec's error codes (json-rpc-interface-spec, chainHead_v1_*). */
export const CHAIN_HEAD_ERROR = {
  invalidBlock: -32801,
  invalidRuntimeCall: -32802,
  invalidContinue: -32803,
  duplicateHashes: -32804,
} as const;

export type FollowEvent = Record<string, unknown> & { event: string };

/**
 * One `chainHead_v1_follow` subscription: the blocks it reported and still pins, its operations in
 * flight, and the translation of the chain's head and finality changes into the spec's events.
 */
export class ChainHeadFollow {
  readonly withRuntime: boolean;
  readonly #chain: DevChain;
  readonly #emit: (event: FollowEvent) => void;
  /** Blocks reported by `newBlock` (or `initialized`) and not yet finalized or pruned. */
  readonly #reported = new Set<Hex>();
  /** Pinned blocks by hash: a pruned block stays readable while this subscription pins it. */
  readonly #pinned = new Map<Hex, StoredBlock>();
  readonly #operations = new Map<string, { waiting?: () => void }>();
  #nextOperation = 1;
  #lastFinalized: StoredBlock;
  #stopped = false;
  readonly #onImported = (block: StoredBlock) => this.#newBlock(block);
  readonly #onNewHead = (block: StoredBlock) => this.#bestBlockChanged(block);
  readonly #onFinalized = (block: StoredBlock, pruned: StoredBlock[]) => this.#finalized(block, pruned);
  readonly #onStop: () => void;

  constructor(chain: DevChain, withRuntime: boolean, emit: (event: FollowEvent) => void, onStop: () => void) {
    this.#chain = chain;
    this.withRuntime = withRuntime;
    this.#emit = emit;
    this.#onStop = onStop;
    this.#lastFinalized = chain.finalized;
  }

  /** Sends `initialized`, the unfinalized blocks and the best block, then follows the chain. */
  start(): void {
    const finalized = this.#chain.finalized;
    this.#lastFinalized = finalized;
    this.#pin(finalized);
    this.#reported.add(finalized.hash);
    this.#emit({
      event: 'initialized',
      finalizedBlockHashes: [finalized.hash],
      ...(this.withRuntime ? { finalizedBlockRuntime: { type: 'valid', spec: runtimeSpec() } } : {}),
    });
    for (const block of this.#chain.store.descendantsOf(finalized)) this.#newBlock(block);
    this.#bestBlockChanged(this.#chain.head);
    this.#chain.on('imported', this.#onImported);
    this.#chain.on('newHead', this.#onNewHead);
    this.#chain.on('finalized', this.#onFinalized);
  }

  close(): void {
    this.#stopped = true;
    this.#chain.off('imported', this.#onImported);
    this.#chain.off('newHead', this.#onNewHead);
    this.#chain.off('finalized', this.#onFinalized);
    this.#operations.clear();
  }

  /** A pinned block of this subscription (pruned ones included), or the spec's -32801. */
  pinnedBlock(hash: unknown): StoredBlock {
    const block = typeof hash === 'string' ? this.#pinned.get(hash.toLowerCase() as Hex) : undefined;
    if (!block) {
      throw new RpcError(
        CHAIN_HEAD_ERROR.invalidBlock,
        'Invalid block hash: not pinned by this subscription',
      );
    }
    return block;
  }

  unpin(hashes: unknown[]): void {
    const normalized = hashes.map((h) => (typeof h === 'string' ? h.toLowerCase() : ''));
    if (new Set(normalized).size !== normalized.length) {
      throw new RpcError(CHAIN_HEAD_ERROR.duplicateHashes, 'Duplicate block hashes');
    }
    // All or nothing: one unknown hash unpins none.
    for (const h of normalized) this.pinnedBlock(h);
    for (const h of normalized) this.#unpin(h as Hex);
  }

  /**
   * Starts an operation (`started` + its id) that `run` completes through the events it emits, or
   * answers `limitReached` beyond MAX_OPERATIONS in flight.
   */
  operation(run: (operationId: string, done: () => void) => void): object {
    if (this.#stopped || this.#operations.size >= MAX_OPERATIONS) return { result: 'limitReached' };
    const operationId = String(this.#nextOperation++);
    this.#operations.set(operationId, {});
    setImmediate(() => {
      if (this.#operations.has(operationId)) run(operationId, () => this.#operations.delete(operationId));
    });
    return { result: 'started', operationId };
  }

  isActive(operationId: string): boolean {
    return this.#operations.has(operationId);
  }

  /** The operation pauses until `chainHead_v1_continue` (`operationWaitingForContinue`). */
  waitForContinue(operationId: string, resume: () => void): void {
    const op = this.#operations.get(operationId);
    if (!op) return;
    op.waiting = resume;
    this.emit({ event: 'operationWaitingForContinue', operationId });
  }

  continue(operationId: unknown): void {
    const op = this.#operations.get(String(operationId));
    if (!op?.waiting)
      throw new RpcError(CHAIN_HEAD_ERROR.invalidContinue, 'The operation is not waiting to continue');
    const resume = op.waiting;
    op.waiting = undefined;
    setImmediate(resume);
  }

  stopOperation(operationId: unknown): void {
    this.#operations.delete(String(operationId));
  }

  emit(event: FollowEvent): void {
    if (!this.#stopped) this.#emit(event);
  }

  #newBlock(block: StoredBlock): void {
    if (this.#stopped || this.#reported.has(block.hash)) return;
    this.#reported.add(block.hash);
    this.#pin(block);
    this.emit({
      event: 'newBlock',
      blockHash: block.hash,
      parentBlockHash: block.header.parentHash,
      ...(this.withRuntime ? { newRuntime: null } : {}),
    });
  }

  #bestBlockChanged(block: StoredBlock): void {
    if (this.#reported.has(block.hash)) this.emit({ event: 'bestBlockChanged', bestBlockHash: block.hash });
  }

  /** The chain finalized `target` (the best head already moved onto its chain) and pruned `pruned`. */
  #finalized(target: StoredBlock, pruned: StoredBlock[]): void {
    if (this.#stopped || target.number <= this.#lastFinalized.number) return;
    const hashes: Hex[] = [];
    for (let b: StoredBlock | undefined = target; b && b !== this.#lastFinalized; b = b.parent) {
      hashes.unshift(b.hash);
    }
    const prunedHashes = pruned.filter((b) => this.#reported.has(b.hash)).map((b) => b.hash);
    // The finalized block stays reported: it may still become (or be) the best block.
    for (const hash of [this.#lastFinalized.hash, ...hashes.slice(0, -1), ...prunedHashes]) {
      this.#reported.delete(hash);
    }
    this.#lastFinalized = target;
    this.emit({ event: 'finalized', finalizedBlockHashes: hashes, prunedBlockHashes: prunedHashes });
  }

  #pin(block: StoredBlock): void {
    this.#pinned.set(block.hash, block);
    if (this.#pinned.size > MAX_PINNED_BLOCKS) this.#stop();
  }

  #unpin(hash: Hex): void {
    this.#pinned.delete(hash);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#emit({ event: 'stop' });
    this.close();
    this.#onStop();
  }
}

/** The runtime as the spec reports it: the version with `apis` as an object of versions. */
function runtimeSpec(): object {
  const v = RUNTIME_VERSION;
  return {
    specName: v.specName,
    implName: v.implName,
    specVersion: v.specVersion,
    implVersion: v.implVersion,
    transactionVersion: v.transactionVersion,
    apis: Object.fromEntries(RUNTIME_APIS),
  };
}
