import { describe, expect, it } from 'vitest';
import { RoomIndex } from '../../src/chain/RoomIndex.js';
import { type ChainRoom, ROOM_STATUSES, ROOM_TYPES } from '../../src/chain/types.js';

const HOSTS = [
  '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
  '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y',
] as const;

function room(id: number, overrides: Partial<ChainRoom> = {}): ChainRoom {
  return {
    id,
    host: HOSTS[id % HOSTS.length] as string,
    title: `Room ${id}`,
    description: null,
    roomType: ROOM_TYPES[id % ROOM_TYPES.length] ?? 'Normal',
    status: ROOM_STATUSES[id % ROOM_STATUSES.length] ?? 'Live',
    coverCid: null,
    totalViewers: 0,
    peakViewers: 0,
    totalGifts: '0',
    ticketPrice: null,
    createdAt: id,
    startedAt: null,
    endedAt: null,
    ...overrides,
  };
}

function loaded(count: number): { index: RoomIndex; rooms: ChainRoom[] } {
  const rooms = Array.from({ length: count }, (_, i) => room(i));
  const index = new RoomIndex();
  // Storage order is by hash, not by id.
  index.load([...rooms].sort((a, b) => (a.title < b.title ? -1 : 1)));
  return { index, rooms };
}

const ids = (page: { rooms: ChainRoom[] }) => page.rooms.map((r) => r.id);

describe('RoomIndex', () => {
  it('is empty and not loaded until the first load', () => {
    const index = new RoomIndex();
    expect(index.loaded).toBe(false);
    expect(index.size).toBe(0);
    expect(index.query({ page: 1, limit: 20 })).toEqual({ rooms: [], total: 0 });
    index.load([]);
    expect(index.loaded).toBe(true);
  });

  it('lists rooms newest first (descending id), whatever the load order', () => {
    const { index } = loaded(5);
    expect(ids(index.query({ page: 1, limit: 20 }))).toEqual([4, 3, 2, 1, 0]);
    expect(index.size).toBe(5);
    expect(index.get(3)?.title).toBe('Room 3');
    expect(index.get(99)).toBeUndefined();
  });

  it('pages with page and limit and reports the total of the filter', () => {
    const { index } = loaded(45);
    const first = index.query({ page: 1, limit: 20 });
    expect(first.total).toBe(45);
    expect(ids(first)).toEqual(Array.from({ length: 20 }, (_, i) => 44 - i));
    expect(ids(index.query({ page: 3, limit: 20 }))).toEqual([4, 3, 2, 1, 0]);
    expect(index.query({ page: 4, limit: 20 })).toEqual({ rooms: [], total: 45 });
    expect(ids(index.query({ page: 2, limit: 100 }))).toEqual([]);
  });

  it('filters by status, type, host and their combinations', () => {
    const { index, rooms } = loaded(60);
    const expected = (keep: (r: ChainRoom) => boolean) =>
      rooms
        .filter(keep)
        .map((r) => r.id)
        .sort((a, b) => b - a);
    const cases = [
      { query: { status: 'Live' as const }, keep: (r: ChainRoom) => r.status === 'Live' },
      { query: { type: 'Paid' as const }, keep: (r: ChainRoom) => r.roomType === 'Paid' },
      {
        query: { status: 'Ended' as const, type: 'Normal' as const },
        keep: (r: ChainRoom) => r.status === 'Ended' && r.roomType === 'Normal',
      },
      { query: { host: HOSTS[1] }, keep: (r: ChainRoom) => r.host === HOSTS[1] },
      {
        query: { host: HOSTS[2], status: 'Preparing' as const },
        keep: (r: ChainRoom) => r.host === HOSTS[2] && r.status === 'Preparing',
      },
      {
        query: { host: HOSTS[0], type: 'MultiHost' as const },
        keep: (r: ChainRoom) => r.host === HOSTS[0] && r.roomType === 'MultiHost',
      },
      {
        query: { host: HOSTS[0], status: 'Live' as const, type: 'Private' as const },
        keep: (r: ChainRoom) => r.host === HOSTS[0] && r.status === 'Live' && r.roomType === 'Private',
      },
    ];
    for (const { query, keep } of cases) {
      const want = expected(keep);
      const page = index.query({ ...query, page: 1, limit: 100 });
      expect(ids(page), JSON.stringify(query)).toEqual(want);
      expect(page.total, JSON.stringify(query)).toBe(want.length);
    }
    expect(index.query({ status: 'Live', host: 'nobody', page: 1, limit: 100 })).toEqual({
      rooms: [],
      total: 0,
    });
  });

  it('pages a combined host filter too', () => {
    const rooms = Array.from({ length: 30 }, (_, i) =>
      room(i, { host: HOSTS[0], status: i % 2 ? 'Live' : 'Ended' }),
    );
    const index = new RoomIndex();
    index.load(rooms);
    const page = index.query({ host: HOSTS[0], status: 'Live', page: 2, limit: 5 });
    expect(page.total).toBe(15);
    expect(ids(page)).toEqual([19, 17, 15, 13, 11]);
  });

  it('moves a changed room between the filtered lists and keeps the order', () => {
    const { index } = loaded(10);
    const before = index.query({ status: 'Live', page: 1, limit: 100 });
    expect(ids(before)).not.toContain(0);
    index.put(0, room(0, { status: 'Live', title: 'Now live' }));
    expect(ids(index.query({ status: 'Live', page: 1, limit: 100 }))).toEqual([...ids(before), 0]);
    expect(ids(index.query({ status: 'Preparing', page: 1, limit: 100 }))).not.toContain(0);
    expect(index.get(0)?.title).toBe('Now live');
    expect(index.size).toBe(10);

    index.put(7, room(7, { status: 'Live' }));
    const live = ids(index.query({ status: 'Live', page: 1, limit: 100 }));
    expect(live).toEqual([...live].sort((a, b) => b - a));
  });

  it('adds new rooms at the front and removes deleted ones everywhere', () => {
    const { index } = loaded(3);
    index.put(10, room(10, { status: 'Live', host: HOSTS[2] }));
    expect(ids(index.query({ page: 1, limit: 1 }))).toEqual([10]);
    expect(ids(index.query({ host: HOSTS[2], page: 1, limit: 100 }))).toEqual([10, 2]);
    expect(index.size).toBe(4);

    index.put(10, null);
    expect(index.get(10)).toBeUndefined();
    expect(ids(index.query({ page: 1, limit: 100 }))).toEqual([2, 1, 0]);
    expect(ids(index.query({ host: HOSTS[2], page: 1, limit: 100 }))).toEqual([2]);
    expect(ids(index.query({ status: 'Live', page: 1, limit: 100 }))).not.toContain(10);
    index.put(42, null);
    expect(index.size).toBe(3);
  });

  it('replaces everything on a reload (another chain)', () => {
    const { index } = loaded(10);
    index.load([room(100, { status: 'Live' })]);
    expect(index.size).toBe(1);
    expect(ids(index.query({ page: 1, limit: 100 }))).toEqual([100]);
    expect(index.get(3)).toBeUndefined();
    expect(index.query({ status: 'Ended', page: 1, limit: 100 })).toEqual({ rooms: [], total: 0 });
  });
});
