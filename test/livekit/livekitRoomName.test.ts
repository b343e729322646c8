import { describe, expect, it } from 'vitest';
import { livekitRoomName, roomIdOfLiveKitName } from '../../src/livekit/livekitRoomName.js';

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

describe('roomIdOfLiveKitName', () => {
  it('reads the chain room id from a LiveKit room name', () => {
    expect(roomIdOfLiveKitName('room-0')).toBe(0);
    expect(roomIdOfLiveKitName('room-42')).toBe(42);
  });

  it('refuses names the service never creates', () => {
    for (const name of [
      undefined,
      '',
      'room-',
      'room-x',
      'lobby-1',
      'room-1-2',
      'room-01',
      'room-99999999999999999',
    ]) {
      expect(roomIdOfLiveKitName(name)).toBeNull();
    }
  });
});
