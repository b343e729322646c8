import type { ChainRooms } from '../chain/ChainRooms.js';
import type { LiveKitAction, RoomLimits } from '../livekit/livekitActionsFor.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';
import type { RealtimeHub } from '../realtime/RealtimeHub.js';
import { BlockPipeline } from './BlockPipeline.js';
import { accessCacheStage } from './stages/accessCacheStage.js';
import { livekitStage } from './stages/livekitStage.js';
import { presenceStage } from './stages/presenceStage.js';
import { realtimeStage } from './stages/realtimeStage.js';
import { roomIndexStage } from './stages/roomIndexStage.js';

export interface LivestreamPipelineDeps {
  rooms: ChainRooms;
  presence: ViewerPresence;
  livekit: { enqueue(action: LiveKitAction): void };
  roomLimits: RoomLimits;
  hub: RealtimeHub;
}

/**
 * The data path of a block, top to bottom. The order is the point: LiveKit's new room reads the
 * host from the index (1) updated first; a token check after the block sees its tickets and bans
 * (2); viewers are cleared from an ended room (3) before its `live:ended` frame goes out (5).
 */
export function livestreamPipeline(deps: LivestreamPipelineDeps): BlockPipeline {
  return new BlockPipeline([
    roomIndexStage(deps.rooms),
    accessCacheStage(deps.rooms),
    presenceStage(deps.presence),
    livekitStage({
      room: (roomId) => deps.rooms.get(roomId),
      enqueue: (action) => deps.livekit.enqueue(action),
      limits: deps.roomLimits,
    }),
    realtimeStage(deps.hub),
  ]);
}
