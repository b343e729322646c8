/**
 * Texts the app signs: one for HTTP token and leave requests, one for WebSocket sign-in. Both embed
 * the timestamp, which is what makes a signature expire; the replay guard covers the rest of its validity window.
 */

/** Signed for HTTP token and leave requests. `roomId` is the validated decimal room id. */
export function roomMessage(roomId: string | number | bigint, timestamp: number): string {
  return `livestream:${roomId}:${timestamp}`;
}

/** Signed for WebSocket authentication. */
export function authMessage(timestamp: number): string {
  return `livestream:auth:${timestamp}`;
}
