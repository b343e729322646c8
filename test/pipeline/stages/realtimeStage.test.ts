import { describe, expect, it } from 'vitest';
import type { BlockKind } from '../../../src/chain/BestBlockFollower.js';
import type { ChainBlock } from '../../../src/chain/livestreamEvents.js';
import type { BlockRef } from '../../../src/chain/types.js';
import { realtimeStage } from '../../../src/pipeline/stages/realtimeStage.js';
import { chainEvent } from '../../support/chainEvents.js';

describe('realtimeStage', () => {
  it('hands the hub each block with its kind, retractions, finality and resets', async () => {
    const calls: [string, unknown, BlockKind?][] = [];
    const stage = realtimeStage({
      publishBlock: (block: ChainBlock, kind?: BlockKind) => {
        calls.push(['publish', block.number, kind]);
      },
      retract: (block: BlockRef) => {
        calls.push(['retract', block.number]);
      },
      finalized: (head: BlockRef) => {
        calls.push(['finalized', head.number]);
      },
      reset: (head: number) => {
        calls.push(['reset', head]);
      },
    });
    const block = { number: 3, hash: '0x03', events: [chainEvent('LivePaused', { roomId: 1 })] };
    await stage.apply(block, 'best');
    await stage.retract?.(block, { number: 2, hash: '0x02' });
    await stage.apply(block, 'finalized');
    await stage.finalized?.({ number: 3, hash: '0x03' });
    await stage.reset?.({ number: 12, hash: '0x0c' });
    expect(calls).toEqual([
      ['publish', 3, 'best'],
      ['retract', 3],
      ['publish', 3, 'finalized'],
      ['finalized', 3],
      ['reset', 12],
    ]);
  });
});
