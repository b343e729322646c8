import { z } from 'zod';
import { type BlockRef, type EventValue, ROOM_TYPES } from './types.js';

const RoomId = z.number().int().min(0);
const Account = z.string().min(1).describe('SS58-42');
const Balance = z.string().regex(/^\d+$/).describe('planck as a decimal string');
const Count = z.number().int().min(0);

/**
 * The fields of every `Livestream` pallet event, camelCase, as the chain client decodes them
 * (pallet-livestream.md §5): one entry per event, so a new event or field is added here once.
 */
export const LIVESTREAM_EVENT_FIELDS = {
  RoomCreated: z.object({ host: Account, roomId: RoomId, roomType: z.enum(ROOM_TYPES) }),
  LiveStarted: z.object({ roomId: RoomId, startedAt: Count }),
  LivePaused: z.object({ roomId: RoomId }),
  LiveResumed: z.object({ roomId: RoomId }),
  LiveEnded: z.object({
    roomId: RoomId,
    duration: Count,
    totalViewers: Count,
    peakViewers: Count,
    totalGifts: Balance,
  }),
  RoomUpdated: z.object({ roomId: RoomId }),
  TicketPurchased: z.object({ roomId: RoomId, buyer: Account, price: Balance }),
  GiftSent: z.object({
    roomId: RoomId,
    sender: Account,
    receiver: Account,
    giftId: Count,
    quantity: Count,
    value: Balance,
  }),
  EarningsWithdrawn: z.object({ host: Account, amount: Balance }),
  ViewerKicked: z.object({ roomId: RoomId, viewer: Account }),
  ViewerUnbanned: z.object({ roomId: RoomId, viewer: Account }),
  RoomBanned: z.object({ roomId: RoomId, reason: z.string() }),
  CoHostStarted: z.object({ roomId: RoomId, coHost: Account }),
  CoHostEnded: z.object({ roomId: RoomId, coHost: Account }),
  GiftCreated: z.object({ giftId: Count, price: Balance }),
  GiftUpdated: z.object({ giftId: Count, enabled: z.boolean() }),
  LiveStatsSynced: z.object({ roomId: RoomId, totalViewers: Count, peakViewers: Count }),
} as const;

export type LivestreamEventName = keyof typeof LIVESTREAM_EVENT_FIELDS;

/**
 * An event's typed fields. Fields a later pallet version adds are kept (they reach the apps in
 * `data` as before), hence the open record beside the known ones.
 */
export type LivestreamEventData<N extends LivestreamEventName> = z.output<
  (typeof LIVESTREAM_EVENT_FIELDS)[N]
> &
  Readonly<Record<string, EventValue>>;

type RoomIdOf<N extends LivestreamEventName> =
  z.output<(typeof LIVESTREAM_EVENT_FIELDS)[N]> extends { roomId: number } ? number : null;

/**
 * One `Livestream` event of a block, discriminated by `name`: a `switch (event.name)` narrows
 * `data` to that event's fields and `roomId` to a number for room events.
 */
export type ChainEvent = {
  [N in LivestreamEventName]: {
    /** `<blockNumber>-<eventIndex>`: the same on every instance and after restarts. */
    id: string;
    name: N;
    roomId: RoomIdOf<N>;
    block: BlockRef;
    /** Balances as decimal strings, accounts as SS58-42, bytes as UTF-8. */
    data: LivestreamEventData<N>;
  };
}[LivestreamEventName];

/** A block's `Livestream` events, in order. */
export interface ChainBlock extends BlockRef {
  events: ChainEvent[];
}

export type ChainEventOf<N extends LivestreamEventName> = Extract<ChainEvent, { name: N }>;

export function isLivestreamEventName(name: string): name is LivestreamEventName {
  return Object.hasOwn(LIVESTREAM_EVENT_FIELDS, name);
}

export interface RawLivestreamEvent {
  id: string;
  name: string;
  block: BlockRef;
  data: Record<string, EventValue>;
}

/**
 * A decoded pallet event checked against its fields: null for a name this backend does not know
 * (another pallet version) or fields of the wrong type, which nothing downstream could act on.
 */
export function decodeLivestreamEvent(raw: RawLivestreamEvent): ChainEvent | null {
  if (!isLivestreamEventName(raw.name)) return null;
  if (!LIVESTREAM_EVENT_FIELDS[raw.name].safeParse(raw.data).success) return null;
  const roomId = typeof raw.data.roomId === 'number' ? raw.data.roomId : null;
  // The checked object itself is kept (not zod's copy): unknown fields stay, in their order.
  return { id: raw.id, name: raw.name, roomId, block: raw.block, data: raw.data } as ChainEvent;
}
