import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { MAX_BULK_ROOMS, parseSeed } from '../../src/devchain/seeds.js';
import { type LiveRoomCodec, livestream } from './livestreamCodecs.js';
import { storage } from './polkadotAccess.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

describe('parseSeed', () => {
  it('reads none, demo and rooms:<count>', () => {
    expect(parseSeed(undefined)).toEqual({ kind: 'none' });
    expect(parseSeed('none')).toEqual({ kind: 'none' });
    expect(parseSeed('demo')).toEqual({ kind: 'demo' });
    expect(parseSeed('rooms:500')).toEqual({ kind: 'rooms', count: 500 });
    expect(parseSeed(`rooms:${MAX_BULK_ROOMS}`)).toEqual({ kind: 'rooms', count: MAX_BULK_ROOMS });
  });

  it('refuses anything else', () => {
    for (const bad of [
      'rooms:0',
      'rooms:-1',
      'rooms:1e3',
      'rooms:',
      'rooms',
      `rooms:${MAX_BULK_ROOMS + 1}`,
      'Demo',
    ]) {
      expect(() => parseSeed(bad), bad).toThrow(/unknown seed/);
    }
  });
});

describe('the bulk seed (rooms:500)', () => {
  let t: DevChainApi;
  const COUNT = 500;

  beforeAll(async () => {
    t = await startDevChainApi({ seed: { kind: 'rooms', count: COUNT } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('writes the rooms into genesis state, ids 0 to count-1, over every status and type', async () => {
    expect(t.dev.chain.head.number).toBe(0);
    expect((await livestream(t.api).nextRoomId()).toNumber()).toBe(COUNT);
    const entries = await storage(t.api, 'livestream', 'liveRooms').entries();
    expect(entries).toHaveLength(COUNT);
    const ids = entries.map(([key]) => Number(key.args[0]?.toString())).sort((a, b) => a - b);
    expect(ids[0]).toBe(0);
    expect(ids[COUNT - 1]).toBe(COUNT - 1);
    const rooms = entries.map(([, value]) => (value as unknown as { unwrap(): LiveRoomCodec }).unwrap());
    const count = (pick: (r: LiveRoomCodec) => string) =>
      rooms.reduce<Record<string, number>>((acc, r) => {
        acc[pick(r)] = (acc[pick(r)] ?? 0) + 1;
        return acc;
      }, {});
    expect(count((r) => r.status.type)).toEqual({
      Preparing: 100,
      Live: 100,
      Paused: 100,
      Ended: 100,
      Banned: 100,
    });
    expect(Object.keys(count((r) => r.roomType.type)).sort()).toEqual([
      'MultiHost',
      'Normal',
      'Paid',
      'Private',
    ]);
    for (const room of rooms.filter((r) => r.roomType.type === 'Paid')) {
      expect(room.ticketPrice.unwrap().toBigInt()).toBe(5n * UNIT);
    }
    const seven = (await livestream(t.api).liveRoom(7)).unwrap();
    expect(seven.title.toUtf8()).toBe('Room 7');
  });

  it('gives every host with an active room a HostRoom entry', async () => {
    const hostRooms = await storage(t.api, 'livestream', 'hostRoom').entries();
    // Preparing, Live and Paused rooms: three statuses out of five.
    expect(hostRooms).toHaveLength((COUNT * 3) / 5);
  });
});

describe('the empty seed', () => {
  let t: DevChainApi;

  beforeAll(async () => {
    t = await startDevChainApi();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('has the dev accounts and nothing in Livestream', async () => {
    expect((await livestream(t.api).nextRoomId()).toNumber()).toBe(0);
    expect((await livestream(t.api).nextGiftId()).toNumber()).toBe(0);
    expect(await storage(t.api, 'livestream', 'liveRooms').entries()).toEqual([]);
    expect(await storage(t.api, 'livestream', 'gifts').keys()).toEqual([]);
    const accounts = await storage(t.api, 'system', 'account').keys();
    expect(accounts.map((k) => k.args[0]?.toString()).sort()).toEqual(
      Object.values(t.dev.chain.pairs)
        .map((p) => p.address)
        .sort(),
    );
  });
});
