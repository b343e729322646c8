import type { Logger } from 'pino';
import type { ChainClient } from './ChainClient.js';
import type { FinalizedBlockFollower } from './FinalizedBlockFollower.js';
import type { ChainBlock } from './livestreamEvents.js';
import type { BlockHeader, BlockRef } from './types.js';

/**
 * How far the chain has committed to a block when its handlers see it:
 * - `best`: imported on the node's best chain, not final yet (it may still be retracted);
 * - `finalized`: final, and its events were never applied as best (they act now);
 * - `confirmed`: final, and already applied as best: its events acted then, only finality is news.
 */
export type BlockKind = 'best' | 'finalized' | 'confirmed';

/**
 * Best blocks applied ahead of finality, at most this many: past it (finality stalled) the best
 * chain waits for the finalized stream. Bounds the retained blocks and a re-org's ancestry walk.
 */
export const MAX_UNFINALIZED_BLOCKS = 64;

export type KindedBlockHandler = (block: ChainBlock, kind: BlockKind) => void | Promise<void>;
/** A block applied as best left the best chain: undo it, back to the state at `parent`. */
export type RetractHandler = (block: ChainBlock, parent: BlockRef) => void | Promise<void>;

export interface BestBlockFollowerOptions {
  chain: ChainClient;
  /** Its serial queue runs our work too; its blocks come to us first (then to our handlers). */
  finalized: FinalizedBlockFollower;
  logger: Logger;
  maxUnfinalizedBlocks?: number;
}

interface Applied {
  block: ChainBlock;
  parent: BlockRef;
}

/**
 * Blocks at the speed of the best chain, with the truth of finality. Each new best head is
 * applied as `best` with everything between it and the blocks already applied; a head on another
 * branch (a re-org) first retracts, newest first, the applied blocks that left the best chain,
 * found by walking the new head's parents back to the common ancestor. When a block is finalized
 * it goes on as `confirmed` (applied before) or `finalized` (never applied: a best block whose
 * events could not be read waits for this, and blocks on a branch finality left are retracted first).
 * The finalized follower stays the source of finality: gap-free, each final block exactly once.
 */
export class BestBlockFollower {
  readonly #chain: ChainClient;
  readonly #finalized: FinalizedBlockFollower;
  readonly #logger: Logger;
  readonly #max: number;
  readonly #blockHandlers: KindedBlockHandler[] = [];
  readonly #retractHandlers: RetractHandler[] = [];
  /** Applied as best, not final yet: a chain, oldest first, its first block's parent the cursor. */
  #applied: Applied[] = [];
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(options: BestBlockFollowerOptions) {
    this.#chain = options.chain;
    this.#finalized = options.finalized;
    this.#logger = options.logger.child({ module: 'best-follower' });
    this.#max = options.maxUnfinalizedBlocks ?? MAX_UNFINALIZED_BLOCKS;
    this.#finalized.onBlock((block) => this.#onFinalized(block));
    // The next final block is the first one applied when finality kept its branch: its events are
    // read already (the same hash, the same events), so finalizing it reads no events again.
    this.#finalized.useReadBlocks((ref) => {
      const first = this.#applied[0]?.block;
      return first?.hash === ref.hash ? first : undefined;
    });
    // Another chain or a restart: nothing applied before counts (the stages reload everything).
    this.#finalized.onReset(() => {
      this.#applied = [];
    });
  }

  onBlock(handler: KindedBlockHandler): void {
    this.#blockHandlers.push(handler);
  }

  onRetract(handler: RetractHandler): void {
    this.#retractHandlers.push(handler);
  }

  /** The best block applied last, or null when nothing is ahead of finality. */
  get head(): BlockRef | null {
    const last = this.#applied[this.#applied.length - 1];
    return last ? { number: last.block.number, hash: last.block.hash } : null;
  }

  /** Follows new best heads (without this, blocks still flow, as finalized only). */
  async start(): Promise<void> {
    this.#unsubscribe = await this.#chain.subscribeNewHeads((head) => {
      this.#finalized.run(() => this.#onHead(head));
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async #onHead(head: BlockHeader): Promise<void> {
    const cursor = this.#finalized.cursor;
    if (this.#stopped || !cursor || head.number <= cursor.number) return;
    if (head.number - cursor.number > this.#max) return;
    const branch = await this.#branch(head, cursor);
    if (branch === null) return;
    const leaving = this.#applied.splice(branch.ancestor + 1);
    for (const gone of leaving.reverse()) await this.#retract(gone);
    for (const header of branch.joining) {
      if (this.#stopped) return;
      const ref = { number: header.number, hash: header.hash };
      let events: ChainBlock['events'];
      try {
        events = await this.#chain.livestreamEvents(ref);
      } catch (error) {
        // Tried again with the next head; if finality comes first, the block goes as finalized.
        this.#logger.warn({ err: error, block: ref.number }, 'best block unreadable: left to finality');
        return;
      }
      const applied = { block: { ...ref, events }, parent: this.#tip(cursor) };
      for (const handler of this.#blockHandlers) await handler(applied.block, 'best');
      // Only once every handler succeeded: a failed block is applied again with the next head.
      this.#applied.push(applied);
    }
  }

  /**
   * The blocks from the last applied one that `head` descends from (index in `#applied`, -1 for
   * the finalized cursor) up to `head`, oldest first; null when `head` is not on the finalized
   * chain (a stale branch).
   */
  async #branch(
    head: BlockHeader,
    cursor: BlockRef,
  ): Promise<{ ancestor: number; joining: BlockHeader[] } | null> {
    const index = new Map(this.#applied.map((applied, i) => [applied.block.hash, i]));
    const joining: BlockHeader[] = [];
    let header = head;
    for (;;) {
      const known = index.get(header.hash);
      if (known !== undefined) return { ancestor: known, joining };
      if (header.number <= cursor.number) return null;
      joining.unshift(header);
      const parent = index.get(header.parentHash);
      if (parent !== undefined) return { ancestor: parent, joining };
      if (header.parentHash === cursor.hash) return { ancestor: -1, joining };
      const next = await this.#chain.header(header.parentHash);
      if (next === null) throw new Error(`the node no longer knows block ${header.parentHash}`);
      header = next;
    }
  }

  #tip(cursor: BlockRef): BlockRef {
    return this.head ?? cursor;
  }

  async #retract(gone: Applied): Promise<void> {
    this.#logger.info({ block: gone.block.number, hash: gone.block.hash }, 'best block retracted');
    for (const handler of this.#retractHandlers) await handler(gone.block, gone.parent);
  }

  async #onFinalized(block: ChainBlock): Promise<void> {
    const first = this.#applied[0];
    if (first?.block.hash === block.hash) {
      this.#applied.shift();
      for (const handler of this.#blockHandlers) await handler(block, 'confirmed');
      return;
    }
    if (first && first.block.number <= block.number) {
      // Finality chose another branch: everything applied descends from the losing block.
      const leaving = this.#applied.splice(0);
      for (const gone of leaving.reverse()) await this.#retract(gone);
    }
    for (const handler of this.#blockHandlers) await handler(block, 'finalized');
  }
}
