import { describe, expect, it } from 'vitest';
import {
  type ChainEvent,
  decodeLivestreamEvent,
  type LivestreamEventName,
} from '../../src/chain/livestreamEvents.js';
import type { ChainRoom, EventValue } from '../../src/chain/types.js';
import { livekitActionsFor, openRoomAction } from '../../src/livekit/livekitActionsFor.js';
import { chainEvent } from '../support/chainEvents.js';

const HOST = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const VIEWER = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const LIMITS = { emptyTimeoutSeconds: 300, maxParticipants: 250 };

const BLOCK = { number: 7, hash: '0x07' };

function event(
  name: LivestreamEventName,
  roomId: number | null,
  data: Record<string, EventValue> = {},
): ChainEvent {
  return chainEvent(name, { ...(roomId === null ? {} : { roomId }), ...data }, { block: BLOCK });
}

function room(overrides: Partial<ChainRoom> = {}): ChainRoom {
  return {
    id: 4,
    host: HOST,
    title: 'Room',
    description: null,
    roomType: 'Paid',
    status: 'Live',
    coverCid: null,
    totalViewers: 0,
    peakViewers: 0,
    totalGifts: '0',
    ticketPrice: '5',
    createdAt: 3,
    startedAt: 7,
    endedAt: null,
    ...overrides,
  };
}

describe('livekitActionsFor', () => {
  it('creates room-<id> on LiveStarted with the limits and metadata naming the room, host and type', () => {
    const actions = livekitActionsFor(event('LiveStarted', 4, { startedAt: 7 }), room(), LIMITS);
    expect(actions).toEqual([
      {
        kind: 'createRoom',
        room: 'room-4',
        input: {
          name: 'room-4',
          emptyTimeoutSeconds: 300,
          maxParticipants: 250,
          metadata: JSON.stringify({ roomId: 4, host: HOST, roomType: 'Paid' }),
        },
      },
    ]);
  });

  it('still creates the room when the room is unknown, with null host and type in the metadata', () => {
    const [action] = livekitActionsFor(event('LiveStarted', 9), undefined, LIMITS);
    expect(action?.kind).toBe('createRoom');
    expect(action?.kind === 'createRoom' && JSON.parse(action.input.metadata)).toEqual({
      roomId: 9,
      host: null,
      roomType: null,
    });
  });

  it('deletes the room when the live ends and when the room is banned', () => {
    expect(livekitActionsFor(event('LiveEnded', 4), room({ status: 'Ended' }), LIMITS)).toEqual([
      { kind: 'deleteRoom', room: 'room-4' },
    ]);
    expect(
      livekitActionsFor(event('RoomBanned', 4, { reason: 'spam' }), room({ status: 'Banned' }), LIMITS),
    ).toEqual([{ kind: 'deleteRoom', room: 'room-4' }]);
  });

  it('removes a kicked viewer by their address', () => {
    expect(livekitActionsFor(event('ViewerKicked', 4, { viewer: VIEWER }), room(), LIMITS)).toEqual([
      { kind: 'removeParticipant', room: 'room-4', identity: VIEWER },
    ]);
  });

  it('creates the room already at RoomCreated, with the same options as at LiveStarted, so the host can connect while Preparing', () => {
    const preparing = room({ status: 'Preparing', startedAt: null });
    const created = livekitActionsFor(
      event('RoomCreated', 4, { host: HOST, roomType: 'Paid' }),
      preparing,
      LIMITS,
    );
    expect(created).toEqual([openRoomAction(4, preparing, LIMITS)]);
    expect(created).toEqual(livekitActionsFor(event('LiveStarted', 4, { startedAt: 7 }), room(), LIMITS));
  });

  it('puts a new co-host on stage and an ended one back in the audience, in place', () => {
    expect(livekitActionsFor(event('CoHostStarted', 4, { coHost: VIEWER }), room(), LIMITS)).toEqual([
      { kind: 'setStageRole', room: 'room-4', identity: VIEWER, role: 'coHost' },
    ]);
    expect(livekitActionsFor(event('CoHostEnded', 4, { coHost: VIEWER }), room(), LIMITS)).toEqual([
      { kind: 'setStageRole', room: 'room-4', identity: VIEWER, role: 'viewer' },
    ]);
  });

  it('does nothing for events that do not concern LiveKit', () => {
    for (const name of ['LivePaused', 'LiveResumed', 'GiftSent', 'TicketPurchased'] as const) {
      expect(livekitActionsFor(event(name, 4), room(), LIMITS)).toEqual([]);
    }
    expect(livekitActionsFor(event('EarningsWithdrawn', null, { host: HOST }), undefined, LIMITS)).toEqual(
      [],
    );
  });

  it('does nothing when the account field is missing or not an address: such an event is not decoded', () => {
    const raw = (name: string, data: Record<string, EventValue>) =>
      decodeLivestreamEvent({ id: '7-0', name, block: BLOCK, data });
    expect(raw('ViewerKicked', { roomId: 4 })).toBe(null);
    expect(raw('CoHostStarted', { roomId: 4, coHost: null })).toBe(null);
    expect(raw('CoHostEnded', { roomId: 4, coHost: 12 })).toBe(null);
  });
});
