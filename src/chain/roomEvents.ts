import type { ChainEvent } from './types.js';

/** Events after which the room's stored `LiveRoom` differs: re-read it at that block. */
const ROOM_CHANGING_EVENTS = new Set([
  'RoomCreated',
  'LiveStarted',
  'LivePaused',
  'LiveResumed',
  'LiveEnded',
  'RoomUpdated',
  'GiftSent',
  'RoomBanned',
  'LiveStatsSynced',
]);

export function changedRoomIds(events: readonly ChainEvent[]): number[] {
  const ids = new Set<number>();
  for (const event of events) {
    if (event.roomId !== null && ROOM_CHANGING_EVENTS.has(event.name)) ids.add(event.roomId);
  }
  return [...ids];
}
