import type { ChainEvent } from '../chain/livestreamEvents.js';
import type { ChainRoom } from '../chain/types.js';
import { isOpenRoom } from './isOpenRoom.js';
import { type LiveKitAction, openRoomAction, type RoomLimits, stageRoleAction } from './livekitActionsFor.js';
import { livekitRoomName } from './livekitRoomName.js';

/**
 * What LiveKit must do when a best block with `event` leaves the best chain (a re-org): the state
 * before the block applied again. `room` is the room as it was before the block (re-read at its
 * parent). A retracted promotion demotes, a retracted demotion promotes again, a retracted room or
 * close is undone; a retracted kick needs nothing here (the viewer may come back with a new token).
 */
export function livekitRetractionsFor(
  event: ChainEvent,
  room: ChainRoom | undefined,
  limits: RoomLimits,
): LiveKitAction[] {
  switch (event.name) {
    case 'RoomCreated':
      return room ? [] : [{ kind: 'deleteRoom', room: livekitRoomName(event.roomId) }];
    case 'LiveEnded':
    case 'RoomBanned':
      return room && isOpenRoom(room) ? [openRoomAction(event.roomId, room, limits)] : [];
    case 'CoHostStarted':
      return [stageRoleAction(event.roomId, event.data.coHost, 'viewer')];
    case 'CoHostEnded':
      return [stageRoleAction(event.roomId, event.data.coHost, 'coHost')];
    default:
      return [];
  }
}
