import type { ChainBlock } from '../chain/livestreamEvents.js';
import type { BlockRef } from '../chain/types.js';

/**
 * How far the chain has committed to a block. Only finalized blocks flow today; best blocks
 * (pushed before finality, later confirmed or retracted) are meant to arrive as another kind
 * through the same stages.
 */
export type BlockKind = 'finalized';

/** One step a block goes through; the pipeline runs the next step once this one has finished. */
export interface BlockStage {
  readonly name: string;
  apply(block: ChainBlock, kind: BlockKind): void | Promise<void>;
  /** Following (re)started at `head` without history: rebuild whatever this stage holds there. */
  reset?(head: BlockRef): void | Promise<void>;
}
