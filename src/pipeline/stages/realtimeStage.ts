import type { RealtimeHub } from '../../realtime/RealtimeHub.js';
import type { BlockStage } from '../BlockStage.js';

/** (5) Realtime: each event becomes WebSocket frames for its room, everyone or some accounts. */
export function realtimeStage(hub: Pick<RealtimeHub, 'publishBlock' | 'reset'>): BlockStage {
  return {
    name: 'realtime',
    // The chain changed under the clients: their buffered history is void.
    reset: (head) => hub.reset(head.number),
    apply: (block) => hub.publishBlock(block),
  };
}
