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

/** The block whose state a read shows, and whether finality has reached it yet. */
export interface ServedBlock extends BlockRef {
  final: boolean;
}

/** A block as its header names it: where it sits and what it builds on. */
export interface BlockHeader extends BlockRef {
  parentHash: string;
}

export type EventValue = string | number | boolean | null;
