import type { KeyringPair } from '@polkadot/keyring/types';
import { TokenVerifier } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BestWatch } from '../../support/BestWatch.js';
import type { SignedRoomBody } from '../../support/RequestSigner.js';
import { RequestSigner } from '../../support/RequestSigner.js';
import { startTestService, type TestService } from '../../support/startTestService.js';
import { testPair } from '../../support/testPair.js';

const API = '/api/livestream';
const SERVER_API_GRANTS = [
  'roomAdmin',
  'roomCreate',
  'roomList',
  'roomRecord',
  'ingressAdmin',
  'hidden',
  'recorder',
  'agent',
] as const;

const PUBLISHER_GRANT = {
  roomJoin: true,
  canPublish: true,
  canSubscribe: true,
  canPublishData: true,
  canUpdateOwnMetadata: false,
};
const VIEWER_GRANT = {
  roomJoin: true,
  canPublish: false,
  canSubscribe: true,
  canPublishData: true,
  canUpdateOwnMetadata: false,
};
const coHostGrant = (sources: string[]) => ({
  roomJoin: true,
  canPublish: true,
  canPublishSources: sources,
  canSubscribe: true,
  canPublishData: true,
  canUpdateOwnMetadata: false,
});

type Endpoint = 'publisher-token' | 'viewer-token' | 'co-host-token' | 'viewer-leave';

describe('token endpoints (full service on the dev chain)', () => {
  let service: TestService;
  let verifier: TokenVerifier;
  const signer = new RequestSigner();

  const post = (endpoint: Endpoint, body: SignedRoomBody | Record<string, unknown>) =>
    request(service.server).post(`${API}/${endpoint}`).send(body);
  const ask = (endpoint: Endpoint, pair: KeyringPair, roomId: number, extra?: Record<string, unknown>) =>
    post(endpoint, signer.sign(pair, roomId, extra === undefined ? {} : { extra }));
  const expectError = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: { error: { code, message: expect.any(String) } },
    });
  };
  /** A funded sr25519 account of its own for one test. */
  const newAccount = async (name: string) => {
    const pair = testPair('sr25519', name);
    await service.fund(pair.address);
    return pair;
  };
  const pairs = () => service.devchain.chain.pairs;

  beforeAll(async () => {
    service = await startTestService();
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
  });

  afterAll(async () => {
    await service?.close();
  });

  describe('POST /publisher-token', () => {
    it('gives the host of room 0 a short-lived token with exactly the publisher grant', async () => {
      const { Alice } = pairs();
      const before = Math.floor(Date.now() / 1000);
      const res = await ask('publisher-token', Alice, 0);
      expect(res.status).toBe(200);
      // A credential: no cache may keep it.
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        token: expect.any(String),
        url: service.livekit.wsUrl,
        roomName: 'room-0',
        identity: Alice.address,
        role: 'publisher',
        expiresAt: expect.any(Number),
      });
      const claims = await verifier.verify(res.body.token);
      expect(claims.sub).toBe(Alice.address);
      expect(claims.iss).toBe(service.config.livekit.apiKey);
      expect(claims.video).toEqual({ ...PUBLISHER_GRANT, room: 'room-0' });
      const ttl = service.config.livekit.tokenTtlSeconds;
      expect(claims.exp).toBeGreaterThanOrEqual(before + ttl);
      expect(claims.exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + ttl);
      expect(res.body.expiresAt).toBe((claims.exp as number) * 1000);
      // LiveKit itself accepts it, as a publisher.
      const participant = await service.livekit.joinWithToken(res.body.token);
      expect(participant.identity).toBe(Alice.address);
      expect(participant.permission?.canPublish).toBe(true);
    });

    it('refuses a caller who is not the host with 403 NOT_ROOM_HOST', async () => {
      expectError(await ask('publisher-token', pairs().Bob, 0), 403, 'NOT_ROOM_HOST');
      expectError(await ask('publisher-token', pairs().Eve, 0), 403, 'NOT_ROOM_HOST');
    });

    it('gives the host a publisher token while the room is Preparing, Live and Paused', async () => {
      const host = await newAccount('TokensPausedHost');
      const roomId = await service.createRoom(host, { title: 'Pause me' });
      const claims = async () => {
        const res = await ask('publisher-token', host, roomId);
        expect(res.status).toBe(200);
        return (await verifier.verify(res.body.token)).video;
      };
      expect(await claims()).toEqual({ ...PUBLISHER_GRANT, room: `room-${roomId}` });
      await service.send(host, 'livestream', 'startLive', roomId);
      expect(await claims()).toEqual({ ...PUBLISHER_GRANT, room: `room-${roomId}` });
      await service.send(host, 'livestream', 'pauseLive', roomId);
      expect(service.rooms.get(roomId)?.status).toBe('Paused');
      expect(await claims()).toEqual({ ...PUBLISHER_GRANT, room: `room-${roomId}` });
      // Viewers may stay in a paused room too.
      expect((await ask('viewer-token', pairs().Dave, roomId)).status).toBe(200);
    });

    it('refuses the host of an ended or banned room with 409 ROOM_NOT_AVAILABLE', async () => {
      expectError(await ask('publisher-token', pairs().Charlie, 2), 409, 'ROOM_NOT_AVAILABLE');

      const host = await newAccount('TokensBannedHost');
      const roomId = await service.createRoom(host);
      await service.send(host, 'livestream', 'startLive', roomId);
      expect((await ask('publisher-token', host, roomId)).status).toBe(200);
      await service.sudo('livestream', 'banRoom', roomId, '0x00');
      expectError(await ask('publisher-token', host, roomId), 409, 'ROOM_NOT_AVAILABLE');
      expectError(await ask('viewer-token', pairs().Dave, roomId), 409, 'ROOM_NOT_AVAILABLE');
      expectError(await ask('co-host-token', pairs().Dave, roomId), 409, 'ROOM_NOT_AVAILABLE');
    });

    it('refuses an unknown room with 404 ROOM_NOT_FOUND', async () => {
      expectError(await ask('publisher-token', pairs().Alice, 999_999), 404, 'ROOM_NOT_FOUND');
      expectError(
        await ask('publisher-token', pairs().Alice, Number.MAX_SAFE_INTEGER),
        404,
        'ROOM_NOT_FOUND',
      );
    });
  });

  describe('POST /viewer-token', () => {
    it('gives anyone a token for a live room with canPublish false', async () => {
      const viewer = testPair('sr25519', 'TokensPlainViewer');
      const res = await ask('viewer-token', viewer, 0);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        roomName: 'room-0',
        identity: viewer.address,
        url: service.livekit.wsUrl,
      });
      const claims = await verifier.verify(res.body.token);
      expect(claims.sub).toBe(viewer.address);
      expect(claims.video).toEqual({ ...VIEWER_GRANT, room: 'room-0' });
      const participant = await service.livekit.joinWithToken(res.body.token);
      expect(participant.permission?.canPublish).toBe(false);
    });

    it('refuses a Preparing room with 409 ROOM_NOT_LIVE, an Ended one with 409 ROOM_NOT_AVAILABLE, and unknown rooms with 404', async () => {
      // Dave holds a ticket for room 1, which is still Preparing.
      expectError(await ask('viewer-token', pairs().Dave, 1), 409, 'ROOM_NOT_LIVE');
      expectError(await ask('viewer-token', pairs().Dave, 2), 409, 'ROOM_NOT_AVAILABLE');
      expectError(await ask('viewer-token', pairs().Dave, 424_242), 404, 'ROOM_NOT_FOUND');
    });

    it('refuses a kicked viewer with 403 VIEWER_BANNED and admits them again once unbanned', async () => {
      expectError(await ask('viewer-token', pairs().Ferdie, 0), 403, 'VIEWER_BANNED');

      const viewer = testPair('sr25519', 'TokensKickedViewer');
      expect((await ask('viewer-token', viewer, 0)).status).toBe(200);
      await service.send('Alice', 'livestream', 'kickViewer', 0, viewer.address);
      expectError(await ask('viewer-token', viewer, 0), 403, 'VIEWER_BANNED');
      await service.send('Alice', 'livestream', 'removeFromBlacklist', 0, viewer.address);
      expect((await ask('viewer-token', viewer, 0)).status).toBe(200);
    });

    it('asks for a ticket in a paid room with 402 TICKET_REQUIRED and admits the buyer from the best block of the purchase', async () => {
      const chain = service.devchain.chain;
      const viewer = await newAccount('TokensTicketBuyer');
      expectError(await ask('viewer-token', viewer, 3), 402, 'TICKET_REQUIRED');

      const best = new BestWatch(service.bestFollower);
      chain.setAutoFinalize(false);
      try {
        const outcome = await chain.send(viewer, 'livestream', 'buyTicket', 3);
        expect(outcome.success).toBe(true);
        await best.applied(outcome.blockHash);
        // In a best block, not finalized: the token checks read the best state.
        expect(chain.finalized.number).toBeLessThan(chain.head.number);
        const res = await ask('viewer-token', viewer, 3);
        expect(res.status).toBe(200);
        expect((await verifier.verify(res.body.token)).video).toEqual({ ...VIEWER_GRANT, room: 'room-3' });
        chain.finalize();
      } finally {
        chain.setAutoFinalize(true);
      }
      await service.synced();
    });

    it('needs no ticket from the host or an active co-host of a paid room', async () => {
      expect((await ask('viewer-token', pairs().Ferdie, 3)).status).toBe(200);
      const coHost = testPair('sr25519', 'TokensPaidCoHost');
      expectError(await ask('viewer-token', coHost, 3), 402, 'TICKET_REQUIRED');
      await service.send('Ferdie', 'livestream', 'startCoHost', 3, coHost.address);
      expect((await ask('viewer-token', coHost, 3)).status).toBe(200);
    });

    it('checks the blacklist before the ticket', async () => {
      const viewer = testPair('sr25519', 'TokensBannedNoTicket');
      await service.send('Ferdie', 'livestream', 'kickViewer', 3, viewer.address);
      expectError(await ask('viewer-token', viewer, 3), 403, 'VIEWER_BANNED');
    });
  });

  describe('POST /co-host-token', () => {
    it('gives an active co-host camera and microphone by default or for video, microphone only for audio', async () => {
      const { Eve } = pairs();
      for (const [extra, sources] of [
        [undefined, ['camera', 'microphone']],
        [{ type: 'audio' }, ['microphone']],
        [{ type: 'video' }, ['camera', 'microphone']],
      ] as const) {
        const res = await ask('co-host-token', Eve, 0, extra);
        expect(res.status, JSON.stringify(extra)).toBe(200);
        expect(res.body).toMatchObject({ roomName: 'room-0', identity: Eve.address });
        const claims = await verifier.verify(res.body.token);
        expect(claims.sub).toBe(Eve.address);
        expect(claims.video).toEqual({ ...coHostGrant([...sources]), room: 'room-0' });
      }
    });

    it('refuses anyone not in the active co-hosts with 403 NOT_CO_HOST, including a co-host who stepped down', async () => {
      expectError(await ask('co-host-token', pairs().Bob, 0), 403, 'NOT_CO_HOST');
      // The host is not a co-host: the host publishes with a publisher token.
      expectError(await ask('co-host-token', pairs().Alice, 0), 403, 'NOT_CO_HOST');

      const coHost = testPair('sr25519', 'TokensSteppingDown');
      expectError(await ask('co-host-token', coHost, 0), 403, 'NOT_CO_HOST');
      await service.send('Alice', 'livestream', 'startCoHost', 0, coHost.address);
      expect((await ask('co-host-token', coHost, 0, { type: 'video' })).status).toBe(200);
      await service.send('Alice', 'livestream', 'endCoHost', 0, coHost.address);
      expectError(await ask('co-host-token', coHost, 0), 403, 'NOT_CO_HOST');
    });

    it('refuses a Preparing room with 409 ROOM_NOT_LIVE, an Ended one with 409 ROOM_NOT_AVAILABLE, and unknown rooms with 404 ROOM_NOT_FOUND', async () => {
      expectError(await ask('co-host-token', pairs().Dave, 1), 409, 'ROOM_NOT_LIVE');
      expectError(await ask('co-host-token', pairs().Dave, 2), 409, 'ROOM_NOT_AVAILABLE');
      expectError(await ask('co-host-token', pairs().Eve, 31_337), 404, 'ROOM_NOT_FOUND');
    });

    it('refuses an unknown media type with 400 VALIDATION_ERROR', async () => {
      expectError(await ask('co-host-token', pairs().Eve, 0, { type: 'screen' }), 400, 'VALIDATION_ERROR');
    });
  });

  it('never grants server-API rights (admin, create, list, record) to any role', async () => {
    const { Alice, Dave, Eve } = pairs();
    const tokens = [
      await ask('publisher-token', Alice, 0),
      await ask('viewer-token', Dave, 0),
      await ask('co-host-token', Eve, 0),
      await ask('co-host-token', Eve, 0, { type: 'video' }),
    ];
    for (const res of tokens) {
      expect(res.status).toBe(200);
      const claims = await verifier.verify(res.body.token);
      for (const grant of SERVER_API_GRANTS) expect(claims.video?.[grant], grant).toBeUndefined();
      expect(claims.video?.canUpdateOwnMetadata).toBe(false);
      expect(claims.video?.room).toBe('room-0');
      expect(claims.metadata).toBeUndefined();
    }
  });

  describe('POST /viewer-leave', () => {
    it('answers {success: true} and the room count follows viewer tokens and leaves', async () => {
      const viewers = [testPair('sr25519', 'TokensCounted1'), testPair('sr25519', 'TokensCounted2')];
      const count = async () =>
        (await request(service.server).get(`${API}/room/0`)).body.currentViewers as number;
      const start = await count();
      for (const viewer of viewers) expect((await ask('viewer-token', viewer, 0)).status).toBe(200);
      // A second token for the same viewer does not count twice.
      expect((await ask('viewer-token', viewers[0] as KeyringPair, 0)).status).toBe(200);
      expect(await count()).toBe(start + 2);

      const res = await ask('viewer-leave', viewers[0] as KeyringPair, 0);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      expect(await count()).toBe(start + 1);
    });

    it('needs a valid signature', async () => {
      const body = signer.sign(pairs().Dave, 0);
      expectError(
        await post('viewer-leave', { ...body, timestamp: body.timestamp + 1 }),
        401,
        'INVALID_SIGNATURE',
      );
    });
  });
});
