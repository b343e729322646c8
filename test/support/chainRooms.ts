import type { ChainRoom } from '../../src/chain/types.js';
import { ALICE } from './chainEvents.js';

/** A live Normal room 0 hosted by //Alice, with the given fields changed. */
export function chainRoom(overrides: Partial<ChainRoom> = {}): ChainRoom {
  return {
    id: 0,
    host: ALICE,
    title: 'Room',
    description: null,
    roomType: 'Normal',
    status: 'Live',
    coverCid: null,
    totalViewers: 0,
    peakViewers: 0,
    totalGifts: '0',
    ticketPrice: null,
    createdAt: 1,
    startedAt: 2,
    endedAt: null,
    ...overrides,
  };
}
