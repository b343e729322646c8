import { describe, expect, it } from 'vitest';
import {
  decodeLivestreamEvent,
  LIVESTREAM_EVENT_FIELDS,
  type RawLivestreamEvent,
} from '../../src/chain/livestreamEvents.js';
import { ALICE, BOB, chainEvent } from '../support/chainEvents.js';

const BLOCK = { number: 9, hash: `0x${'09'.repeat(32)}` };
const raw = (name: string, data: RawLivestreamEvent['data']): RawLivestreamEvent => ({
  id: '9-2',
  name,
  block: BLOCK,
  data,
});

describe('decodeLivestreamEvent', () => {
  it('knows all 17 events of the pallet', () => {
    expect(Object.keys(LIVESTREAM_EVENT_FIELDS)).toHaveLength(17);
  });

  it('keeps a room event with its id, block, room and data as decoded', () => {
    const data = { roomId: 3, buyer: BOB, price: '5000000000000' };
    expect(decodeLivestreamEvent(raw('TicketPurchased', data))).toEqual({
      id: '9-2',
      name: 'TicketPurchased',
      roomId: 3,
      block: BLOCK,
      data,
    });
  });

  it('gives events without a room a null room (earnings, gift catalogue)', () => {
    expect(decodeLivestreamEvent(raw('EarningsWithdrawn', { host: ALICE, amount: '1' }))?.roomId).toBe(null);
    expect(decodeLivestreamEvent(raw('GiftUpdated', { giftId: 0, enabled: false }))?.roomId).toBe(null);
  });

  it('keeps fields a later pallet version adds, in their place', () => {
    const data = { roomId: 0, reason: 'spam', bond: '10' };
    expect(decodeLivestreamEvent(raw('RoomBanned', data))?.data).toBe(data);
  });

  it('drops unknown event names and events whose fields do not have their types', () => {
    expect(decodeLivestreamEvent(raw('RoomBondSlashed', { roomId: 0 }))).toBe(null);
    expect(decodeLivestreamEvent(raw('hasOwnProperty', {}))).toBe(null);
    expect(decodeLivestreamEvent(raw('LiveStarted', { roomId: '0', startedAt: 1 }))).toBe(null);
    expect(decodeLivestreamEvent(raw('GiftSent', { roomId: 0, sender: BOB }))).toBe(null);
    expect(
      decodeLivestreamEvent(
        raw('LiveEnded', { roomId: -1, duration: 1, totalViewers: 0, peakViewers: 0, totalGifts: '0' }),
      ),
    ).toBe(null);
  });

  it('narrows data by name, so a switch on the name reads typed fields', () => {
    const event = chainEvent('CoHostStarted', { roomId: 5, coHost: ALICE });
    switch (event.name) {
      case 'CoHostStarted':
        expect(event.data.coHost).toBe(ALICE);
        expect(event.roomId + 1).toBe(6);
    }
  });
});
