import { describe, expect, it } from 'vitest';
import { type ChainEvent, decodeLivestreamEvent } from '../../src/chain/livestreamEvents.js';
import {
  compareEventIds,
  EVENT_MESSAGE_TYPES,
  type Route,
  routeChainEvent,
} from '../../src/realtime/chainEventMessage.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const BLOCK = { number: 42, hash: `0x${'ab'.repeat(32)}` };

/** The event as the chain client decodes it; throws for one it would not pass on. */
function event(name: string, data: ChainEvent['data'], index = 1): ChainEvent {
  const decoded = decodeLivestreamEvent({ id: `${BLOCK.number}-${index}`, name, block: BLOCK, data });
  if (!decoded) throw new Error(`${name} does not decode`);
  return decoded;
}

const inRoom = (room: number): Route => ({ room, everyone: false, accounts: [], replayable: true });
const toEveryone: Route = { room: null, everyone: true, accounts: [], replayable: false };

/** Every pallet event with the fields the chain client decodes. */
const CASES: { name: string; data: ChainEvent['data']; type: string; routes: Route[] }[] = [
  {
    name: 'RoomCreated',
    data: { host: ALICE, roomId: 0, roomType: 'Normal' },
    type: 'room:created',
    routes: [{ ...inRoom(0), everyone: true }],
  },
  {
    name: 'LiveStarted',
    data: { roomId: 0, startedAt: 41 },
    type: 'live:started',
    routes: [inRoom(0), toEveryone],
  },
  { name: 'LivePaused', data: { roomId: 0 }, type: 'live:paused', routes: [inRoom(0)] },
  { name: 'LiveResumed', data: { roomId: 0 }, type: 'live:resumed', routes: [inRoom(0)] },
  {
    name: 'LiveEnded',
    data: { roomId: 0, duration: 10, totalViewers: 3, peakViewers: 2, totalGifts: '20000000000000' },
    type: 'live:ended',
    routes: [inRoom(0)],
  },
  { name: 'RoomUpdated', data: { roomId: 7 }, type: 'room:updated', routes: [inRoom(7)] },
  {
    name: 'TicketPurchased',
    data: { roomId: 1, buyer: BOB, price: '5000000000000' },
    type: 'ticket:purchased',
    routes: [inRoom(1)],
  },
  {
    name: 'GiftSent',
    data: { roomId: 0, sender: BOB, receiver: ALICE, giftId: 1, quantity: 2, value: '20000000000000' },
    type: 'gift:received',
    routes: [inRoom(0)],
  },
  {
    name: 'EarningsWithdrawn',
    data: { host: ALICE, amount: '1000000000000' },
    type: 'earnings:withdrawn',
    routes: [{ room: null, everyone: false, accounts: [ALICE], replayable: false }],
  },
  {
    name: 'ViewerKicked',
    data: { roomId: 0, viewer: BOB },
    type: 'viewer:kicked',
    routes: [{ ...inRoom(0), accounts: [BOB] }],
  },
  { name: 'ViewerUnbanned', data: { roomId: 0, viewer: BOB }, type: 'viewer:unbanned', routes: [inRoom(0)] },
  { name: 'RoomBanned', data: { roomId: 0, reason: 'spam' }, type: 'room:banned', routes: [inRoom(0)] },
  { name: 'CoHostStarted', data: { roomId: 0, coHost: BOB }, type: 'cohost:started', routes: [inRoom(0)] },
  { name: 'CoHostEnded', data: { roomId: 0, coHost: BOB }, type: 'cohost:ended', routes: [inRoom(0)] },
  {
    name: 'GiftCreated',
    data: { giftId: 3, price: '1000000000000' },
    type: 'gift:created',
    routes: [toEveryone],
  },
  { name: 'GiftUpdated', data: { giftId: 3, enabled: false }, type: 'gift:updated', routes: [toEveryone] },
  {
    name: 'LiveStatsSynced',
    data: { roomId: 0, totalViewers: 12, peakViewers: 5 },
    type: 'stats:synced',
    routes: [inRoom(0)],
  },
];

describe('routeChainEvent', () => {
  it('covers all 17 pallet events', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(EVENT_MESSAGE_TYPES).sort());
    expect(CASES).toHaveLength(17);
  });

  it.each(CASES)('maps $name to $type with its id, room, block and data', ({ name, data, type, routes }) => {
    const routed = routeChainEvent(event(name, data, 3), true);
    expect(routed.map((r) => r.route)).toEqual(routes);
    const [first] = routed;
    expect(first?.message).toEqual({
      type,
      id: '42-3',
      roomId: typeof data.roomId === 'number' ? data.roomId : null,
      block: BLOCK,
      final: true,
      data,
    });
  });

  it('also announces LiveStarted to everyone as room:live, with the same id and data', () => {
    const [, live] = routeChainEvent(event('LiveStarted', { roomId: 5, startedAt: 41 }, 2), false);
    expect(live?.message).toEqual({
      type: 'room:live',
      id: '42-2',
      roomId: 5,
      block: BLOCK,
      final: false,
      data: { roomId: 5, startedAt: 41 },
    });
  });

  it('routes nothing for events of other pallets or unknown names: they are not decoded', () => {
    expect(decodeLivestreamEvent({ id: '42-1', name: 'Transfer', block: BLOCK, data: { from: ALICE } })).toBe(
      null,
    );
    expect(decodeLivestreamEvent({ id: '42-1', name: 'toString', block: BLOCK, data: {} })).toBe(null);
  });

  it('passes on no kick without a decodable viewer (nobody to address it to)', () => {
    expect(
      decodeLivestreamEvent({
        id: '42-1',
        name: 'ViewerKicked',
        block: BLOCK,
        data: { roomId: 0, viewer: null },
      }),
    ).toBe(null);
  });

  it('serializes to JSON with room id 0 kept as a number', () => {
    const [paused] = routeChainEvent(event('LivePaused', { roomId: 0 }), true);
    expect(JSON.parse(JSON.stringify(paused?.message))).toMatchObject({ roomId: 0, data: { roomId: 0 } });
  });
});

describe('compareEventIds', () => {
  it('orders by block number, then by event index, numerically', () => {
    expect(compareEventIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareEventIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareEventIds('10-10', '10-2')).toBeGreaterThan(0);
    expect(compareEventIds('100-1', '99-999')).toBeGreaterThan(0);
    expect(compareEventIds('7-3', '7-3')).toBe(0);
  });

  it('sorts a shuffled list into chain order', () => {
    const ids = ['12-1', '3-0', '12-0', '100-0', '3-11', '3-2'];
    expect([...ids].sort(compareEventIds)).toEqual(['3-0', '3-2', '3-11', '12-0', '12-1', '100-0']);
  });
});
