/** The LiveKit room that carries the media of chain room `roomId` (`room-<id>`, the name clients join). */
export function livekitRoomName(roomId: number): string {
  if (!Number.isSafeInteger(roomId) || roomId < 0) {
    throw new RangeError(`roomId must be a non-negative integer, got ${roomId}`);
  }
  return `room-${roomId}`;
}
