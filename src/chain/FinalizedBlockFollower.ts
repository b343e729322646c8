import type { Logger } from 'pino';
import type { ChainClient } from './ChainClient.js';
import type { ChainBlock } from './livestreamEvents.js';
import type { BlockRef } from './types.js';

export type BlockHandler = (block: ChainBlock) => void | Promise<void>;
/** Called when following (re)starts from `head` without history: load state at `head`. */
export type ResetHandler = (head: BlockRef) => void | Promise<void>;
/** Called once per advance of finality, after every block up to `head` went to the block handlers. */
export type AdvanceHandler = (head: BlockRef) => void | Promise<void>;
/** A block whose events were read already (by hash), or undefined when they must be read. */
export type ReadBlocks = (ref: BlockRef) => ChainBlock | undefined;

export interface FinalizedBlockFollowerOptions {
  chain: ChainClient;
  logger: Logger;
}

/**
 * Follows finalized blocks without gaps: for every finalized head it processes each block from
 * the last processed number + 1 up to the head, in order, through one serial queue. Raw finalized
 * head notifications skip numbers (GRANDPA, reconnects); reading each block by number fills them.
 * On every (re)connection the node must still have the last processed block at its number:
 * otherwise it serves another chain (another network, or a node restarted without its database,
 * which starts a new chain from genesis: the dev chain's genesis hash is even the same each time,
 * and its block numbers and event ids repeat the old ones), and following restarts there (a reset).
 */
export class FinalizedBlockFollower {
  readonly #chain: ChainClient;
  readonly #logger: Logger;
  readonly #blockHandlers: BlockHandler[] = [];
  readonly #resetHandlers: ResetHandler[] = [];
  readonly #advanceHandlers: AdvanceHandler[] = [];
  #cursor: BlockRef | null = null;
  #target = 0;
  #queue: Promise<void> = Promise.resolve();
  #unsubscribeHeads: (() => void) | null = null;
  #unsubscribeStatus: (() => void) | null = null;
  #stopped = false;
  /**
   * Whether the connected node was checked to serve the chain the cursor is on. Cleared on every
   * disconnection: until the next sync has checked, finalized heads (the provider re-subscribes by
   * itself, maybe before the sync runs) are not followed from a cursor that may be another chain's.
   */
  #onCursorChain = false;
  #resets = 0;
  #readBlocks: ReadBlocks = () => undefined;

  constructor(options: FinalizedBlockFollowerOptions) {
    this.#chain = options.chain;
    this.#logger = options.logger.child({ module: 'follower' });
  }

  /** Every handler runs for each block, in registration order; the cursor moves when all succeeded. */
  onBlock(handler: BlockHandler): void {
    this.#blockHandlers.push(handler);
  }

  onReset(handler: ResetHandler): void {
    this.#resetHandlers.push(handler);
  }

  onAdvance(handler: AdvanceHandler): void {
    this.#advanceHandlers.push(handler);
  }

  /** Where a block read already comes from (the best-block follower's): its events are not read again. */
  useReadBlocks(readBlocks: ReadBlocks): void {
    this.#readBlocks = readBlocks;
  }

  /**
   * Runs `task` on the follower's serial queue, between blocks: whoever else handles blocks (the
   * best-block follower) never interleaves with a finalized block half-way through the pipeline.
   */
  run(task: () => Promise<void>): void {
    this.#enqueue(task);
  }

  /** The last fully processed finalized block (null before the first sync). */
  get cursor(): BlockRef | null {
    return this.#cursor;
  }

  /** Finalized blocks known but not processed yet. */
  get lagBlocks(): number {
    return this.#cursor ? Math.max(0, this.#target - this.#cursor.number) : this.#target;
  }

  /** How many times following restarted from a fresh state (first start included). */
  get resets(): number {
    return this.#resets;
  }

  start(): void {
    this.#unsubscribeStatus = this.#chain.onStatusChange((status) => {
      if (status === 'connected') this.#enqueue(() => this.#sync());
      else this.#onCursorChain = false;
    });
    if (this.#chain.status === 'connected') this.#enqueue(() => this.#sync());
  }

  /** Resolves when everything queued so far has been processed (or failed). */
  idle(): Promise<void> {
    return this.#queue;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribeStatus?.();
    this.#unsubscribeHeads?.();
    this.#unsubscribeHeads = null;
    await this.#queue;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#stopped) return;
      try {
        await task();
      } catch (error) {
        // The chain went away mid-way: the cursor stays at the last complete block and the next
        // connection or head resumes from there.
        this.#logger.warn({ err: error, cursor: this.#cursor?.number }, 'following paused');
      }
    });
  }

  async #sync(): Promise<void> {
    const head = await this.#chain.finalizedHead();
    this.#target = Math.max(this.#target, head.number);
    if (await this.#sameChain(head)) {
      this.#onCursorChain = true;
      await this.#catchUp(head);
    } else {
      if (this.#cursor !== null) {
        this.#logger.warn(
          { head: head.number, cursor: this.#cursor.number },
          'chain changed (another chain, or a node restarted without its blocks): restarting from its head',
        );
      }
      await this.#reset(head);
      this.#onCursorChain = true;
    }
    if (!this.#unsubscribeHeads) {
      // The provider re-subscribes by itself after a reconnection.
      this.#unsubscribeHeads = await this.#chain.subscribeFinalizedHeads((h) => {
        this.#target = Math.max(this.#target, h.number);
        this.#enqueue(() => this.#catchUp(h));
      });
    }
  }

  /**
   * Whether the node's finalized chain still holds the cursor (finalized blocks never change on one
   * chain; another network or a new chain has another block at that number, genesis included).
   */
  async #sameChain(head: BlockRef): Promise<boolean> {
    const cursor = this.#cursor;
    if (cursor === null || head.number < cursor.number) return false;
    return (await this.#chain.blockHash(cursor.number)) === cursor.hash;
  }

  async #reset(head: BlockRef): Promise<void> {
    for (const handler of this.#resetHandlers) await handler(head);
    this.#cursor = head;
    this.#target = head.number;
    this.#resets++;
  }

  /** Processes every block after the cursor up to `head`. */
  async #catchUp(head: BlockRef): Promise<void> {
    const from = this.#cursor;
    if (!this.#onCursorChain) return;
    try {
      while (this.#cursor && this.#cursor.number < head.number && !this.#stopped) {
        const number = this.#cursor.number + 1;
        // The head names its own hash: only the blocks it skipped are looked up (one request fewer
        // between finality and `block:finalized` when finality moves a block at a time).
        const hash = number === head.number ? head.hash : await this.#chain.blockHash(number);
        if (hash === null) return;
        const ref = { number, hash };
        const block: ChainBlock = this.#readBlocks(ref) ?? {
          ...ref,
          events: await this.#chain.livestreamEvents(ref),
        };
        for (const handler of this.#blockHandlers) await handler(block);
        this.#cursor = ref;
      }
    } finally {
      // Also when a later block failed: what was processed is final and clients may know it.
      const reached = this.#cursor;
      if (reached && reached !== from) for (const handler of this.#advanceHandlers) await handler(reached);
    }
  }
}
