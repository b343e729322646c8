import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainRoom } from '../../../src/chain/types.js';
import { UNIT } from '../../../src/devchain/metadata/stardustMetadata.js';
import { BestWatch } from '../../support/BestWatch.js';
import { expectedDemoRoom0 } from '../../support/demoRoom0.js';
import { startTestService, type TestService } from '../../support/startTestService.js';
import { testPair } from '../../support/testPair.js';

const API = '/api/livestream';
const ROOM_KEYS = [
  'id',
  'host',
  'title',
  'description',
  'roomType',
  'status',
  'coverCid',
  'totalViewers',
  'peakViewers',
  'totalGifts',
  'ticketPrice',
  'createdAt',
  'startedAt',
  'endedAt',
  'currentViewers',
].sort();

type RoomBody = ChainRoom & { currentViewers: number };

/** Titles and descriptions exactly as the app shows them (multi-byte UTF-8, emoji with ZWJ and flags). */
const TITLES = [
  { title: '周末音乐会 🎶 第二场', description: '中文、日本語、한국어 — mixed 💬' },
  { title: '👩‍👩‍👧‍👦 Family 🇯🇵🇧🇷', description: 'Ünïcödé ✓ “quotes” ‘single’ © ® ™' },
  { title: 'Ελληνικά العربية עברית', description: null },
];

describe('room endpoints (full service on the dev chain)', () => {
  let service: TestService;
  /** Rooms this file created: id → host. */
  const created = new Map<number, KeyringPair>();

  const get = (path: string) => request(service.server).get(`${API}${path}`);
  const expectError = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: { error: { code, message: expect.any(String) } },
    });
  };
  const allRooms = async (query = ''): Promise<RoomBody[]> => {
    const res = await get(`/rooms?limit=100${query}`);
    expect(res.status).toBe(200);
    return res.body.rooms;
  };

  beforeAll(async () => {
    service = await startTestService();
    for (const [i, text] of TITLES.entries()) {
      const host = testPair('sr25519', `RoomsUtf8Host${i}`);
      await service.fund(host.address);
      const id = await service.createRoom(host, { title: text.title, description: text.description });
      created.set(id, host);
    }
  });

  afterAll(async () => {
    await service?.close();
  });

  describe('GET /room/:roomId', () => {
    it('shows room 0 with every field: UTF-8 text, enum names, balances as strings, block numbers', async () => {
      const res = await get('/room/0');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
      expect(Object.keys(res.body).sort()).toEqual([...ROOM_KEYS, 'block'].sort());
      const { finalized } = service.devchain.chain;
      expect(res.body).toEqual({
        ...expectedDemoRoom0(service.devchain.chain.pairs.Alice.address),
        currentViewers: expect.any(Number),
        block: { number: finalized.number, hash: finalized.hash, final: true },
      });
      expect(res.body.startedAt).toBeGreaterThan(res.body.createdAt);
    });

    it('shows a paid room with its ticket price and an ended room with its end block', async () => {
      expect((await get('/room/1')).body).toMatchObject({
        roomType: 'Paid',
        status: 'Preparing',
        ticketPrice: (5n * UNIT).toString(),
        startedAt: null,
        endedAt: null,
      });
      const ended = (await get('/room/2')).body as RoomBody;
      expect(ended.status).toBe('Ended');
      expect(ended.endedAt).toBeGreaterThanOrEqual(ended.startedAt as number);
    });

    it('returns titles and descriptions byte-exact (CJK, emoji sequences, RTL)', async () => {
      for (const [id] of created) {
        const text = TITLES[[...created.keys()].indexOf(id)];
        const res = await get(`/room/${id}`);
        expect(res.status).toBe(200);
        expect(res.body.title).toBe(text?.title);
        expect(res.body.description).toBe(text?.description);
        expect(Buffer.from(res.body.title, 'utf8').equals(Buffer.from(text?.title ?? '', 'utf8'))).toBe(true);
      }
    });

    it('refuses an unknown room with 404 ROOM_NOT_FOUND', async () => {
      expectError(await get('/room/999999'), 404, 'ROOM_NOT_FOUND');
      expectError(await get(`/room/${Number.MAX_SAFE_INTEGER}`), 404, 'ROOM_NOT_FOUND');
    });

    it('refuses ids that are not non-negative integers with 400 VALIDATION_ERROR', async () => {
      for (const id of [
        'abc',
        '-1',
        '1.5',
        '1e3',
        '0x10',
        '99999999999999999999',
        '%20',
        '9007199254740993',
      ]) {
        expectError(await get(`/room/${id}`), 400, 'VALIDATION_ERROR');
      }
    });
  });

  describe('GET /rooms', () => {
    it('lists rooms newest first with the default page of 20', async () => {
      const res = await get('/rooms');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['block', 'limit', 'page', 'rooms', 'total']);
      const { finalized } = service.devchain.chain;
      expect(res.body.block).toEqual({ number: finalized.number, hash: finalized.hash, final: true });
      expect(res.body.page).toBe(1);
      expect(res.body.limit).toBe(20);
      expect(res.body.total).toBe(service.rooms.size);
      const ids = (res.body.rooms as RoomBody[]).map((r) => r.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(ids).toContain(0);
      for (const room of res.body.rooms as RoomBody[]) expect(Object.keys(room).sort()).toEqual(ROOM_KEYS);
    });

    it('shows the same exact UTF-8 text in the list as in the room', async () => {
      const rooms = await allRooms();
      for (const [i, id] of [...created.keys()].entries()) {
        const room = rooms.find((r) => r.id === id);
        expect(room?.title).toBe(TITLES[i]?.title);
        expect(room?.description).toBe(TITLES[i]?.description);
      }
    });

    it('pages with page and limit: consecutive pages partition the list', async () => {
      const all = (await allRooms()).map((r) => r.id);
      expect(all.length).toBeGreaterThanOrEqual(7);
      const seen: number[] = [];
      for (let page = 1; ; page++) {
        const res = await get(`/rooms?page=${page}&limit=2`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ page, limit: 2, total: all.length });
        if (res.body.rooms.length === 0) break;
        expect(res.body.rooms.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.rooms as RoomBody[]).map((r) => r.id));
      }
      expect(seen).toEqual(all);
      const beyond = await get('/rooms?page=1000&limit=100');
      expect(beyond.body).toMatchObject({ rooms: [], total: all.length, page: 1000, limit: 100 });
    });

    it('accepts limit up to 100 and refuses more, zero, or non-numbers with 400 VALIDATION_ERROR', async () => {
      expect((await get('/rooms?limit=100')).status).toBe(200);
      expect((await get('/rooms?limit=1')).body.rooms).toHaveLength(1);
      for (const query of [
        'limit=101',
        'limit=1000',
        'limit=0',
        'limit=-5',
        'limit=abc',
        'limit=2.5',
        'page=0',
        'page=-1',
        'page=x',
        'page=1e2',
        'limit=10&limit=20',
      ]) {
        expectError(await get(`/rooms?${query}`), 400, 'VALIDATION_ERROR');
      }
    });

    it('filters by status and by type, alone or together', async () => {
      const rooms = await allRooms();
      for (const status of ['Preparing', 'Live', 'Paused', 'Ended', 'Banned'] as const) {
        const res = await get(`/rooms?status=${status}&limit=100`);
        expect(res.status).toBe(200);
        const want = rooms.filter((r) => r.status === status).map((r) => r.id);
        expect(
          (res.body.rooms as RoomBody[]).map((r) => r.id),
          status,
        ).toEqual(want);
        expect(res.body.total).toBe(want.length);
      }
      const paid = await allRooms('&type=Paid');
      expect(paid.map((r) => r.id).sort()).toEqual([1, 3]);
      const paidLive = await allRooms('&type=Paid&status=Live');
      expect(paidLive.map((r) => r.id)).toEqual([3]);
    });

    it('filters by host given as SS58 (any prefix) or hex public key', async () => {
      const { Alice } = service.devchain.chain.pairs;
      for (const host of [Alice.address, encodeAddress(Alice.publicKey, 0), u8aToHex(Alice.publicKey)]) {
        const res = await get(`/rooms?host=${encodeURIComponent(host)}`);
        expect(res.status).toBe(200);
        expect((res.body.rooms as RoomBody[]).map((r) => r.id)).toEqual([0]);
      }
      const [id, host] = [...created.entries()][0] as [number, KeyringPair];
      expect((await allRooms(`&host=${host.address}&status=Preparing`)).map((r) => r.id)).toEqual([id]);
      expect(await allRooms(`&host=${host.address}&status=Live`)).toEqual([]);
      const nobody = testPair('sr25519', 'RoomsNobody');
      expect(await get(`/rooms?host=${nobody.address}`).then((r) => r.body)).toEqual({
        rooms: [],
        total: 0,
        page: 1,
        limit: 20,
        block: expect.any(Object),
      });
    });

    it('refuses unknown filter values with 400 VALIDATION_ERROR and ignores unknown parameters', async () => {
      for (const query of [
        'status=live',
        'status=Unknown',
        'type=paid',
        'type=',
        'host=nobody',
        'host=0x1234',
        'status=Live&status=Ended',
      ]) {
        expectError(await get(`/rooms?${query}`), 400, 'VALIDATION_ERROR');
      }
      expect((await get('/rooms?sort=asc&foo=bar')).status).toBe(200);
    });

    it('shows chain changes once their block is finalized: created, Live, Ended', async () => {
      const host = testPair('sr25519', 'RoomsLifecycleHost');
      await service.fund(host.address);
      const id = await service.createRoom(host, { title: 'Lifecycle ♻️' });
      const first = await get('/rooms?limit=1');
      expect(first.body.rooms[0]).toMatchObject({
        id,
        status: 'Preparing',
        title: 'Lifecycle ♻️',
        host: host.address,
      });

      await service.send(host, 'livestream', 'startLive', id);
      expect((await allRooms('&status=Live')).map((r) => r.id)).toContain(id);
      expect((await get(`/room/${id}`)).body.status).toBe('Live');

      await service.send(host, 'livestream', 'endLive', id);
      expect((await allRooms('&status=Live')).map((r) => r.id)).not.toContain(id);
      expect((await allRooms('&status=Ended')).map((r) => r.id)).toContain(id);
    });

    it('names a best block not final yet (new ETag), then the same block final once finalized', async () => {
      const host = testPair('sr25519', 'RoomsBestBlockHost');
      await service.fund(host.address);
      const id = await service.createRoom(host, { title: 'Best block' });
      const chain = service.devchain.chain;
      const best = new BestWatch(service.bestFollower);
      const before = await get('/rooms?limit=5').expect(200);
      chain.setAutoFinalize(false);
      try {
        const outcome = await chain.send(host, 'livestream', 'startLive', id);
        expect(outcome.success).toBe(true);
        await best.applied(outcome.blockHash);
        const block = { number: chain.head.number, hash: outcome.blockHash };
        expect(chain.finalized.number).toBeLessThan(block.number);

        const room = (await get(`/room/${id}`).expect(200)).body;
        expect(room).toMatchObject({ status: 'Live', block: { ...block, final: false } });
        const unfinal = await get('/rooms?limit=5')
          .set('If-None-Match', String(before.headers.etag))
          .expect(200);
        expect(unfinal.body.block).toEqual({ ...block, final: false });

        chain.finalize();
        await service.synced();
        expect((await get(`/room/${id}`).expect(200)).body.block).toEqual({ ...block, final: true });
        const final = await get('/rooms?limit=5')
          .set('If-None-Match', String(unfinal.headers.etag))
          .expect(200);
        expect(final.body.block).toEqual({ ...block, final: true });
        expect(final.body.rooms).toEqual(unfinal.body.rooms);
      } finally {
        chain.setAutoFinalize(true);
      }
    });

    it('answers 304 to a client holding the current page, and the full page once rooms change', async () => {
      const first = await get('/rooms?limit=5').expect(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      await get('/rooms?limit=5').set('If-None-Match', etag).expect(304);
      // Another page of the same state is another entity.
      const other = await get('/rooms?limit=4').set('If-None-Match', etag).expect(200);
      expect(other.headers.etag).not.toBe(etag);

      const host = testPair('sr25519', 'RoomsEtagHost');
      await service.fund(host.address);
      const id = await service.createRoom(host, { title: 'ETag' });
      const changed = await get('/rooms?limit=5').set('If-None-Match', etag).expect(200);
      expect(changed.body.rooms[0].id).toBe(id);
      expect(changed.headers.etag).not.toBe(etag);
    });
  });
});
