import { describe, expect, it } from 'vitest';
import {
  coHostAccess,
  needsTicket,
  publisherAccess,
  type ViewerFacts,
  viewerAccess,
  viewerNeedsFacts,
} from '../../src/access/roomAccess.js';
import { type ChainRoom, ROOM_STATUSES, type RoomStatus } from '../../src/chain/types.js';
import { chainRoom } from '../support/chainRooms.js';

const HOST = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const OTHER = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

const room = (overrides: Partial<ChainRoom> = {}) => chainRoom({ host: HOST, ...overrides });

const NO_FACTS: ViewerFacts = { blacklisted: false, hasTicket: false, isCoHost: false };

describe('publisherAccess', () => {
  it('lets the host publish while the room is Preparing, Live or Paused', () => {
    for (const status of ['Preparing', 'Live', 'Paused'] as const) {
      expect(publisherAccess(room({ status }), HOST), status).toBeNull();
    }
  });

  it('refuses the host of an Ended or Banned room with ROOM_NOT_AVAILABLE', () => {
    expect(publisherAccess(room({ status: 'Ended' }), HOST)).toBe('ROOM_NOT_AVAILABLE');
    expect(publisherAccess(room({ status: 'Banned' }), HOST)).toBe('ROOM_NOT_AVAILABLE');
  });

  it('refuses anyone but the host, in any status', () => {
    for (const status of ROOM_STATUSES) {
      expect(publisherAccess(room({ status }), OTHER), status).toBe('NOT_ROOM_HOST');
    }
  });

  it('refuses a missing room first', () => {
    expect(publisherAccess(undefined, HOST)).toBe('ROOM_NOT_FOUND');
  });

  it('grants room 0 like any other', () => {
    expect(publisherAccess(room({ id: 0 }), HOST)).toBeNull();
  });
});

describe('viewerAccess', () => {
  it('admits anyone to a Live or Paused Normal room', () => {
    expect(viewerAccess(room({ status: 'Live' }), OTHER, NO_FACTS)).toBeNull();
    expect(viewerAccess(room({ status: 'Paused' }), OTHER, NO_FACTS)).toBeNull();
  });

  it('refuses a Preparing room with ROOM_NOT_LIVE, Ended and Banned rooms with ROOM_NOT_AVAILABLE', () => {
    expect(viewerAccess(room({ status: 'Preparing' }), OTHER, NO_FACTS)).toBe('ROOM_NOT_LIVE');
    for (const status of ['Ended', 'Banned'] as RoomStatus[]) {
      expect(viewerAccess(room({ status }), OTHER, NO_FACTS), status).toBe('ROOM_NOT_AVAILABLE');
    }
  });

  it('refuses a blacklisted viewer with VIEWER_BANNED, even with a ticket', () => {
    expect(viewerAccess(room(), OTHER, { ...NO_FACTS, blacklisted: true })).toBe('VIEWER_BANNED');
    expect(
      viewerAccess(room({ roomType: 'Paid' }), OTHER, {
        blacklisted: true,
        hasTicket: true,
        isCoHost: false,
      }),
    ).toBe('VIEWER_BANNED');
  });

  it('asks for a ticket in a Paid room, except from the host and active co-hosts', () => {
    const paid = room({ roomType: 'Paid', ticketPrice: '5' });
    expect(viewerAccess(paid, OTHER, NO_FACTS)).toBe('TICKET_REQUIRED');
    expect(viewerAccess(paid, OTHER, { ...NO_FACTS, hasTicket: true })).toBeNull();
    expect(viewerAccess(paid, OTHER, { ...NO_FACTS, isCoHost: true })).toBeNull();
    expect(viewerAccess(paid, HOST, NO_FACTS)).toBeNull();
  });

  it('needs no ticket in the other room types', () => {
    for (const roomType of ['Normal', 'Private', 'MultiHost'] as const) {
      expect(viewerAccess(room({ roomType }), OTHER, NO_FACTS), roomType).toBeNull();
    }
  });

  it('checks in order: room, status, blacklist, ticket', () => {
    const all: ViewerFacts = { blacklisted: true, hasTicket: false, isCoHost: false };
    expect(viewerAccess(undefined, OTHER, all)).toBe('ROOM_NOT_FOUND');
    expect(viewerAccess(room({ roomType: 'Paid', status: 'Ended' }), OTHER, all)).toBe('ROOM_NOT_AVAILABLE');
    expect(viewerAccess(room({ roomType: 'Paid', status: 'Preparing' }), OTHER, all)).toBe('ROOM_NOT_LIVE');
    expect(viewerAccess(room({ roomType: 'Paid' }), OTHER, all)).toBe('VIEWER_BANNED');
    expect(viewerAccess(room({ roomType: 'Paid' }), OTHER, { ...all, blacklisted: false })).toBe(
      'TICKET_REQUIRED',
    );
  });
});

describe('needsTicket and viewerNeedsFacts', () => {
  it('asks a ticket of Paid-room viewers other than the host', () => {
    expect(needsTicket(room({ roomType: 'Paid' }), OTHER)).toBe(true);
    expect(needsTicket(room({ roomType: 'Paid' }), HOST)).toBe(false);
    expect(needsTicket(room({ roomType: 'Normal' }), OTHER)).toBe(false);
  });

  it('needs chain facts only when the room itself does not already refuse', () => {
    expect(viewerNeedsFacts(undefined)).toBe(false);
    expect(viewerNeedsFacts(room({ status: 'Live' }))).toBe(true);
    expect(viewerNeedsFacts(room({ status: 'Paused' }))).toBe(true);
    expect(viewerNeedsFacts(room({ status: 'Preparing' }))).toBe(false);
    expect(viewerNeedsFacts(room({ status: 'Ended' }))).toBe(false);
  });
});

describe('coHostAccess', () => {
  it('lets an active co-host publish while the room is Live or Paused', () => {
    expect(coHostAccess(room({ status: 'Live' }), true)).toBeNull();
    expect(coHostAccess(room({ status: 'Paused' }), true)).toBeNull();
  });

  it('refuses anyone not in the active co-hosts with NOT_CO_HOST', () => {
    expect(coHostAccess(room(), false)).toBe('NOT_CO_HOST');
  });

  it('refuses a Preparing room with ROOM_NOT_LIVE and Ended or Banned ones with ROOM_NOT_AVAILABLE, before the co-host check', () => {
    for (const isCoHost of [true, false]) {
      expect(coHostAccess(room({ status: 'Preparing' }), isCoHost)).toBe('ROOM_NOT_LIVE');
      expect(coHostAccess(room({ status: 'Ended' }), isCoHost)).toBe('ROOM_NOT_AVAILABLE');
      expect(coHostAccess(room({ status: 'Banned' }), isCoHost)).toBe('ROOM_NOT_AVAILABLE');
    }
  });

  it('refuses a missing room with ROOM_NOT_FOUND', () => {
    expect(coHostAccess(undefined, true)).toBe('ROOM_NOT_FOUND');
  });
});

/**
 * The whole contract in one table (DESIGN.md §4.2–4.3): for each room state, what each caller gets.
 * Columns: the host asking to publish, anyone else asking to publish, a plain viewer, a banned
 * viewer, a viewer of a Paid room without a ticket, an active co-host, someone not a co-host.
 */
describe('the room-state × role table of answers', () => {
  type Row = [
    publisherHost: string | null,
    publisherOther: string | null,
    viewer: string | null,
    viewerBanned: string | null,
    viewerPaidNoTicket: string | null,
    coHost: string | null,
    notCoHost: string | null,
  ];
  const TABLE: Record<RoomStatus | 'missing', Row> = {
    missing: [
      'ROOM_NOT_FOUND',
      'ROOM_NOT_FOUND',
      'ROOM_NOT_FOUND',
      'ROOM_NOT_FOUND',
      'ROOM_NOT_FOUND',
      'ROOM_NOT_FOUND',
      'ROOM_NOT_FOUND',
    ],
    Preparing: [
      null,
      'NOT_ROOM_HOST',
      'ROOM_NOT_LIVE',
      'ROOM_NOT_LIVE',
      'ROOM_NOT_LIVE',
      'ROOM_NOT_LIVE',
      'ROOM_NOT_LIVE',
    ],
    Live: [null, 'NOT_ROOM_HOST', null, 'VIEWER_BANNED', 'TICKET_REQUIRED', null, 'NOT_CO_HOST'],
    Paused: [null, 'NOT_ROOM_HOST', null, 'VIEWER_BANNED', 'TICKET_REQUIRED', null, 'NOT_CO_HOST'],
    Ended: [
      'ROOM_NOT_AVAILABLE',
      'NOT_ROOM_HOST',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
    ],
    Banned: [
      'ROOM_NOT_AVAILABLE',
      'NOT_ROOM_HOST',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
      'ROOM_NOT_AVAILABLE',
    ],
  };

  it('covers every room status', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ROOM_STATUSES, 'missing'].sort());
  });

  for (const [state, expected] of Object.entries(TABLE)) {
    it(`answers as the contract says for a ${state} room`, () => {
      const normal = state === 'missing' ? undefined : room({ status: state as RoomStatus });
      const paid = state === 'missing' ? undefined : room({ status: state as RoomStatus, roomType: 'Paid' });
      const actual: Row = [
        publisherAccess(normal, HOST),
        publisherAccess(normal, OTHER),
        viewerAccess(normal, OTHER, NO_FACTS),
        viewerAccess(normal, OTHER, { ...NO_FACTS, blacklisted: true }),
        viewerAccess(paid, OTHER, NO_FACTS),
        coHostAccess(normal, true),
        coHostAccess(normal, false),
      ];
      expect(actual).toEqual(expected);
    });
  }
});
