import { TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LiveKitError } from '../../src/livekit/LiveKitError.js';
import { RoomServiceGateway } from '../../src/livekit/RoomServiceGateway.js';
import { FakeLiveKitServer } from '../support/FakeLiveKitServer.js';

const API_KEY = 'APIgateway';
const API_SECRET = 'gateway-secret-with-at-least-32-characters';
const PING_TIMEOUT_SECONDS = 0.5;
const ROOM = 'room-1';

const VIEWER = {
  canPublish: false,
  canSubscribe: true,
  canPublishData: true,
  canPublishSources: [],
} as const;
const VIDEO_CO_HOST = {
  canPublish: true,
  canSubscribe: true,
  canPublishData: true,
  canPublishSources: ['camera', 'microphone'],
} as const;

async function rejection(promise: Promise<unknown>): Promise<LiveKitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LiveKitError);
    return error as LiveKitError;
  }
  throw new Error('expected the call to reject');
}

describe('RoomServiceGateway against the fake LiveKit server', () => {
  let fake: FakeLiveKitServer;
  let gateway: RoomServiceGateway;

  beforeAll(async () => {
    fake = await FakeLiveKitServer.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    gateway = new RoomServiceGateway({
      url: fake.wsUrl,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      requestTimeoutSeconds: 5,
      pingTimeoutSeconds: PING_TIMEOUT_SECONDS,
    });
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    if (!fake.running) {
      await fake.start();
    }
    fake.reset();
  });

  it('creates a room with its limits and metadata, using only the roomCreate grant', async () => {
    await gateway.createRoom({
      name: ROOM,
      emptyTimeoutSeconds: 120,
      maxParticipants: 500,
      metadata: '{"id":1}',
    });

    expect(fake.room(ROOM)).toMatchObject({
      name: ROOM,
      emptyTimeout: 120,
      maxParticipants: 500,
      metadata: '{"id":1}',
    });
    const [call] = fake.callsTo('CreateRoom');
    expect(call?.grants).toEqual({ roomCreate: true });
    expect(call?.status).toBe(200);
  });

  it('creating an existing room updates it (upsert)', async () => {
    await gateway.createRoom({ name: ROOM, emptyTimeoutSeconds: 120, maxParticipants: 500, metadata: 'v1' });
    const sid = fake.room(ROOM)?.sid;
    await gateway.createRoom({ name: ROOM, emptyTimeoutSeconds: 60, maxParticipants: 0, metadata: 'v2' });

    expect(fake.rooms()).toHaveLength(1);
    expect(fake.room(ROOM)).toMatchObject({ sid, emptyTimeout: 60, maxParticipants: 500, metadata: 'v2' });
  });

  it('deletes a room, and deleting it again still succeeds', async () => {
    await gateway.createRoom({ name: ROOM, emptyTimeoutSeconds: 120, maxParticipants: 0, metadata: '' });
    await gateway.deleteRoom(ROOM);
    await gateway.deleteRoom(ROOM);

    expect(fake.room(ROOM)).toBeUndefined();
    expect(fake.callsTo('DeleteRoom').map((call) => call.status)).toEqual([200, 404]);
  });

  it('removes a participant, and removing an absent one still succeeds', async () => {
    await fake.join(ROOM, 'alice');
    await gateway.removeParticipant(ROOM, 'alice');
    await gateway.removeParticipant(ROOM, 'alice');
    await gateway.removeParticipant('room-unknown', 'bob');

    expect(fake.participant(ROOM, 'alice')).toBeUndefined();
    expect(fake.callsTo('RemoveParticipant').map((call) => call.status)).toEqual([200, 404, 404]);
    expect(fake.callsTo('RemoveParticipant')[0]?.grants).toEqual({ roomAdmin: true, room: ROOM });
  });

  it('promotes a viewer to co-host and demotes them, sending the full permission set each time', async () => {
    await fake.join(ROOM, 'alice', {
      permission: { canPublish: false, canSubscribe: true, canPublishData: true },
    });

    await expect(gateway.setParticipantPermission(ROOM, 'alice', VIDEO_CO_HOST)).resolves.toBe('updated');
    expect(fake.participant(ROOM, 'alice')?.permission?.toJson()).toEqual({
      canSubscribe: true,
      canPublish: true,
      canPublishData: true,
      canPublishSources: ['CAMERA', 'MICROPHONE'],
    });

    await expect(gateway.setParticipantPermission(ROOM, 'alice', VIEWER)).resolves.toBe('updated');
    expect(fake.participant(ROOM, 'alice')?.permission).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [],
    });

    const [promote, demote] = fake.callsTo('UpdateParticipant');
    expect(promote?.grants).toEqual({ roomAdmin: true, room: ROOM });
    expect(promote?.request?.permission).toMatchObject({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: ['CAMERA', 'MICROPHONE'],
      hidden: false,
      canUpdateMetadata: false,
    });
    expect(demote?.request?.permission).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [],
      hidden: false,
      canUpdateMetadata: false,
    });
    // On the wire proto3 JSON drops false values; the server reads a missing flag as false.
    expect(demote?.body).toMatchObject({ permission: { canSubscribe: true, canPublishData: true } });
  });

  it('tells the caller when the participant to update is not in the room', async () => {
    await expect(gateway.setParticipantPermission(ROOM, 'ghost', VIDEO_CO_HOST)).resolves.toBe(
      'participantAbsent',
    );
  });

  it('lists participants with their state and join time; an unknown room has none', async () => {
    const joined = await fake.join(ROOM, 'alice');
    await fake.join(ROOM, 'bob');

    const participants = await gateway.listParticipants(ROOM);
    expect(participants.map((participant) => participant.identity).sort()).toEqual(['alice', 'bob']);
    expect(participants.find((participant) => participant.identity === 'alice')).toEqual({
      identity: 'alice',
      state: 'active',
      joinedAtMs: Number(joined.joinedAtMs),
      permission: { canPublish: true, canSubscribe: true, canPublishData: true, canPublishSources: [] },
      attributes: {},
      standard: true,
    });
    await expect(gateway.listParticipants('room-unknown')).resolves.toEqual([]);
  });

  it('reads one participant with the permission and attributes its token gave, and null for nobody', async () => {
    await fake.join(ROOM, 'carol', {
      attributes: { 'livestream.media': 'audio' },
      permission: { canPublish: true, canPublishSources: [TrackSource.MICROPHONE] },
    });
    await expect(gateway.getParticipant(ROOM, 'carol')).resolves.toMatchObject({
      identity: 'carol',
      permission: {
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
        canPublishSources: ['microphone'],
      },
      attributes: { 'livestream.media': 'audio' },
    });
    await expect(gateway.getParticipant(ROOM, 'nobody')).resolves.toBeNull();
    await expect(gateway.getParticipant('room-unknown', 'carol')).resolves.toBeNull();
  });

  it('lists the names of the open rooms with only the roomList grant', async () => {
    await gateway.createRoom({ name: 'room-71', emptyTimeoutSeconds: 60, maxParticipants: 0, metadata: '' });
    expect(await gateway.listRooms()).toContain('room-71');
    expect(fake.callsTo('ListRooms').at(-1)?.grants).toEqual({ roomList: true });
  });

  it('pings while the server is up, fails fast when it is down, and recovers after a restart', async () => {
    await expect(gateway.ping()).resolves.toBeUndefined();
    expect(fake.callsTo('ListRooms')[0]?.grants).toEqual({ roomList: true });

    await fake.stop();
    const started = performance.now();
    const down = await rejection(gateway.ping());
    expect(performance.now() - started).toBeLessThan(PING_TIMEOUT_SECONDS * 1000 + 1000);
    expect(down).toMatchObject({ kind: 'unavailable', retryable: true });

    await fake.restart();
    await expect(gateway.ping()).resolves.toBeUndefined();
  });

  it('gives up a ping on a server that accepts the request but never answers, within the ping timeout', async () => {
    fake.stallNext(1);
    const started = performance.now();
    const stalled = await rejection(gateway.ping());
    const elapsedMs = performance.now() - started;

    expect(stalled).toMatchObject({ kind: 'unavailable', retryable: true, operation: 'ListRooms' });
    expect(elapsedMs).toBeGreaterThanOrEqual(PING_TIMEOUT_SECONDS * 1000 - 50);
    expect(elapsedMs).toBeLessThan(PING_TIMEOUT_SECONDS * 1000 + 1000);
    await expect(gateway.ping()).resolves.toBeUndefined();
  });

  it('reports 503 and 429 as retryable, then works once the server recovers', async () => {
    fake.failNext(1);
    const unavailable = await rejection(
      gateway.createRoom({ name: ROOM, emptyTimeoutSeconds: 60, maxParticipants: 0, metadata: '' }),
    );
    expect(unavailable).toMatchObject({
      retryable: true,
      kind: 'unavailable',
      status: 503,
      twirpCode: 'unavailable',
    });
    expect(unavailable.message).toContain('retryable');

    fake.failNext(1, { status: 429, code: 'resource_exhausted', msg: 'slow down' });
    expect(await rejection(gateway.deleteRoom(ROOM))).toMatchObject({ retryable: true, status: 429 });

    await gateway.createRoom({ name: ROOM, emptyTimeoutSeconds: 60, maxParticipants: 0, metadata: '' });
    expect(fake.room(ROOM)).toBeDefined();
  });

  it('reports a network failure as retryable', async () => {
    await fake.stop();
    const error = await rejection(gateway.removeParticipant(ROOM, 'alice'));
    expect(error).toMatchObject({ retryable: true, kind: 'unavailable', operation: 'RemoveParticipant' });
  });

  it('reports a wrong secret as a non-retryable auth error', async () => {
    const misconfigured = new RoomServiceGateway({
      url: fake.url,
      apiKey: API_KEY,
      apiSecret: 'not-the-secret-but-just-as-long-as-it!!',
      requestTimeoutSeconds: 5,
    });
    const error = await rejection(misconfigured.ping());
    expect(error).toMatchObject({ retryable: false, kind: 'auth', status: 401 });
    expect(error.message).toContain('not retryable');
    expect(fake.calls.at(-1)?.status).toBe(401);
  });

  it('reports an unknown API key as a non-retryable auth error', async () => {
    const unknownKey = new RoomServiceGateway({
      url: fake.url,
      apiKey: 'APIunknown',
      apiSecret: API_SECRET,
      requestTimeoutSeconds: 5,
    });
    const error = await rejection(
      unknownKey.createRoom({ name: ROOM, emptyTimeoutSeconds: 60, maxParticipants: 0, metadata: '' }),
    );
    expect(error).toMatchObject({ retryable: false, kind: 'auth', status: 401 });
  });

  it('reports a bad request as non-retryable', async () => {
    fake.failNext(1, { status: 400, code: 'invalid_argument', msg: 'bad request' });
    const error = await rejection(
      gateway.createRoom({ name: ROOM, emptyTimeoutSeconds: 60, maxParticipants: 0, metadata: '' }),
    );
    expect(error).toMatchObject({
      retryable: false,
      kind: 'rejected',
      status: 400,
      twirpCode: 'invalid_argument',
    });
  });

  it('does not take a bare 404 without a Twirp code (e.g. a proxy) for "already deleted"', async () => {
    fake.failNext(1, { status: 404, msg: '404 page not found' });
    const error = await rejection(gateway.deleteRoom(ROOM));
    expect(error).toMatchObject({ retryable: false, kind: 'rejected', status: 404 });
  });
});
