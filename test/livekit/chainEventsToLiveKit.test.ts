import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { ParticipantInfo_State, TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainEvent } from '../../src/chain/livestreamEvents.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startDevChain } from '../../src/devchain/startDevChain.js';
import { livekitActionsFor } from '../../src/livekit/livekitActionsFor.js';
import { startService } from '../../src/startService.js';
import { FakeLiveKitServer } from '../support/FakeLiveKitServer.js';
import { FollowerWatch } from '../support/FollowerWatch.js';
import { captureLogs } from '../support/logCapture.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';

const MAX_PARTICIPANTS = 250;
const EMPTY_TIMEOUT_SECONDS = 120;

let svc: TestService;
const signer = new RequestSigner();
/** Every chain event the service processed, in order (to replay them). */
const events: ChainEvent[] = [];
let hosts = 0;

beforeAll(async () => {
  svc = await startTestService({
    env: {
      LIVEKIT_MAX_PARTICIPANTS: String(MAX_PARTICIPANTS),
      LIVEKIT_ROOM_EMPTY_TIMEOUT: String(EMPTY_TIMEOUT_SECONDS),
    },
  });
  // The tests probe and reconcile themselves, so no timer races an injected failure.
  svc.livekitHealth.stop();
  svc.reconciler.stop();
  svc.livekitReconciler.stop();
  svc.follower.onBlock((block) => {
    events.push(...block.events);
  });
});

afterAll(async () => {
  await svc?.close();
});

/** Runs a chain call; resolves when the service processed its block and LiveKit work is done. */
async function chain(who: KeyringPair | 'Alice', method: string, ...args: unknown[]): Promise<void> {
  await svc.send(who, 'livestream', method, ...args);
  await svc.livekitActions.idle();
}

/** A funded host with a new room (not started yet). */
async function newRoom(): Promise<{ host: KeyringPair; id: number; room: string }> {
  hosts += 1;
  const host = testPair('sr25519', `LiveKitHost${hosts}`);
  await svc.fund(host.address);
  const id = await svc.createRoom(host, { title: `LiveKit room ${hosts}` });
  await svc.livekitActions.idle();
  return { host, id, room: `room-${id}` };
}

async function liveRoom(): Promise<{ host: KeyringPair; id: number; room: string }> {
  const created = await newRoom();
  await chain(created.host, 'startLive', created.id);
  return created;
}

/** A viewer who got a viewer token from the API and connected to LiveKit with it. */
async function connectedViewer(roomId: number, name: string): Promise<KeyringPair> {
  const viewer = testPair('sr25519', name);
  const response = await fetch(`${svc.url}/api/livestream/viewer-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signer.sign(viewer, roomId, { field: 'viewerAddress' })),
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  await svc.livekit.joinWithToken(token);
  return viewer;
}

const limits = () => ({
  emptyTimeoutSeconds: svc.config.livekit.roomEmptyTimeoutSeconds,
  maxParticipants: svc.config.livekit.maxParticipants,
});

const callsFor = (method: string, room: string) =>
  svc.livekit.callsTo(method).filter((call) => call.request?.room === room || call.request?.name === room);

describe('chain events drive LiveKit', () => {
  it('creates room-<id> at RoomCreated and again (an upsert) on LiveStarted with the empty timeout, participant limit and metadata', async () => {
    const { host, id, room } = await newRoom();
    await svc.livekitActions.idle();
    expect(callsFor('CreateRoom', room)).toHaveLength(1);
    await chain(host, 'startLive', id);
    const [atCreation, call, ...more] = callsFor('CreateRoom', room);
    expect(more).toEqual([]);
    expect(atCreation?.body).toEqual(call?.body);
    expect(call?.status).toBe(200);
    expect(call?.body).toEqual({
      name: room,
      emptyTimeout: EMPTY_TIMEOUT_SECONDS,
      maxParticipants: MAX_PARTICIPANTS,
      metadata: JSON.stringify({ roomId: id, host: host.address, roomType: 'Normal' }),
    });
    expect(call?.grants?.roomCreate).toBe(true);
    const created = svc.livekit.room(room);
    expect(created?.emptyTimeout).toBe(EMPTY_TIMEOUT_SECONDS);
    expect(created?.maxParticipants).toBe(MAX_PARTICIPANTS);
    expect(JSON.parse(created?.metadata ?? '')).toEqual({
      roomId: id,
      host: host.address,
      roomType: 'Normal',
    });
  });

  it('deletes the room when the live ends, which disconnects everyone in it', async () => {
    const { host, id, room } = await liveRoom();
    await connectedViewer(id, 'EndViewer');
    expect(svc.livekit.participants(room)).toHaveLength(1);
    await chain(host, 'endLive', id);
    const [call] = callsFor('DeleteRoom', room);
    expect(call?.body).toEqual({ room });
    expect(call?.status).toBe(200);
    expect(svc.livekit.room(room)).toBeUndefined();
    expect(svc.livekit.participants(room)).toEqual([]);
  });

  it('deletes the room when the chain bans it', async () => {
    const { id, room } = await liveRoom();
    await connectedViewer(id, 'BanViewer');
    await svc.sudo('livestream', 'banRoom', id, u8aToHex(stringToU8a('spam')));
    await svc.livekitActions.idle();
    expect(callsFor('DeleteRoom', room).map((c) => [c.body, c.status])).toEqual([[{ room }, 200]]);
    expect(svc.livekit.room(room)).toBeUndefined();
  });

  it('removes a kicked viewer from the media room at once', async () => {
    const { host, id, room } = await liveRoom();
    const viewer = await connectedViewer(id, 'KickedViewer');
    const other = await connectedViewer(id, 'StayingViewer');
    await chain(host, 'kickViewer', id, viewer.address);
    const [call] = callsFor('RemoveParticipant', room);
    expect(call?.body).toEqual({ room, identity: viewer.address });
    expect(call?.status).toBe(200);
    expect(call?.grants).toMatchObject({ roomAdmin: true, room });
    expect(svc.livekit.participant(room, viewer.address)).toBeUndefined();
    expect(svc.livekit.participant(room, other.address)).toBeDefined();
  });

  it('promotes a co-host who is already watching without a reconnect, then demotes them', async () => {
    const { host, id, room } = await liveRoom();
    const viewer = await connectedViewer(id, 'StageViewer');
    const before = svc.livekit.participant(room, viewer.address);
    expect(before?.permission?.canPublish).toBe(false);

    await chain(host, 'startCoHost', id, viewer.address);
    const [promote] = callsFor('UpdateParticipant', room);
    expect(promote?.status).toBe(200);
    expect(promote?.body).toEqual({
      room,
      identity: viewer.address,
      permission: {
        canSubscribe: true,
        canPublish: true,
        canPublishData: true,
        canPublishSources: ['CAMERA', 'MICROPHONE'],
      },
    });
    const promoted = svc.livekit.participant(room, viewer.address);
    expect(promoted?.sid).toBe(before?.sid);
    expect(promoted?.state).toBe(ParticipantInfo_State.ACTIVE);
    expect(promoted?.permission).toMatchObject({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    });

    await chain(host, 'endCoHost', id, viewer.address);
    const [, demote] = callsFor('UpdateParticipant', room);
    expect(demote?.status).toBe(200);
    // The SDK leaves false flags out; decoded, every bit is explicit.
    expect(demote?.request?.permission).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [],
    });
    const demoted = svc.livekit.participant(room, viewer.address);
    expect(demoted?.sid).toBe(before?.sid);
    expect(demoted?.permission).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [],
      hidden: false,
      canUpdateMetadata: false,
    });
  });

  it('takes "not there" answers as done: a kick or promotion of someone not in LiveKit', async () => {
    const { host, id, room } = await liveRoom();
    const absent = testPair('sr25519', 'NeverConnected');
    const failedBefore = svc.livekitActions.stats.failed;
    await chain(host, 'startCoHost', id, absent.address);
    await chain(host, 'kickViewer', id, absent.address);
    expect(callsFor('GetParticipant', room).map((c) => c.status)).toEqual([404]);
    expect(callsFor('UpdateParticipant', room)).toEqual([]);
    expect(callsFor('RemoveParticipant', room).map((c) => c.status)).toEqual([404]);
    expect(svc.livekitActions.stats.failed).toBe(failedBefore);
  });

  it('does no harm when events are replayed', async () => {
    const { host, id, room } = await liveRoom();
    const coHost = await connectedViewer(id, 'ReplayCoHost');
    const kicked = await connectedViewer(id, 'ReplayKicked');
    await chain(host, 'startCoHost', id, coHost.address);
    await chain(host, 'kickViewer', id, kicked.address);
    const replay = async () => {
      for (const event of events.filter((e) => e.roomId === id)) {
        for (const action of livekitActionsFor(event, svc.rooms.get(id), limits())) {
          svc.livekitActions.enqueue(action);
        }
      }
      await svc.livekitActions.idle();
    };
    const snapshot = () =>
      svc.livekit
        .participants(room)
        .map((p) => ({ sid: p.sid, identity: p.identity, permission: p.permission }));
    const before = snapshot();
    const failedBefore = svc.livekitActions.stats.failed;

    await replay();
    // CreateRoom is an upsert: the room and the co-host's connection and permission are kept.
    expect(snapshot()).toEqual(before);
    expect(svc.livekit.room(room)).toBeDefined();

    await chain(host, 'endLive', id);
    await replay();
    // The replay ends as the chain did: with the room deleted.
    expect(svc.livekit.room(room)).toBeUndefined();
    // Deleting a room that is gone is a 404, taken as done.
    const ended = events.filter((e) => e.roomId === id && e.name === 'LiveEnded');
    expect(ended).toHaveLength(1);
    for (const event of ended) {
      for (const action of livekitActionsFor(event, svc.rooms.get(id), limits())) {
        svc.livekitActions.enqueue(action);
      }
    }
    await svc.livekitActions.idle();
    expect(callsFor('DeleteRoom', room).map((c) => c.status)).toEqual([200, 200, 404]);
    expect(svc.livekitActions.stats.failed).toBe(failedBefore);
  });

  it('retries actions LiveKit answers with 503 until they succeed', async () => {
    const { host, id, room } = await newRoom();
    const retriedBefore = svc.livekitActions.stats.retried;
    svc.livekit.failNext(2);
    await chain(host, 'startLive', id);
    expect(
      svc.livekit
        .callsTo('CreateRoom')
        .slice(-3)
        .map((c) => c.status),
    ).toEqual([503, 503, 200]);
    expect(svc.livekitActions.stats.retried).toBe(retriedBefore + 2);
    expect(svc.livekit.room(room)).toBeDefined();
  });

  it('while LiveKit is down: health is degraded, tokens are still issued, and the actions run once it is back', async () => {
    const { host, id, room } = await liveRoom();
    const viewer = await connectedViewer(id, 'OutageViewer');
    const next = await newRoom();
    const port = svc.livekit.port;
    const failedBefore = svc.livekitActions.stats.failed;

    await svc.livekit.stop();
    expect(await svc.livekitHealth.probe()).toBe('disconnected');
    const health = await fetch(`${svc.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      services: { chain: 'connected', livekit: 'disconnected' },
    });

    // Chain events keep coming and queue up; the follower is not held back.
    await svc.send(next.host, 'livestream', 'startLive', next.id);
    await svc.send(host, 'livestream', 'kickViewer', id, viewer.address);
    expect(svc.livekitActions.stats.pending).toBe(2);
    const token = await fetch(`${svc.url}/api/livestream/viewer-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signer.sign(testPair('sr25519', 'OutageViewer2'), id, { field: 'viewerAddress' })),
    });
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({ roomName: room, token: expect.any(String) });

    // Back on the same port, with its rooms (as when backed by Redis).
    await svc.livekit.restart({ keepState: true });
    expect(svc.livekit.port).toBe(port);
    expect(await svc.livekitHealth.probe()).toBe('connected');
    await svc.livekitActions.idle();

    expect(svc.livekitActions.stats.pending).toBe(0);
    expect(svc.livekitActions.stats.failed).toBe(failedBefore);
    expect(svc.livekit.room(next.room)).toBeDefined();
    expect(svc.livekit.participant(room, viewer.address)).toBeUndefined();
    const after = await fetch(`${svc.url}/health`);
    expect(await after.json()).toMatchObject({ status: 'ok', services: { livekit: 'connected' } });
  });
});

describe('with credentials LiveKit refuses', () => {
  it('gives an action up at once and counts it as failed', async () => {
    const devchain = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    const livekit = await FakeLiveKitServer.start();
    const logs = captureLogs('warn');
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      CHAIN_WS_ENDPOINT: devchain.url,
      LIVEKIT_URL: livekit.wsUrl,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: 'not-the-secret-livekit-knows',
      LOG_LEVEL: 'silent',
    });
    const wrong = await startService({ config, logger: logs.logger, port: 0 });
    try {
      wrong.livekitHealth.stop();
      wrong.reconciler.stop();
      const watch = new FollowerWatch(wrong.follower);
      // Following starts at the chain's head: only blocks after it are acted on.
      await watch.reached(devchain.chain.finalized.number);
      const outcome = await devchain.chain.send('Bob', 'livestream', 'startLive', 1);
      expect(outcome.success).toBe(true);
      await watch.reached(devchain.chain.finalized.number);
      await wrong.livekitActions.idle();
      expect(livekit.callsTo('CreateRoom').map((c) => c.status)).toEqual([401]);
      expect(wrong.livekitActions.stats).toMatchObject({ pending: 0, done: 0, failed: 1, retried: 0 });
      expect(livekit.room('room-1')).toBeUndefined();
      expect(await wrong.livekitHealth.probe()).toBe('disconnected');
      expect(logs.entries().some((e) => e.msg === 'LiveKit action failed')).toBe(true);
    } finally {
      await wrong.close();
      await devchain.close();
      await livekit.stop();
    }
  });
});
