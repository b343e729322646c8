/** The room view's shape, shared by the HTTP contract and the WebSocket protocol. */
import { z } from 'zod';
import { ROOM_STATUSES, ROOM_TYPES } from '../chain/types.js';

export const Balance = z.string().regex(/^\d+$/).describe('planck (12 decimals) as a decimal string');
export const BlockNumber = z.number().int().min(0).describe('a block number');
export const Address = z.string().describe('SS58 address, prefix 42');

export const Room = z.object({
  id: z.number().int().min(0),
  host: Address,
  title: z.string(),
  description: z.string().nullable(),
  roomType: z.enum(ROOM_TYPES),
  status: z.enum(ROOM_STATUSES),
  coverCid: z.string().nullable(),
  totalViewers: z.number().int().min(0),
  peakViewers: z.number().int().min(0),
  totalGifts: Balance,
  ticketPrice: Balance.nullable(),
  createdAt: BlockNumber,
  startedAt: BlockNumber.nullable(),
  endedAt: BlockNumber.nullable(),
  currentViewers: z.number().int().min(0),
});

export const ServedBlock = z
  .object({
    number: BlockNumber,
    hash: z.string().regex(/^0x[0-9a-f]{64}$/),
    final: z.boolean().describe('false while the block may still be retracted (a best block)'),
  })
  .describe('the block whose state is shown: the best block the service applied');

/** A room over HTTP: the view plus the block it shows (`room:joined` carries the view only). */
export const RoomDetail = Room.extend({ block: ServedBlock });

export const RoomsPage = z.object({
  rooms: z.array(Room),
  total: z.number().int().min(0),
  page: z.number().int().min(1),
  limit: z.number().int().min(1).max(100),
  block: ServedBlock,
});
