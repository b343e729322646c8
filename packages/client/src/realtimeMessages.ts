/**
 * The server → client messages of the WebSocket protocol (`/ws-protocol.json`), typed. A test holds
 * these lists equal to the document the server serves, so they cannot drift apart silently.
 */
import type { Room, RoomType } from './apiTypes.js';

/** Chain event message types: one per `Livestream` pallet event, plus `room:live` to everyone. */
export const CHAIN_EVENT_TYPES = [
  'room:live',
  'room:created',
  'live:started',
  'live:paused',
  'live:resumed',
  'live:ended',
  'room:updated',
  'ticket:purchased',
  'gift:received',
  'earnings:withdrawn',
  'viewer:kicked',
  'viewer:unbanned',
  'room:banned',
  'cohost:started',
  'cohost:ended',
  'gift:created',
  'gift:updated',
  'stats:synced',
] as const;
export type ChainEventType = (typeof CHAIN_EVENT_TYPES)[number];

/** Chain event types that reach a room's subscribers and are replayed on resume (the rest go to everyone or to one account). */
export const NOT_ROOM_EVENT_TYPES: readonly ChainEventType[] = [
  'room:live',
  'earnings:withdrawn',
  'gift:created',
  'gift:updated',
];

export type EventValue = string | number | boolean | null;

/** SS58 address, prefix 42. */
type Account = string;
/** Planck (12 decimals) as a decimal string. */
type Balance = string;

/** The `data` of each chain event type: the pallet event's fields, camelCase. */
export interface ChainEventData {
  'room:created': { host: Account; roomId: number; roomType: RoomType };
  'room:live': { roomId: number; startedAt: number };
  'live:started': { roomId: number; startedAt: number };
  'live:paused': { roomId: number };
  'live:resumed': { roomId: number };
  'live:ended': {
    roomId: number;
    duration: number;
    totalViewers: number;
    peakViewers: number;
    totalGifts: Balance;
  };
  'room:updated': { roomId: number };
  'ticket:purchased': { roomId: number; buyer: Account; price: Balance };
  'gift:received': {
    roomId: number;
    sender: Account;
    receiver: Account;
    giftId: number;
    quantity: number;
    value: Balance;
  };
  'earnings:withdrawn': { host: Account; amount: Balance };
  'viewer:kicked': { roomId: number; viewer: Account };
  'viewer:unbanned': { roomId: number; viewer: Account };
  'room:banned': { roomId: number; reason: string };
  'cohost:started': { roomId: number; coHost: Account };
  'cohost:ended': { roomId: number; coHost: Account };
  'gift:created': { giftId: number; price: Balance };
  'gift:updated': { giftId: number; enabled: boolean };
  'stats:synced': { roomId: number; totalViewers: number; peakViewers: number };
}

export interface ChainEventMessage<T extends ChainEventType = ChainEventType> {
  type: T;
  /** `<block>-<index>`: the event's chain position, the same on every server instance. */
  id: string;
  roomId: number | null;
  block: { number: number; hash: string };
  /**
   * The pallet event's fields in camelCase: balances as decimal strings, accounts SS58-42. Fields a
   * later pallet version adds may appear beside the typed ones.
   */
  data: ChainEventData[T] & Readonly<Record<string, EventValue>>;
  /**
   * From servers that deliver events of best (not yet finalized) blocks: false until the block is
   * final (then `block:finalized` follows, or `events:retracted` if the block was dropped).
   * Absent: the event is from a finalized block.
   */
  final?: boolean;
}

/** Any chain event message: a `switch (event.type)` narrows `data` to that event's fields. */
export type AnyChainEventMessage = { [T in ChainEventType]: ChainEventMessage<T> }[ChainEventType];

/** Protocol error codes of `{type:"error"}` frames. */
export const WS_ERROR_CODES = [
  'BAD_FRAME',
  'VALIDATION_ERROR',
  'UNKNOWN_TYPE',
  'ROOM_NOT_FOUND',
  'TOO_MANY_ROOMS',
  'NOT_JOINED',
  'AUTH_FAILED',
  'CHAIN_UNAVAILABLE',
  'VIEWER_BANNED',
] as const;
export type WsErrorCode = (typeof WS_ERROR_CODES)[number];

/** Close codes the server uses. */
export const CLOSE_CODES = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  HeartbeatTimeout: 4408,
  TooManyRequests: 4429,
} as const;

/** Every non-chain-event message, by type. */
export interface ServerMessages {
  'auth:ok': { type: 'auth:ok'; address: string };
  'room:joined': {
    type: 'room:joined';
    roomId: number;
    room: Room;
    viewers: number;
    lastEventId: string | null;
  };
  /** `reason` is set when the server took the connection out (`kicked`: the account was kicked). */
  'room:left': { type: 'room:left'; roomId: number; reason?: 'kicked' };
  /** The events since the resume point are no longer buffered: reload the room (`room:joined` follows). */
  'room:reset': { type: 'room:reset'; roomId: number };
  pong: { type: 'pong' };
  'viewer:joined': { type: 'viewer:joined'; roomId: number; address: string };
  'viewer:left': { type: 'viewer:left'; roomId: number; address: string };
  'viewers:count': { type: 'viewers:count'; roomId: number; count: number };
  error: { type: 'error'; code: WsErrorCode; message: string };
  'server:shutdown': { type: 'server:shutdown' };
}

/**
 * Messages of servers that deliver best-block events (finality confirmations and retractions of
 * dropped blocks). Passed on as sent, since their fields are still being settled.
 */
export interface FinalityMessages {
  'block:finalized': { type: 'block:finalized'; [field: string]: unknown };
  'events:retracted': { type: 'events:retracted'; [field: string]: unknown };
}
export const FINALITY_MESSAGE_TYPES = ['block:finalized', 'events:retracted'] as const;
