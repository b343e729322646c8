/**
 * Who may get which LiveKit token for a room, as plain decisions: each returns
 * the error code of the first failed check, or null when access is granted.
 */
import type { ChainRoom } from '../chain/types.js';
import type { ErrorCode } from '../errors/AppError.js';

export type AccessDenial = Extract<
  ErrorCode,
  | 'ROOM_NOT_FOUND'
  | 'NOT_ROOM_HOST'
  | 'ROOM_NOT_AVAILABLE'
  | 'ROOM_NOT_LIVE'
  | 'VIEWER_BANNED'
  | 'TICKET_REQUIRED'
  | 'NOT_CO_HOST'
>;

const PUBLISHABLE = new Set(['Preparing', 'Live', 'Paused']);
const WATCHABLE = new Set(['Live', 'Paused']);
/** Rooms that will never be live again: every role gets ROOM_NOT_AVAILABLE (DESIGN.md §4.3). */
const CLOSED = new Set(['Ended', 'Banned']);

/** Why a viewer or co-host cannot join a room that is not Live or Paused. */
function notWatchable(room: ChainRoom): 'ROOM_NOT_AVAILABLE' | 'ROOM_NOT_LIVE' {
  return CLOSED.has(room.status) ? 'ROOM_NOT_AVAILABLE' : 'ROOM_NOT_LIVE';
}

/** The host may publish while the room is being prepared, live or paused. */
export function publisherAccess(room: ChainRoom | undefined, caller: string): AccessDenial | null {
  if (!room) return 'ROOM_NOT_FOUND';
  if (room.host !== caller) return 'NOT_ROOM_HOST';
  if (!PUBLISHABLE.has(room.status)) return 'ROOM_NOT_AVAILABLE';
  return null;
}

export interface ViewerFacts {
  blacklisted: boolean;
  hasTicket: boolean;
  isCoHost: boolean;
}

/**
 * Order: room → status (Ended/Banned: ROOM_NOT_AVAILABLE, Preparing: ROOM_NOT_LIVE) → blacklist →
 * ticket; the host and active co-hosts need no ticket.
 */
export function viewerAccess(
  room: ChainRoom | undefined,
  caller: string,
  facts: ViewerFacts,
): AccessDenial | null {
  if (!room) return 'ROOM_NOT_FOUND';
  if (!WATCHABLE.has(room.status)) return notWatchable(room);
  if (facts.blacklisted) return 'VIEWER_BANNED';
  if (needsTicket(room, caller) && !facts.hasTicket && !facts.isCoHost) return 'TICKET_REQUIRED';
  return null;
}

/** A Paid room asks its viewers for a ticket; its host never needs one. */
export function needsTicket(room: ChainRoom, caller: string): boolean {
  return room.roomType === 'Paid' && room.host !== caller;
}

/** A co-host may publish while the room is live or paused and they are in its active co-hosts. */
export function coHostAccess(room: ChainRoom | undefined, isCoHost: boolean): AccessDenial | null {
  if (!room) return 'ROOM_NOT_FOUND';
  if (!WATCHABLE.has(room.status)) return notWatchable(room);
  if (!isCoHost) return 'NOT_CO_HOST';
  return null;
}

/** Whether a viewer check needs chain facts at all (it does not when the room already refuses). */
export function viewerNeedsFacts(room: ChainRoom | undefined): boolean {
  return room !== undefined && WATCHABLE.has(room.status);
}
