import type { ChainRooms } from '../../chain/ChainRooms.js';
import type { BlockStage } from '../BlockStage.js';

/** (2) Cached ticket, blacklist and co-host answers the block changed are dropped; reads move to it. */
export function accessCacheStage(rooms: ChainRooms): BlockStage {
  return {
    name: 'access cache',
    apply: (block) => rooms.applyAccessChanges(block),
  };
}
