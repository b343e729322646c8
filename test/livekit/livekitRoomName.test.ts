import { describe, expect, it } from 'vitest';
import { livekitRoomName } from '../../src/livekit/livekitRoomName.js';

describe('livekitRoomName', () => {
  it('names the LiveKit room after the chain room id', () => {
    expect(livekitRoomName(0)).toBe('room-0');
    expect(livekitRoomName(42)).toBe('room-42');
  });

  it('refuses ids that are not non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => livekitRoomName(bad)).toThrow(RangeError);
    }
  });
});
