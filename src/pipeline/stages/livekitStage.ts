import type { ChainRoom } from '../../chain/types.js';
import type { LiveKitAction, RoomLimits } from '../../livekit/livekitActionsFor.js';
import { livekitActionsFor } from '../../livekit/livekitActionsFor.js';
import type { BlockStage } from '../BlockStage.js';

export interface LiveKitStageDeps {
  /** Rooms as the room index holds them after this block (stage 1 ran). */
  room: (roomId: number) => ChainRoom | undefined;
  /** Queues an action; never awaited, so LiveKit being slow or down does not hold up blocks. */
  enqueue: (action: LiveKitAction) => void;
  limits: RoomLimits;
}

/** (4) LiveKit in step with the chain: rooms created and closed, kicked viewers removed, co-hosts promoted. */
export function livekitStage(deps: LiveKitStageDeps): BlockStage {
  return {
    name: 'livekit',
    apply: (block) => {
      for (const event of block.events) {
        const room = event.roomId === null ? undefined : deps.room(event.roomId);
        for (const action of livekitActionsFor(event, room, deps.limits)) deps.enqueue(action);
      }
    },
  };
}
