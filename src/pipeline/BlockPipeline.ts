import type { ChainBlock } from '../chain/livestreamEvents.js';
import type { BlockRef } from '../chain/types.js';
import type { BlockKind, BlockStage } from './BlockStage.js';

/**
 * Stages run one after the other for each block, each seeing what the ones before it did. A stage
 * that throws stops the block there: the follower keeps its cursor and hands the block again.
 */
export class BlockPipeline {
  readonly #stages: readonly BlockStage[];

  constructor(stages: readonly BlockStage[]) {
    this.#stages = stages;
  }

  get stageNames(): string[] {
    return this.#stages.map((stage) => stage.name);
  }

  readonly apply = async (block: ChainBlock, kind: BlockKind): Promise<void> => {
    for (const stage of this.#stages) await stage.apply(block, kind);
  };

  /** In the same order as `apply`: a later stage sees the state the earlier ones restored. */
  readonly retract = async (block: ChainBlock, parent: BlockRef): Promise<void> => {
    for (const stage of this.#stages) await stage.retract?.(block, parent);
  };

  readonly finalized = async (head: BlockRef): Promise<void> => {
    for (const stage of this.#stages) await stage.finalized?.(head);
  };

  readonly reset = async (head: BlockRef): Promise<void> => {
    for (const stage of this.#stages) await stage.reset?.(head);
  };
}
