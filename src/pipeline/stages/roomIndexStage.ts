import type { ChainRooms } from '../../chain/ChainRooms.js';
import type { BlockStage } from '../BlockStage.js';

/**
 * (1) The room index: loaded at (re)start, then each room a block changed is re-read at it (the
 * best block first; a confirmed block changed nothing new); a retracted block's rooms at its parent.
 */
export function roomIndexStage(rooms: ChainRooms): BlockStage {
  return {
    name: 'room index',
    reset: (head) => rooms.load(head),
    apply: (block, kind) => (kind === 'confirmed' ? undefined : rooms.applyRoomChanges(block)),
    retract: (block, parent) => rooms.revertRoomChanges(block, parent),
  };
}
