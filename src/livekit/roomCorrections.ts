import type { ChainRoom } from '../chain/types.js';
import { isOpenRoom } from './isOpenRoom.js';
import { type LiveKitAction, openRoomAction, type RoomLimits } from './livekitActionsFor.js';
import { livekitRoomName, roomIdOfLiveKitName } from './livekitRoomName.js';

const CLOSED = new Set(['Ended', 'Banned']);

/**
 * What LiveKit must do so that its rooms match the chain, in both directions: every room a host
 * may connect to (Preparing, Live, Paused) exists; every room that is ended or banned is gone.
 * LiveKit rooms that are not ours (`room-<id>` of no known chain room, other names) are left alone.
 */
export function roomCorrections(
  openRooms: readonly ChainRoom[],
  livekitRooms: readonly string[],
  roomById: (id: number) => ChainRoom | undefined,
  limits: RoomLimits,
): LiveKitAction[] {
  const existing = new Set(livekitRooms);
  const actions: LiveKitAction[] = [];
  for (const room of openRooms) {
    if (isOpenRoom(room) && !existing.has(livekitRoomName(room.id))) {
      actions.push(openRoomAction(room.id, room, limits));
    }
  }
  for (const name of livekitRooms) {
    const id = roomIdOfLiveKitName(name);
    const room = id === null ? undefined : roomById(id);
    if (room && CLOSED.has(room.status)) actions.push({ kind: 'deleteRoom', room: name });
  }
  return actions;
}
