import { describe, expect, it } from 'vitest';
import { presenceStage } from '../../../src/pipeline/stages/presenceStage.js';
import { ViewerPresence } from '../../../src/presence/ViewerPresence.js';
import { ALICE, BOB, chainEvent } from '../../support/chainEvents.js';

const BLOCK = { number: 8, hash: '0x08' };

describe('presenceStage', () => {
  it('applies the presence rule to every event of the block, in order', async () => {
    const presence = new ViewerPresence();
    presence.join(1, ALICE);
    presence.join(1, BOB);
    presence.join(2, ALICE);
    presence.join(3, BOB);
    const events = [
      chainEvent('ViewerKicked', { roomId: 1, viewer: BOB }, { block: BLOCK, index: 0 }),
      chainEvent('LiveEnded', { roomId: 2 }, { block: BLOCK, index: 1 }),
      chainEvent('GiftSent', { roomId: 3 }, { block: BLOCK, index: 2 }),
    ];
    await presenceStage(presence).apply({ ...BLOCK, events }, 'finalized');
    expect(presence.count(1)).toBe(1);
    expect(presence.count(2)).toBe(0);
    expect(presence.count(3)).toBe(1);
  });
});
