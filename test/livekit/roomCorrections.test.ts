import { describe, expect, it } from 'vitest';
import type { ChainRoom, RoomStatus } from '../../src/chain/types.js';
import { openRoomAction } from '../../src/livekit/livekitActionsFor.js';
import { roomCorrections } from '../../src/livekit/roomCorrections.js';
import { chainRoom } from '../support/chainRooms.js';

const LIMITS = { emptyTimeoutSeconds: 300, maxParticipants: 0 };

const room = (id: number, status: RoomStatus): ChainRoom => chainRoom({ id, status });

describe('roomCorrections', () => {
  it('creates every open room LiveKit lacks and deletes every ended or banned room it still has', () => {
    const rooms = new Map(
      [
        room(0, 'Preparing'),
        room(1, 'Live'),
        room(2, 'Paused'),
        room(3, 'Ended'),
        room(4, 'Banned'),
        room(5, 'Live'),
      ].map((r) => [r.id, r] as const),
    );
    const open = [...rooms.values()].filter((r) => ['Preparing', 'Live', 'Paused'].includes(r.status));
    const actions = roomCorrections(open, ['room-3', 'room-4', 'room-5'], (id) => rooms.get(id), LIMITS);
    expect(actions).toEqual([
      openRoomAction(0, rooms.get(0), LIMITS),
      openRoomAction(1, rooms.get(1), LIMITS),
      openRoomAction(2, rooms.get(2), LIMITS),
      { kind: 'deleteRoom', room: 'room-3' },
      { kind: 'deleteRoom', room: 'room-4' },
    ]);
  });

  it('leaves LiveKit rooms that are not ours alone', () => {
    expect(roomCorrections([], ['lobby', 'room-01', 'room-99'], () => undefined, LIMITS)).toEqual([]);
  });
});
