import type { z } from 'zod';
import {
  type ChainEventOf,
  decodeLivestreamEvent,
  type LIVESTREAM_EVENT_FIELDS,
  type LivestreamEventData,
  type LivestreamEventName,
} from '../../src/chain/livestreamEvents.js';
import type { BlockRef, EventValue } from '../../src/chain/types.js';

export const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
export const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const DEFAULT_BLOCK: BlockRef = { number: 42, hash: `0x${'ab'.repeat(32)}` };

/** Plausible fields of every event, so a test names only the ones it is about. */
const SAMPLE_FIELDS: { [N in LivestreamEventName]: z.output<(typeof LIVESTREAM_EVENT_FIELDS)[N]> } = {
  RoomCreated: { host: ALICE, roomId: 0, roomType: 'Normal' },
  LiveStarted: { roomId: 0, startedAt: 41 },
  LivePaused: { roomId: 0 },
  LiveResumed: { roomId: 0 },
  LiveEnded: { roomId: 0, duration: 10, totalViewers: 3, peakViewers: 2, totalGifts: '0' },
  RoomUpdated: { roomId: 0 },
  TicketPurchased: { roomId: 0, buyer: BOB, price: '5000000000000' },
  GiftSent: { roomId: 0, sender: BOB, receiver: ALICE, giftId: 1, quantity: 1, value: '1000000000000' },
  EarningsWithdrawn: { host: ALICE, amount: '1000000000000' },
  ViewerKicked: { roomId: 0, viewer: BOB },
  ViewerUnbanned: { roomId: 0, viewer: BOB },
  RoomBanned: { roomId: 0, reason: 'spam' },
  CoHostStarted: { roomId: 0, coHost: BOB },
  CoHostEnded: { roomId: 0, coHost: BOB },
  GiftCreated: { giftId: 0, price: '1000000000000' },
  GiftUpdated: { giftId: 0, enabled: true },
  LiveStatsSynced: { roomId: 0, totalViewers: 0, peakViewers: 0 },
};

/**
 * A pallet event as the chain client hands it over (through the same decoder), with sample
 * fields under the ones given.
 */
export function chainEvent<N extends LivestreamEventName>(
  name: N,
  fields: Partial<LivestreamEventData<N>> = {},
  at: { block?: BlockRef; index?: number } = {},
): ChainEventOf<N> {
  const block = at.block ?? DEFAULT_BLOCK;
  const data: Record<string, EventValue> = {
    ...SAMPLE_FIELDS[name],
    ...(fields as Record<string, EventValue>),
  };
  const event = decodeLivestreamEvent({ id: `${block.number}-${at.index ?? 0}`, name, block, data });
  if (!event) throw new Error(`not a valid ${name} event: ${JSON.stringify(data)}`);
  return event as ChainEventOf<N>;
}
