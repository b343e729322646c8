import type { ChainEvent } from '../chain/livestreamEvents.js';

/** What a chain event does to who is watching: nothing, a room emptied, or one viewer gone. */
export type PresenceEffect =
  | { op: 'clear'; roomId: number }
  | { op: 'leave'; roomId: number; identity: string };

/** An ended or banned room has no viewers left; a kicked viewer has left the room. */
export function presenceRule(event: ChainEvent): PresenceEffect | null {
  switch (event.name) {
    case 'LiveEnded':
    case 'RoomBanned':
      return { op: 'clear', roomId: event.roomId };
    case 'ViewerKicked':
      return { op: 'leave', roomId: event.roomId, identity: event.data.viewer };
    default:
      return null;
  }
}
