import type { ChainRoom } from '../../chain/types.js';
import type { LiveKitAction, RoomLimits } from '../../livekit/livekitActionsFor.js';
import { livekitActionsFor } from '../../livekit/livekitActionsFor.js';
import { livekitRetractionsFor } from '../../livekit/livekitRetractionsFor.js';
import type { BlockStage } from '../BlockStage.js';

export interface LiveKitStageDeps {
  /** Rooms as the room index holds them after this block (stage 1 ran). */
  room: (roomId: number) => ChainRoom | undefined;
  /** Queues an action; never awaited, so LiveKit being slow or down does not hold up blocks. */
  enqueue: (action: LiveKitAction) => void;
  limits: RoomLimits;
}

/**
 * (4) LiveKit in step with the chain: rooms created and closed, kicked viewers removed, co-hosts
 * promoted, from the best block on (a confirmed block acted already); a retracted block's actions
 * are undone (the index holds the rooms as before it).
 */
export function livekitStage(deps: LiveKitStageDeps): BlockStage {
  return {
    name: 'livekit',
    apply: (block, kind) => {
      if (kind === 'confirmed') return;
      for (const event of block.events) {
        const room = event.roomId === null ? undefined : deps.room(event.roomId);
        for (const action of livekitActionsFor(event, room, deps.limits)) deps.enqueue(action);
      }
    },
    retract: (block) => {
      // Newest event first, as the block is undone.
      for (const event of [...block.events].reverse()) {
        const room = event.roomId === null ? undefined : deps.room(event.roomId);
        for (const action of livekitRetractionsFor(event, room, deps.limits)) deps.enqueue(action);
      }
    },
  };
}
