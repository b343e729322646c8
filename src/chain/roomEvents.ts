import type { ChainEvent, LivestreamEventName } from './livestreamEvents.js';

/**
 * Whether the room's stored `LiveRoom` differs after the event (then it is re-read at that block).
 * A record, not a set: a new pallet event does not compile until it is decided here.
 */
const CHANGES_ROOM: Readonly<Record<LivestreamEventName, boolean>> = {
  RoomCreated: true,
  LiveStarted: true,
  LivePaused: true,
  LiveResumed: true,
  LiveEnded: true,
  RoomUpdated: true,
  GiftSent: true,
  RoomBanned: true,
  LiveStatsSynced: true,
  TicketPurchased: false,
  EarningsWithdrawn: false,
  ViewerKicked: false,
  ViewerUnbanned: false,
  CoHostStarted: false,
  CoHostEnded: false,
  GiftCreated: false,
  GiftUpdated: false,
};

export function changedRoomIds(events: readonly ChainEvent[]): number[] {
  const ids = new Set<number>();
  for (const event of events) {
    if (event.roomId !== null && CHANGES_ROOM[event.name]) ids.add(event.roomId);
  }
  return [...ids];
}
