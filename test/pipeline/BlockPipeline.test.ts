import { describe, expect, it } from 'vitest';
import type { ChainBlock } from '../../src/chain/livestreamEvents.js';
import { BlockPipeline } from '../../src/pipeline/BlockPipeline.js';
import type { BlockStage } from '../../src/pipeline/BlockStage.js';

const BLOCK: ChainBlock = { number: 5, hash: '0x05', events: [] };

/** A stage that records what it saw in `log`, finishing after a macrotask when `slow`. */
function recording(
  name: string,
  log: string[],
  options: { slow?: boolean; fails?: boolean } = {},
): BlockStage {
  return {
    name,
    apply: async (block, kind) => {
      if (options.slow) await new Promise((resolve) => setImmediate(resolve));
      if (options.fails) throw new Error(`${name} failed`);
      log.push(`${name}:${kind}:${block.number}`);
    },
    reset: (head) => {
      log.push(`${name}:reset:${head.number}`);
    },
  };
}

describe('BlockPipeline', () => {
  it('runs the stages in order, each after the previous one finished, with the block and its kind', async () => {
    const log: string[] = [];
    const pipeline = new BlockPipeline([recording('a', log, { slow: true }), recording('b', log)]);
    await pipeline.apply(BLOCK, 'finalized');
    expect(log).toEqual(['a:finalized:5', 'b:finalized:5']);
  });

  it('resets the stages that hold state, in order, and skips the others', async () => {
    const log: string[] = [];
    const stateless: BlockStage = { name: 'stateless', apply: () => undefined };
    const pipeline = new BlockPipeline([recording('a', log), stateless, recording('b', log)]);
    await pipeline.reset({ number: 9, hash: '0x09' });
    expect(log).toEqual(['a:reset:9', 'b:reset:9']);
  });

  it('stops a block at a failing stage and rejects, so the follower keeps its cursor and retries', async () => {
    const log: string[] = [];
    const pipeline = new BlockPipeline([
      recording('a', log),
      recording('b', log, { fails: true }),
      recording('c', log),
    ]);
    await expect(pipeline.apply(BLOCK, 'finalized')).rejects.toThrow('b failed');
    expect(log).toEqual(['a:finalized:5']);
  });

  it('names its stages in order', () => {
    const log: string[] = [];
    expect(new BlockPipeline([recording('x', log), recording('y', log)]).stageNames).toEqual(['x', 'y']);
  });
});
