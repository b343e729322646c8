import { describe, expect, it } from 'vitest';
import type { ChainBlock } from '../../../src/chain/livestreamEvents.js';
import { realtimeStage } from '../../../src/pipeline/stages/realtimeStage.js';
import { chainEvent } from '../../support/chainEvents.js';

describe('realtimeStage', () => {
  it('publishes each block to the hub, and resets the hub at the head when following restarts', async () => {
    const published: ChainBlock[] = [];
    const resets: number[] = [];
    const stage = realtimeStage({
      publishBlock: (block) => {
        published.push(block);
      },
      reset: (head) => {
        resets.push(head);
      },
    });
    const block = { number: 3, hash: '0x03', events: [chainEvent('LivePaused', { roomId: 1 })] };
    await stage.apply(block, 'finalized');
    await stage.reset?.({ number: 12, hash: '0x0c' });
    expect(published).toEqual([block]);
    expect(resets).toEqual([12]);
  });
});
