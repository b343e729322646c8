/** The LiveKit room that carries the media of chain room `roomId` (`room-<id>`, the name clients join). */
export function livekitRoomName(roomId: number): string {
  if (!Number.isSafeInteger(roomId) || roomId < 0) {
    throw new RangeError(`roomId must be a non-negative integer, got ${roomId}`);
  }
  return `room-${roomId}`;
}

/** `room-<id>` exactly as `livekitRoomName` writes it (no sign, no leading zero). */
const ROOM_NAME = /^room-(0|[1-9]\d{0,15})$/;

/** The chain room id of a LiveKit room name; null for names that are not ours. */
export function roomIdOfLiveKitName(name: string | undefined): number | null {
  const match = name ? ROOM_NAME.exec(name) : null;
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) ? id : null;
}
