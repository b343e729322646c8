import type { ChainRooms } from '../../chain/ChainRooms.js';
import type { BlockStage } from '../BlockStage.js';

/**
 * (2) Cached ticket, blacklist and co-host answers the block changed are dropped; reads move to it,
 * so token checks see a best block's tickets, kicks and co-hosts from inclusion. A retracted block's
 * answers are dropped again and reads move back to its parent. Finality advancing marks the served
 * block final once it reaches it.
 */
export function accessCacheStage(rooms: ChainRooms): BlockStage {
  return {
    name: 'access cache',
    apply: (block, kind) => (kind === 'confirmed' ? undefined : rooms.applyAccessChanges(block)),
    retract: (block, parent) => rooms.revertAccessChanges(block, parent),
    finalized: (head) => rooms.finalityAdvanced(head),
  };
}
