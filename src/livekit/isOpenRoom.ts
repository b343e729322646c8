import type { ChainRoom, RoomStatus } from '../chain/types.js';

/** The statuses in which a host may connect, so the room's LiveKit room must exist. */
export const OPEN_ROOM_STATUSES = ['Preparing', 'Live', 'Paused'] as const satisfies readonly RoomStatus[];

const OPEN: ReadonlySet<RoomStatus> = new Set(OPEN_ROOM_STATUSES);

/** Whether the room's LiveKit room must exist (Preparing, Live or Paused). */
export function isOpenRoom(room: ChainRoom): boolean {
  return OPEN.has(room.status);
}
