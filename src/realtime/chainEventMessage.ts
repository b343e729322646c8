import type { ChainEvent, LivestreamEventName } from '../chain/livestreamEvents.js';

/** WebSocket message type of each `Livestream` pallet event (part of the WebSocket contract). */
export const EVENT_MESSAGE_TYPES = {
  RoomCreated: 'room:created',
  LiveStarted: 'live:started',
  LivePaused: 'live:paused',
  LiveResumed: 'live:resumed',
  LiveEnded: 'live:ended',
  RoomUpdated: 'room:updated',
  TicketPurchased: 'ticket:purchased',
  GiftSent: 'gift:received',
  EarningsWithdrawn: 'earnings:withdrawn',
  ViewerKicked: 'viewer:kicked',
  ViewerUnbanned: 'viewer:unbanned',
  RoomBanned: 'room:banned',
  CoHostStarted: 'cohost:started',
  CoHostEnded: 'cohost:ended',
  GiftCreated: 'gift:created',
  GiftUpdated: 'gift:updated',
  LiveStatsSynced: 'stats:synced',
} as const satisfies Record<LivestreamEventName, string>;

export interface ChainEventMessage {
  type: string;
  id: string;
  roomId: number | null;
  block: { number: number; hash: string };
  /** False when pushed from a best block: it may still be retracted (`events:retracted`). */
  final: boolean;
  data: ChainEvent['data'];
}

/** Where a message goes: a room's subscribers, every connection, and some accounts' connections. */
export interface Route {
  room: number | null;
  everyone: boolean;
  /** SS58-42 addresses whose authenticated connections get it (in addition to the above). */
  accounts: string[];
  /** Kept for `since` resumes of the room. */
  replayable: boolean;
}

export interface RoutedMessage {
  message: object;
  route: Route;
}

/**
 * One chain event → the messages it produces and who receives them: room events go to the room;
 * `room:created` and `room:live` (beside `live:started`) to everyone; `viewer:kicked` also to the
 * kicked account; `earnings:withdrawn` only to the host; gift catalogue changes to everyone.
 */
export function routeChainEvent(event: ChainEvent, final: boolean): RoutedMessage[] {
  const message: ChainEventMessage = {
    type: EVENT_MESSAGE_TYPES[event.name],
    id: event.id,
    roomId: event.roomId,
    block: { number: event.block.number, hash: event.block.hash },
    final,
    data: event.data,
  };
  const inRoom: Route = { room: event.roomId, everyone: false, accounts: [], replayable: true };
  switch (event.name) {
    case 'RoomCreated':
      return [{ message, route: { ...inRoom, everyone: true } }];
    case 'LiveStarted':
      return [
        { message, route: inRoom },
        {
          message: {
            type: 'room:live',
            id: event.id,
            roomId: event.roomId,
            block: message.block,
            final,
            data: event.data,
          },
          route: { room: null, everyone: true, accounts: [], replayable: false },
        },
      ];
    case 'ViewerKicked':
      return [{ message, route: { ...inRoom, accounts: [event.data.viewer] } }];
    case 'EarningsWithdrawn':
      return [
        {
          message,
          route: { room: null, everyone: false, accounts: [event.data.host], replayable: false },
        },
      ];
    case 'GiftCreated':
    case 'GiftUpdated':
      return [{ message, route: { room: null, everyone: true, accounts: [], replayable: false } }];
    default:
      return [{ message, route: inRoom }];
  }
}

/** Event ids are `<block>-<index>`: compares them in chain order. */
export function compareEventIds(a: string, b: string): number {
  const [ab = 0, ai = 0] = a.split('-').map(Number);
  const [bb = 0, bi = 0] = b.split('-').map(Number);
  return ab - bb || ai - bi;
}

export const EVENT_ID_PATTERN = /^\d{1,12}-\d{1,6}$/;
