import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListRoomsRequest, ListRoomsResponse } from '@livekit/protocol';
import {
  AccessToken,
  RoomServiceClient,
  ServerError,
  TrackSource,
  type VideoGrant,
  type WebhookEvent,
  WebhookReceiver,
} from 'livekit-server-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLiveKitServer, JoinRefused } from './FakeLiveKitServer.js';

const API_KEY = 'APIfake';
const API_SECRET = 'fake-server-secret-with-at-least-32-chars';
const ROOM = 'room-1';

async function token(grant: VideoGrant, options: { key?: string; secret?: string; ttl?: string } = {}) {
  const accessToken = new AccessToken(options.key ?? API_KEY, options.secret ?? API_SECRET, {
    ttl: options.ttl ?? '10m',
  });
  accessToken.addGrant(grant);
  return accessToken.toJwt();
}

/** For claims the SDK will not produce (no exp, other algorithms, odd times). */
function handMadeToken(claims: Record<string, unknown>, alg = 'HS256', secret = API_SECRET): string {
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const hash = alg === 'HS384' ? 'sha384' : 'sha256';
  const signature = createHmac(hash, secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

async function rejection(promise: Promise<unknown>): Promise<ServerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ServerError);
    return error as ServerError;
  }
  throw new Error('expected the call to reject');
}

describe('FakeLiveKitServer', () => {
  let fake: FakeLiveKitServer;
  let client: RoomServiceClient;

  /** A raw Twirp call, to see exactly what the server answers. */
  async function twirp(method: string, body: unknown, authorization?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
    if (authorization !== undefined) {
      headers.authorization = authorization;
    }
    const response = await fetch(`${fake.url}/twirp/livekit.RoomService/${method}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    };
  }

  beforeAll(async () => {
    fake = await FakeLiveKitServer.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    client = new RoomServiceClient(fake.wsUrl, API_KEY, API_SECRET);
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    if (!fake.running) {
      await fake.start();
    }
    fake.reset();
    fake.webhookUrl = undefined;
  });

  describe('auth, as the real server checks it', () => {
    it('rejects a valid token that lacks the method grant with 401 JSON unauthenticated', async () => {
      const listOnly = await token({ roomList: true });
      const raw = await twirp('CreateRoom', { name: ROOM }, `Bearer ${listOnly}`);
      expect(raw).toEqual({
        status: 401,
        contentType: 'application/json',
        text: '{"code":"unauthenticated","msg":"permissions denied"}',
      });

      const presigned = new RoomServiceClient(fake.url, undefined, undefined, { token: listOnly });
      const viaSdk = await rejection(presigned.createRoom({ name: ROOM }));
      expect(viaSdk).toMatchObject({ status: 401, code: 'unauthenticated', message: 'permissions denied' });
      expect(fake.room(ROOM)).toBeUndefined();
    });

    it('rejects a roomAdmin token for another room', async () => {
      await fake.join('room-2', 'alice');
      const adminOfRoom1 = await token({ roomAdmin: true, room: ROOM });
      const raw = await twirp('ListParticipants', { room: 'room-2' }, `Bearer ${adminOfRoom1}`);
      expect(raw).toEqual({
        status: 401,
        contentType: 'application/json',
        text: '{"code":"unauthenticated","msg":"permissions denied"}',
      });
      expect((await twirp('ListParticipants', { room: ROOM }, `Bearer ${adminOfRoom1}`)).status).toBe(200);
    });

    it('treats a request without a token as one without grants', async () => {
      expect(await twirp('ListRooms', {})).toMatchObject({ status: 401, contentType: 'application/json' });
    });

    it('rejects bad tokens with 401 plain text before routing', async () => {
      const now = nowSeconds();
      const bad: Record<string, string> = {
        'wrong secret': `Bearer ${await token({ roomList: true }, { secret: 'another-secret-with-at-least-32-chars' })}`,
        'unknown key': `Bearer ${await token({ roomList: true }, { key: 'APIunknown' })}`,
        'no exp': `Bearer ${handMadeToken({ iss: API_KEY, nbf: now, video: { roomList: true } })}`,
        'expired past the leeway': `Bearer ${handMadeToken({ iss: API_KEY, exp: now - 61, video: { roomList: true } })}`,
        'not yet valid past the leeway': `Bearer ${handMadeToken({ iss: API_KEY, nbf: now + 120, exp: now + 600, video: { roomList: true } })}`,
        HS384: `Bearer ${handMadeToken({ iss: API_KEY, exp: now + 600, video: { roomList: true } }, 'HS384')}`,
        garbage: 'Bearer not.a.jwt',
        'no Bearer prefix': await token({ roomList: true }),
      };
      for (const [why, authorization] of Object.entries(bad)) {
        const raw = await twirp('ListRooms', {}, authorization);
        expect({ why, status: raw.status, contentType: raw.contentType }).toEqual({
          why,
          status: 401,
          contentType: 'text/plain; charset=utf-8',
        });
        expect(raw.text).toMatch(/^invalid /);
      }
      expect(fake.calls.every((call) => call.status === 401 && call.grants === undefined)).toBe(true);
    });

    it('accepts a token within the 60 s leeway on both ends', async () => {
      const now = nowSeconds();
      const recentlyExpired = handMadeToken({ iss: API_KEY, exp: now - 30, video: { roomList: true } });
      const almostValid = handMadeToken({
        iss: API_KEY,
        nbf: now + 30,
        exp: now + 600,
        video: { roomList: true },
      });
      expect((await twirp('ListRooms', {}, `Bearer ${recentlyExpired}`)).status).toBe(200);
      expect((await twirp('ListRooms', {}, `Bearer ${almostValid}`)).status).toBe(200);
    });

    it('records the grants of each SDK call: a fresh 10-minute token with one grant', async () => {
      await client.createRoom({ name: ROOM });
      await client.listParticipants(ROOM);
      const [create, list] = fake.calls;
      expect(create).toMatchObject({
        service: 'livekit.RoomService',
        method: 'CreateRoom',
        grants: { roomCreate: true },
      });
      expect(list?.grants).toEqual({ roomAdmin: true, room: ROOM });
      expect((create?.claims?.exp ?? 0) - (create?.claims?.nbf ?? 0)).toBe(600);
      expect(create?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('RoomService semantics and wire shapes', () => {
    it('answers in the real server shape: snake_case, every field present, int64 as strings', async () => {
      const raw = await twirp(
        'CreateRoom',
        { name: ROOM, emptyTimeout: 120 },
        `Bearer ${await token({ roomCreate: true })}`,
      );
      expect(raw.status).toBe(200);
      expect(raw.contentType).toBe('application/json');
      const room = JSON.parse(raw.text);
      expect(room).toMatchObject({
        name: ROOM,
        empty_timeout: 120,
        departure_timeout: 20,
        max_participants: 0,
        metadata: '',
        num_participants: 0,
        num_publishers: 0,
        active_recording: false,
        turn_password: '',
      });
      expect(room.sid).toMatch(/^RM_/);
      expect(room.creation_time).toMatch(/^\d+$/);
      expect(room.creation_time_ms).toMatch(/^\d+$/);
      expect(room.version).toBeNull();
    });

    it('writes unset sub-messages as null and nested messages in full', async () => {
      await fake.join(ROOM, 'alice', { permission: { canPublish: false } });
      const raw = await twirp(
        'GetParticipant',
        { room: ROOM, identity: 'alice' },
        `Bearer ${await token({ roomAdmin: true, room: ROOM })}`,
      );
      const participant = JSON.parse(raw.text);
      expect(participant).toMatchObject({
        identity: 'alice',
        state: 'ACTIVE',
        kind: 'STANDARD',
        tracks: [],
        attributes: {},
        is_publisher: false,
        disconnect_reason: 'UNKNOWN_REASON',
        permission: {
          can_subscribe: true,
          can_publish: false,
          can_publish_data: false,
          can_publish_sources: [],
          hidden: false,
          can_update_metadata: false,
        },
      });
      expect(participant.joined_at_ms).toMatch(/^\d+$/);
    });

    it('CreateRoom is an upsert that keeps the sid and takes only non-zero fields', async () => {
      const first = await client.createRoom({
        name: ROOM,
        emptyTimeout: 120,
        maxParticipants: 10,
        metadata: 'a',
      });
      const second = await client.createRoom({ name: ROOM, metadata: 'b' });
      expect(second).toMatchObject({ sid: first.sid, emptyTimeout: 120, maxParticipants: 10, metadata: 'b' });
    });

    it('answers 404 not_found with exact application/json for unknown rooms and participants', async () => {
      const create = `Bearer ${await token({ roomCreate: true })}`;
      const admin = `Bearer ${await token({ roomAdmin: true, room: ROOM })}`;
      const roomMissing = { status: 404, contentType: 'application/json' };
      expect(await twirp('DeleteRoom', { room: ROOM }, create)).toEqual({
        ...roomMissing,
        text: '{"code":"not_found","msg":"requested room does not exist"}',
      });
      expect(await twirp('UpdateRoomMetadata', { room: ROOM, metadata: 'x' }, admin)).toMatchObject({
        status: 404,
        text: '{"code":"not_found","msg":"requested room does not exist"}',
      });
      for (const method of ['GetParticipant', 'RemoveParticipant', 'UpdateParticipant']) {
        expect(await twirp(method, { room: ROOM, identity: 'ghost' }, admin)).toEqual({
          ...roomMissing,
          text: '{"code":"not_found","msg":"participant does not exist"}',
        });
      }
      const viaSdk = await rejection(client.getParticipant(ROOM, 'ghost'));
      expect(viaSdk).toMatchObject({ status: 404, code: 'not_found', message: 'participant does not exist' });
    });

    it('lists no participants for an unknown room, with 200', async () => {
      const raw = await twirp(
        'ListParticipants',
        { room: ROOM },
        `Bearer ${await token({ roomAdmin: true, room: ROOM })}`,
      );
      expect(raw).toEqual({ status: 200, contentType: 'application/json', text: '{"participants":[]}' });
    });

    it('ListRooms filters by name and counts participants', async () => {
      await fake.join(ROOM, 'alice');
      await fake.join(ROOM, 'bob');
      await client.createRoom({ name: 'room-2' });

      expect((await client.listRooms()).map((room) => room.name).sort()).toEqual([ROOM, 'room-2']);
      const [only] = await client.listRooms([ROOM]);
      expect(only).toMatchObject({ name: ROOM, numParticipants: 2 });
      expect(await client.listRooms(['room-none'])).toEqual([]);
    });

    it('UpdateParticipant replaces every permission bit; empty metadata and name stay; attributes merge', async () => {
      await fake.join(ROOM, 'alice', {
        name: 'Alice',
        metadata: 'm1',
        attributes: { role: 'viewer', keep: 'yes' },
        permission: { canPublish: true, canSubscribe: true, canPublishData: true, hidden: false },
      });
      const updated = await client.updateParticipant(ROOM, 'alice', {
        permission: { canSubscribe: true },
        attributes: { role: 'cohost', keep: '' },
      });
      expect(updated.permission).toMatchObject({
        canSubscribe: true,
        canPublish: false,
        canPublishData: false,
      });
      expect(updated).toMatchObject({
        name: 'Alice',
        metadata: 'm1',
        attributes: { role: 'cohost' },
        version: 2,
      });
      expect(fake.participant(ROOM, 'alice')?.attributes).toEqual({ role: 'cohost' });

      await client.updateParticipant(ROOM, 'alice', { metadata: 'm2' });
      expect(fake.participant(ROOM, 'alice')?.permission?.canSubscribe).toBe(true);
      expect(fake.participant(ROOM, 'alice')?.metadata).toBe('m2');
    });

    it('RemoveParticipant and DeleteRoom drop the participants', async () => {
      await fake.join(ROOM, 'alice');
      await fake.join(ROOM, 'bob');
      await client.removeParticipant(ROOM, 'alice');
      expect(fake.participants(ROOM).map((participant) => participant.identity)).toEqual(['bob']);
      await client.deleteRoom(ROOM);
      expect(fake.room(ROOM)).toBeUndefined();
      expect(fake.participants(ROOM)).toEqual([]);
    });

    it('routes like Twirp: unknown methods are bad_route, other content types refused, protobuf accepted', async () => {
      const list = `Bearer ${await token({ roomList: true })}`;
      expect(await twirp('NoSuchMethod', {}, list)).toMatchObject({
        status: 404,
        text: expect.stringContaining('bad_route'),
      });

      const form = await fetch(`${fake.url}/twirp/livekit.RoomService/ListRooms`, {
        method: 'POST',
        headers: { authorization: list, 'content-type': 'text/plain' },
        body: '{}',
      });
      expect(form.status).toBe(404);

      await fake.join(ROOM, 'alice');
      const binary = await fetch(`${fake.url}/twirp/livekit.RoomService/ListRooms`, {
        method: 'POST',
        headers: { authorization: list, 'content-type': 'application/protobuf' },
        body: new ListRoomsRequest({ names: [ROOM] }).toBinary(),
      });
      expect(binary.headers.get('content-type')).toBe('application/protobuf');
      const rooms = ListRoomsResponse.fromBinary(new Uint8Array(await binary.arrayBuffer())).rooms;
      expect(rooms.map((room) => room.name)).toEqual([ROOM]);
    });

    it('answers malformed JSON with 400 malformed', async () => {
      const response = await fetch(`${fake.url}/twirp/livekit.RoomService/ListRooms`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token({ roomList: true })}`,
          'content-type': 'application/json',
        },
        body: '{not json',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'malformed' });
    });
  });

  describe('test hooks', () => {
    it('joinWithToken applies the server defaults of the grant and refuses a token without roomJoin', async () => {
      const publisher = new AccessToken(API_KEY, API_SECRET, { identity: 'host', name: 'Host' });
      publisher.addGrant({ roomJoin: true, room: ROOM });
      const joined = await fake.joinWithToken(await publisher.toJwt());
      expect(joined).toMatchObject({ identity: 'host', name: 'Host' });
      expect(joined.permission).toMatchObject({ canPublish: true, canSubscribe: true, canPublishData: true });

      const coHost = new AccessToken(API_KEY, API_SECRET, { identity: 'guest' });
      coHost.addGrant({
        roomJoin: true,
        room: ROOM,
        canPublish: true,
        canPublishSources: [TrackSource.MICROPHONE],
      });
      expect((await fake.joinWithToken(await coHost.toJwt())).permission?.canPublishSources).toEqual([
        TrackSource.MICROPHONE,
      ]);

      await expect(fake.joinWithToken(await token({ roomList: true }))).rejects.toThrow('permissions denied');
      const wrongSecret = new AccessToken(API_KEY, 'another-secret-with-at-least-32-chars!!', {
        identity: 'x',
      });
      wrongSecret.addGrant({ roomJoin: true, room: ROOM });
      await expect(fake.joinWithToken(await wrongSecret.toJwt())).rejects.toThrow(/^invalid token/);
    });

    it('with auto-create off refuses a join to a room that does not exist (404), as production LiveKit does', async () => {
      fake.autoCreate = false;
      try {
        const host = new AccessToken(API_KEY, API_SECRET, { identity: 'host' });
        host.addGrant({ roomJoin: true, room: ROOM, canPublish: true });
        const jwt = await host.toJwt();
        const refused = await fake.joinWithToken(jwt).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(JoinRefused);
        expect(refused).toMatchObject({ status: 404, message: 'requested room does not exist' });
        expect(fake.room(ROOM)).toBeUndefined();

        await client.createRoom({ name: ROOM });
        await expect(fake.joinWithToken(jwt)).resolves.toMatchObject({ identity: 'host' });
        await client.deleteRoom(ROOM);
        await expect(fake.join(ROOM, 'host')).rejects.toMatchObject({ status: 404 });
      } finally {
        fake.autoCreate = true;
      }
    });

    it('join with an identity already in the room replaces that participant', async () => {
      const first = await fake.join(ROOM, 'alice');
      const second = await fake.join(ROOM, 'alice');
      expect(second.sid).not.toBe(first.sid);
      expect(fake.participants(ROOM)).toHaveLength(1);
      expect(await fake.leave(ROOM, 'alice')).toBe(true);
      expect(await fake.leave(ROOM, 'alice')).toBe(false);
    });

    it('failNext answers the next N calls with 503, then serves again', async () => {
      fake.failNext(2);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expect(await rejection(client.listRooms())).toMatchObject({ status: 503, code: 'unavailable' });
      }
      await expect(client.listRooms()).resolves.toEqual([]);
      expect(fake.calls.map((call) => call.status)).toEqual([503, 503, 200]);
    });

    it('restarts on the same port, clearing state by default or keeping it on request', async () => {
      const port = fake.port;
      await client.createRoom({ name: ROOM });

      await fake.restart({ keepState: true });
      expect(fake.port).toBe(port);
      expect((await client.listRooms()).map((room) => room.name)).toEqual([ROOM]);

      await fake.restart();
      expect(fake.port).toBe(port);
      await expect(client.listRooms()).resolves.toEqual([]);
    });

    it('refuses connections while stopped', async () => {
      await fake.stop();
      expect(fake.running).toBe(false);
      await expect(client.listRooms()).rejects.toThrow();
    });

    describe('webhooks', () => {
      const receiver = new WebhookReceiver(API_KEY, API_SECRET);
      const events: WebhookEvent[] = [];
      let sink: Server;

      beforeAll(async () => {
        sink = createServer((request, response) => {
          const chunks: Buffer[] = [];
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => {
            receiver.receive(Buffer.concat(chunks).toString('utf8'), request.headers.authorization).then(
              (event) => {
                events.push(event);
                response.writeHead(200).end();
              },
              () => response.writeHead(401).end(),
            );
          });
        });
        await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
      });
      afterAll(async () => {
        sink.closeAllConnections();
        await new Promise((resolve) => sink.close(resolve));
      });
      beforeEach(() => {
        events.length = 0;
        fake.webhookUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/api/livekit/webhook`;
      });

      it('posts signed room and participant events, in order, for joins, leaves, kicks and deletes', async () => {
        await fake.join(ROOM, 'alice');
        await fake.join(ROOM, 'bob');
        await fake.leave(ROOM, 'bob');
        await client.removeParticipant(ROOM, 'alice');
        await client.createRoom({ name: 'room-2' });
        await client.deleteRoom('room-2');
        await fake.webhooksSettled();

        expect(
          events.map((event) => [event.event, event.room?.name, event.participant?.identity ?? null]),
        ).toEqual([
          ['room_started', ROOM, null],
          ['participant_joined', ROOM, 'alice'],
          ['participant_joined', ROOM, 'bob'],
          ['participant_left', ROOM, 'bob'],
          ['participant_left', ROOM, 'alice'],
          ['room_started', 'room-2', null],
          ['room_finished', 'room-2', null],
        ]);
        expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
        expect(fake.webhookDeliveries.every((delivery) => delivery.response?.status === 200)).toBe(true);
      });
    });
  });
});
