import { describe, expect, it } from 'vitest';
import { ROOM_STATUSES } from '../../src/chain/types.js';
import { isOpenRoom, OPEN_ROOM_STATUSES } from '../../src/livekit/isOpenRoom.js';
import { chainRoom } from '../support/chainRooms.js';

describe('isOpenRoom', () => {
  it('holds for the statuses a host may connect in, and for no other', () => {
    const open = ROOM_STATUSES.filter((status) => isOpenRoom(chainRoom({ status })));
    expect(open).toEqual(['Preparing', 'Live', 'Paused']);
    expect(open).toEqual([...OPEN_ROOM_STATUSES]);
  });
});
