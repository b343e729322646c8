import { describe, expect, it } from 'vitest';
import { RoomIndex } from '../../src/chain/RoomIndex.js';
import type { ChainRoom, ServedBlock } from '../../src/chain/types.js';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';
import { RoomViews } from '../../src/rooms/RoomViews.js';
import { RoomDetail, RoomsPage } from '../../src/rooms/roomSchemas.js';
import { BOB } from '../support/chainEvents.js';
import { chainRoom } from '../support/chainRooms.js';

const room = (id: number, overrides: Partial<ChainRoom> = {}) =>
  chainRoom({ id, title: `Room ${id}`, createdAt: id, startedAt: id + 1, ...overrides });

const blockAt = (number: number, final: boolean): ServedBlock => ({
  number,
  hash: `0x${number.toString(16).padStart(64, '0')}`,
  final,
});

function setup() {
  const index = new RoomIndex();
  const presence = new ViewerPresence();
  const served: { block: ServedBlock | null } = { block: blockAt(7, true) };
  const views = new RoomViews({ rooms: index, presence, servedBlock: () => served.block });
  return { index, presence, served, views };
}

const FIRST_PAGE = { page: 1, limit: 20 } as const;
const parse = (body: Buffer) => RoomsPage.parse(JSON.parse(body.toString()));

describe('RoomViews', () => {
  it('is not loaded until the index is', () => {
    const { index, views } = setup();
    expect(views.loaded).toBe(false);
    index.load([]);
    expect(views.loaded).toBe(true);
  });

  it('is not loaded until a block is served', () => {
    const { index, served, views } = setup();
    index.load([]);
    served.block = null;
    expect(views.loaded).toBe(false);
  });

  it('shows a room with its chain fields, then its current viewers; the detail adds the block', () => {
    const { index, presence, views } = setup();
    index.load([room(3)]);
    presence.join(3, BOB);
    expect(views.view(3)).toEqual({ ...room(3), currentViewers: 1 });
    expect(RoomDetail.parse(views.detail(3))).toEqual({
      ...room(3),
      currentViewers: 1,
      block: blockAt(7, true),
    });
    expect(views.detail(4)).toBeUndefined();
    expect(Object.keys(views.view(3) ?? {}).at(-1)).toBe('currentViewers');
    expect(views.viewers(3)).toBe(1);
    expect(views.view(4)).toBeUndefined();
  });

  it('serves a page newest first, with total, page and limit, valid against the contract schema', () => {
    const { index, presence, views } = setup();
    index.load([room(1), room(2, { status: 'Ended' }), room(3)]);
    presence.join(1, BOB);
    const page = parse(views.page({ status: 'Live', ...FIRST_PAGE }).body);
    expect(page.rooms.map((r) => [r.id, r.currentViewers])).toEqual([
      [3, 0],
      [1, 1],
    ]);
    expect(page).toMatchObject({ total: 2, page: 1, limit: 20, block: blockAt(7, true) });
  });

  it('answers a new page (new ETag) when the served block or its finality changes', () => {
    const { index, served, views } = setup();
    index.load([room(1)]);
    served.block = blockAt(8, false);
    const best = views.page(FIRST_PAGE);
    expect(parse(best.body).block).toEqual(blockAt(8, false));

    served.block = blockAt(8, true);
    const final = views.page(FIRST_PAGE);
    expect(final.etag).not.toBe(best.etag);
    expect(parse(final.body).block).toEqual(blockAt(8, true));

    served.block = blockAt(9, false);
    expect(views.page(FIRST_PAGE).etag).not.toBe(final.etag);
  });

  it('answers the same page (same ETag) until a room or a viewer count changes', () => {
    const { index, presence, views } = setup();
    index.load([room(1)]);
    const first = views.page(FIRST_PAGE);
    expect(views.page(FIRST_PAGE)).toBe(first);
    expect(first.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);

    presence.join(1, BOB);
    const watched = views.page(FIRST_PAGE);
    expect(watched.etag).not.toBe(first.etag);
    expect(parse(watched.body).rooms[0]?.currentViewers).toBe(1);

    index.put(1, room(1, { title: 'Renamed' }));
    const renamed = views.page(FIRST_PAGE);
    expect(renamed.etag).not.toBe(watched.etag);
    expect(parse(renamed.body).rooms[0]?.title).toBe('Renamed');
  });

  it('keeps pages of different filters apart', () => {
    const { index, views } = setup();
    index.load([room(1, { roomType: 'Paid', ticketPrice: '5' }), room(2)]);
    expect(parse(views.page({ type: 'Paid', ...FIRST_PAGE }).body).rooms.map((r) => r.id)).toEqual([1]);
    expect(parse(views.page({ type: 'Normal', ...FIRST_PAGE }).body).rooms.map((r) => r.id)).toEqual([2]);
    expect(parse(views.page({ page: 2, limit: 1 }).body).rooms.map((r) => r.id)).toEqual([1]);
  });
});
