export const ROOM_STATUSES = ['Preparing', 'Live', 'Paused', 'Ended', 'Banned'] as const;
export const ROOM_TYPES = ['Normal', 'Paid', 'Private', 'MultiHost'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];
export type RoomType = (typeof ROOM_TYPES)[number];

/** A `LiveRoom` as the API shows it: UTF-8 text, balances as decimal strings, block numbers. */
export interface ChainRoom {
  id: number;
  /** SS58, prefix 42. */
  host: string;
  title: string;
  description: string | null;
  roomType: RoomType;
  status: RoomStatus;
  coverCid: string | null;
  totalViewers: number;
  peakViewers: number;
  totalGifts: string;
  ticketPrice: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface BlockRef {
  number: number;
  hash: string;
}

export type EventValue = string | number | boolean | null;

/** One `Livestream` pallet event of a finalized block. */
export interface ChainEvent {
  /** `<blockNumber>-<eventIndex>`: the same on every instance and after restarts. */
  id: string;
  /** The pallet's event name, e.g. `LiveStarted`. */
  name: string;
  roomId: number | null;
  block: BlockRef;
  /** Fields in camelCase; balances as decimal strings, accounts as SS58-42, bytes as UTF-8. */
  data: Record<string, EventValue>;
}

export interface FinalizedBlock extends BlockRef {
  events: ChainEvent[];
}
