import type { ChainRooms } from '../../chain/ChainRooms.js';
import type { BlockStage } from '../BlockStage.js';

/** (1) The room index: loaded at (re)start, then each room the block changed is re-read at it. */
export function roomIndexStage(rooms: ChainRooms): BlockStage {
  return {
    name: 'room index',
    reset: (head) => rooms.load(head),
    apply: (block) => rooms.applyRoomChanges(block),
  };
}
