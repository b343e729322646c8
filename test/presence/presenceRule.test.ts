import { describe, expect, it } from 'vitest';
import { presenceRule } from '../../src/presence/presenceRule.js';
import { BOB, chainEvent } from '../support/chainEvents.js';

describe('presenceRule', () => {
  it('empties a room whose live ended or that was banned', () => {
    expect(presenceRule(chainEvent('LiveEnded', { roomId: 4 }))).toEqual({ op: 'clear', roomId: 4 });
    expect(presenceRule(chainEvent('RoomBanned', { roomId: 0 }))).toEqual({ op: 'clear', roomId: 0 });
  });

  it('makes a kicked viewer leave the room', () => {
    expect(presenceRule(chainEvent('ViewerKicked', { roomId: 2, viewer: BOB }))).toEqual({
      op: 'leave',
      roomId: 2,
      identity: BOB,
    });
  });

  it('leaves presence alone for every other event', () => {
    for (const event of [
      chainEvent('LivePaused'),
      chainEvent('ViewerUnbanned'),
      chainEvent('CoHostEnded'),
      chainEvent('LiveStatsSynced'),
      chainEvent('EarningsWithdrawn'),
    ]) {
      expect(presenceRule(event)).toBe(null);
    }
  });
});
