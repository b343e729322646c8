import type { BlockKind } from '../chain/BestBlockFollower.js';
import type { ChainBlock } from '../chain/livestreamEvents.js';
import type { BlockRef } from '../chain/types.js';

export type { BlockKind };

/** One step a block goes through; the pipeline runs the next step once this one has finished. */
export interface BlockStage {
  readonly name: string;
  apply(block: ChainBlock, kind: BlockKind): void | Promise<void>;
  /**
   * A best block left the best chain before finality (a re-org): undo what it did, back to the
   * state at `parent`. Blocks are retracted newest first, before the new branch is applied.
   */
  retract?(block: ChainBlock, parent: BlockRef): void | Promise<void>;
  /** Finality advanced to `head` (every block up to it was applied as finalized or confirmed). */
  finalized?(head: BlockRef): void | Promise<void>;
  /** Following (re)started at `head` without history: rebuild whatever this stage holds there. */
  reset?(head: BlockRef): void | Promise<void>;
}
