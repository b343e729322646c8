import type { KeyringPair } from '@polkadot/keyring/types';
import { RoomServiceClient, TokenVerifier, TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STAGE_MEDIA_ATTRIBUTE } from '../../src/livekit/stagePermission.js';
import { startService } from '../../src/startService.js';
import { askToken, type TokenEndpoint } from '../support/askToken.js';
import { JoinRefused } from '../support/FakeLiveKitServer.js';
import { FollowerWatch } from '../support/FollowerWatch.js';
import { captureLogs } from '../support/logCapture.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import { webhookSender } from '../support/webhookSender.js';

/*
 * The app's own flows against a LiveKit that refuses joins to rooms it does not know
 * (`auto_create: false`, as production runs it): LiveKit follows the chain on every path.
 */

let svc: TestService;
let admin: RoomServiceClient;
let verifier: TokenVerifier;
const signer = new RequestSigner();
let accounts = 0;

beforeAll(async () => {
  svc = await startTestService({ livekit: { autoCreate: false } });
  // Each test drives reconciliation itself, so no timer races what it checks.
  svc.reconciler.stop();
  svc.livekitReconciler.stop();
  svc.livekit.webhookUrl = `${svc.url}/api/livekit/webhook`;
  admin = new RoomServiceClient(svc.livekit.wsUrl, svc.livekit.apiKey, svc.livekit.apiSecret);
  verifier = new TokenVerifier(svc.livekit.apiKey, svc.livekit.apiSecret);
});

afterAll(async () => {
  await svc?.close();
});

beforeEach(async () => {
  await svc.livekitActions.idle();
  await svc.livekit.webhooksSettled();
});

function account(name: string): KeyringPair {
  accounts += 1;
  return testPair('sr25519', `InStep${name}${accounts}`);
}

function ask(endpoint: TokenEndpoint, who: KeyringPair, roomId: number, extra?: Record<string, unknown>) {
  return askToken(svc.url, signer, endpoint, who, roomId, extra);
}

async function token(
  endpoint: TokenEndpoint,
  who: KeyringPair,
  roomId: number,
  extra?: Record<string, unknown>,
) {
  const { status, body } = await ask(endpoint, who, roomId, extra);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

async function chain(who: KeyringPair, method: string, ...args: unknown[]): Promise<void> {
  await svc.send(who, 'livestream', method, ...args);
  await svc.livekitActions.idle();
}

/** A funded host with a new room (Preparing): the RoomCreated action has run. */
async function preparingRoom(): Promise<{ host: KeyringPair; id: number; room: string }> {
  const host = account('Host');
  await svc.fund(host.address);
  const id = await svc.createRoom(host, { title: 'In step' });
  await svc.livekitActions.idle();
  return { host, id, room: `room-${id}` };
}

async function liveRoom() {
  const created = await preparingRoom();
  await chain(created.host, 'startLive', created.id);
  return created;
}

/** Joins LiveKit with the token; resolves after the join's webhook was answered and its work queued. */
async function connect(jwt: string) {
  const participant = await svc.livekit.joinWithToken(jwt);
  await svc.livekit.webhooksSettled();
  await svc.livekitActions.idle();
  return participant;
}

const permissionOf = (room: string, identity: string) => svc.livekit.participant(room, identity)?.permission;

describe('the LiveKit room exists whenever its host may connect', () => {
  it('lets the host connect with a publisher token while the room is Preparing, then go live in the same room', async () => {
    const { host, id, room } = await preparingRoom();
    expect(svc.livekit.room(room)).toBeDefined();

    const publisher = await token('publisher-token', host, id);
    expect(publisher.role).toBe('publisher');
    const connected = await connect(publisher.token);
    expect(connected.permission?.canPublish).toBe(true);

    await chain(host, 'startLive', id);
    expect(svc.livekit.participant(room, host.address)?.sid).toBe(connected.sid);
  });

  it('creates the room again on the next publisher token when LiveKit lost it (empty timeout, restart)', async () => {
    const { host, id, room } = await preparingRoom();
    await admin.deleteRoom(room);
    const publisher = await token('publisher-token', host, id);
    await expect(connect(publisher.token)).resolves.toMatchObject({ identity: host.address });
    expect(JSON.parse(svc.livekit.room(room)?.metadata ?? '{}')).toEqual({
      roomId: id,
      host: host.address,
      roomType: 'Normal',
    });
  });

  it('refuses a join once the room has ended, because the room is deleted', async () => {
    const { host, id, room } = await liveRoom();
    const viewer = await token('viewer-token', account('LateViewer'), id);
    await chain(host, 'endLive', id);
    expect(svc.livekit.room(room)).toBeUndefined();
    const refused = await svc.livekit.joinWithToken(viewer.token).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(JoinRefused);
    expect(refused).toMatchObject({ status: 404 });
  });

  it('still issues the publisher token while LiveKit is down, and the room exists once it is back', async () => {
    const { host, id, room } = await preparingRoom();
    await admin.deleteRoom(room);
    await svc.livekit.stop();
    expect(await svc.livekitHealth.probe()).toBe('disconnected');
    const publisher = await token('publisher-token', host, id);
    expect(publisher.role).toBe('publisher');

    await svc.livekit.start();
    expect(await svc.livekitHealth.probe()).toBe('connected');
    await svc.livekitActions.idle();
    await expect(connect(publisher.token)).resolves.toMatchObject({ identity: host.address });
  });
});

describe('the role comes from the chain on every token path', () => {
  it('gives the host publisher grants and an active co-host co-host grants from /viewer-token, and says so', async () => {
    const { host, id, room } = await liveRoom();
    const coHost = account('CoHost');
    const viewer = account('Viewer');
    await chain(host, 'startCoHost', id, coHost.address);

    const asHost = await token('viewer-token', host, id);
    expect(asHost.role).toBe('publisher');
    expect((await verifier.verify(asHost.token)).video).toMatchObject({ room, canPublish: true });

    // The app after a restart: the co-host asks for a viewer token and can publish again.
    const asCoHost = await token('viewer-token', coHost, id);
    expect(asCoHost.role).toBe('coHost');
    const claims = await verifier.verify(asCoHost.token);
    expect(claims.video).toMatchObject({ canPublish: true, canPublishSources: ['camera', 'microphone'] });
    const joined = await connect(asCoHost.token);
    expect(joined.permission).toMatchObject({
      canPublish: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    });

    const asViewer = await token('viewer-token', viewer, id);
    expect(asViewer.role).toBe('viewer');
    expect((await verifier.verify(asViewer.token)).video).toMatchObject({ canPublish: false });
  });

  it('promotes a participant who joins with a viewer token minted before they became co-host', async () => {
    const { host, id, room } = await liveRoom();
    const guest = account('EarlyToken');
    const old = await token('viewer-token', guest, id);
    await chain(host, 'startCoHost', id, guest.address);
    await connect(old.token);
    expect(permissionOf(room, guest.address)).toMatchObject({
      canPublish: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    });
  });

  it('demotes a participant who joins with a co-host token after their turn ended', async () => {
    const { host, id, room } = await liveRoom();
    const guest = account('StaleCoHost');
    await chain(host, 'startCoHost', id, guest.address);
    const old = await token('co-host-token', guest, id, { type: 'video' });
    await chain(host, 'endCoHost', id, guest.address);
    await connect(old.token);
    expect(permissionOf(room, guest.address)).toMatchObject({ canPublish: false, canSubscribe: true });
  });

  it('removes a kicked account that joins with a token minted before the kick', async () => {
    const { host, id, room } = await liveRoom();
    const guest = account('KickedEarly');
    const old = await token('viewer-token', guest, id);
    await chain(host, 'kickViewer', id, guest.address);
    await connect(old.token);
    expect(svc.livekit.participant(room, guest.address)).toBeUndefined();
  });

  it('acknowledges and ignores webhooks for unknown rooms and identities that are not accounts', async () => {
    const { room } = await liveRoom();
    const sender = webhookSender({
      url: `${svc.url}/api/livekit/webhook`,
      apiKey: svc.livekit.apiKey,
      apiSecret: svc.livekit.apiSecret,
    });
    const before = svc.livekit.calls.length;
    for (const [roomName, identity] of [
      ['room-987654', account('Nowhere').address],
      ['lobby', 'someone'],
      [room, 'egress-recorder'],
    ] as const) {
      const response = await sender.send({
        event: 'participant_joined',
        room: roomName,
        participant: identity,
      });
      expect(response.status).toBe(200);
    }
    await svc.livekitActions.idle();
    expect(svc.livekit.calls.slice(before)).toEqual([]);
  });
});

describe('one rule for co-host media', () => {
  it('keeps an audio co-host on the microphone across demotion and promotion in place', async () => {
    const { host, id, room } = await liveRoom();
    const guest = account('AudioGuest');
    await chain(host, 'startCoHost', id, guest.address);
    const audio = await token('co-host-token', guest, id, { type: 'audio' });
    const joined = await connect(audio.token);
    expect(joined.attributes).toEqual({ [STAGE_MEDIA_ATTRIBUTE]: 'audio' });
    expect(permissionOf(room, guest.address)?.canPublishSources).toEqual([TrackSource.MICROPHONE]);

    await chain(host, 'endCoHost', id, guest.address);
    expect(permissionOf(room, guest.address)).toMatchObject({ canPublish: false, canPublishSources: [] });
    await chain(host, 'startCoHost', id, guest.address);
    expect(permissionOf(room, guest.address)).toMatchObject({
      canPublish: true,
      canPublishSources: [TrackSource.MICROPHONE],
    });
    expect(svc.livekit.participant(room, guest.address)?.sid).toBe(joined.sid);
  });

  it('gives a viewer promoted in place camera and microphone, as a co-host token without a type does', async () => {
    const { host, id, room } = await liveRoom();
    const guest = account('VideoGuest');
    await connect((await token('viewer-token', guest, id)).token);
    await chain(host, 'startCoHost', id, guest.address);
    const promoted = permissionOf(room, guest.address);
    const other = account('TypelessGuest');
    await chain(host, 'startCoHost', id, other.address);
    const typeless = await verifier.verify((await token('co-host-token', other, id)).token);
    expect(promoted?.canPublishSources).toEqual([TrackSource.CAMERA, TrackSource.MICROPHONE]);
    expect(typeless.video?.canPublishSources).toEqual(['camera', 'microphone']);
  });
});

describe('reconciliation with the chain', () => {
  it('creates open rooms LiveKit lost and deletes rooms the chain ended, then counts each correction', async () => {
    const live = await liveRoom();
    const preparing = await preparingRoom();
    const ended = await liveRoom();
    await chain(ended.host, 'endLive', ended.id);
    // LiveKit restarted without its state, and a stale room came back from somewhere.
    await svc.livekit.restart();
    await admin.createRoom({ name: ended.room });

    const round = await svc.livekitReconciler.reconcile();
    await svc.livekitActions.idle();
    expect(round.complete).toBe(true);
    expect(svc.livekit.room(live.room)).toBeDefined();
    expect(svc.livekit.room(preparing.room)).toBeDefined();
    expect(svc.livekit.room(ended.room)).toBeUndefined();
    expect(round.corrections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'createRoom', room: live.room }),
        expect.objectContaining({ kind: 'createRoom', room: preparing.room }),
        { kind: 'deleteRoom', room: ended.room },
      ]),
    );

    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(
      /livestream_livekit_corrections_total\{kind="createRoom",source="reconcile"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /livestream_livekit_corrections_total\{kind="deleteRoom",source="reconcile"\} [1-9]/,
    );

    // In step now: the next round finds nothing to do for these rooms.
    const next = await svc.livekitReconciler.reconcile();
    expect(
      next.corrections.filter((action) => [live.room, preparing.room, ended.room].includes(action.room)),
    ).toEqual([]);
  });

  it('gives co-hosts co-host permissions and nobody else, and removes kicked accounts', async () => {
    const { host, id, room } = await liveRoom();
    const coHost = account('MissedPromotion');
    const former = account('MissedDemotion');
    const kicked = account('MissedKick');
    // What LiveKit holds after actions were lost (LiveKit down longer than the retries).
    await svc.livekit.stop();
    await svc.send(host, 'livestream', 'startCoHost', id, coHost.address);
    await svc.send(host, 'livestream', 'kickViewer', id, kicked.address);
    await svc.livekit.start();
    // The queued actions ran while nobody was connected: they had nothing to change.
    svc.livekitActions.wake();
    await svc.livekitActions.idle();
    svc.livekit.webhookUrl = undefined;
    try {
      await svc.livekit.join(room, coHost.address, {
        permission: { canPublish: false, canPublishData: true },
      });
      await svc.livekit.join(room, former.address, { permission: { canPublish: true } });
      await svc.livekit.join(room, kicked.address, {
        permission: { canPublish: false, canPublishData: true },
      });
      await svc.livekitActions.idle();

      const round = await svc.livekitReconciler.reconcile();
      await svc.livekitActions.idle();
      expect(
        round.corrections
          .filter((action) => action.room === room)
          .map((action) => action.kind)
          .sort(),
      ).toEqual(['removeParticipant', 'setPermission', 'setPermission']);
      expect(permissionOf(room, coHost.address)).toMatchObject({
        canPublish: true,
        canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
      });
      expect(permissionOf(room, former.address)).toMatchObject({ canPublish: false, canSubscribe: true });
      expect(svc.livekit.participant(room, kicked.address)).toBeUndefined();
    } finally {
      svc.livekit.webhookUrl = `${svc.url}/api/livekit/webhook`;
    }
  });

  it('skips a round while LiveKit is down and catches up in the next one', async () => {
    const { room } = await liveRoom();
    await svc.livekit.restart();
    await svc.livekit.stop();
    const down = await svc.livekitReconciler.reconcile();
    expect(down).toMatchObject({ complete: false, corrections: [] });
    await svc.livekit.start();
    await svc.livekitReconciler.reconcile();
    await svc.livekitActions.idle();
    expect(svc.livekit.room(room)).toBeDefined();
  });

  it('creates the rooms that were live when the backend started', async () => {
    const { room } = await liveRoom();
    const paused = await liveRoom();
    await chain(paused.host, 'pauseLive', paused.id);
    await svc.livekit.restart();
    // A second instance starts while the show is on: its first round runs once its rooms are loaded.
    const logs = captureLogs('warn');
    const restarted = await startService({ config: svc.config, logger: logs.logger, port: 0 });
    try {
      await new FollowerWatch(restarted.follower).reached(svc.devchain.chain.finalized.number);
      // Joins the round started at load if it is still running.
      await restarted.livekitReconciler.reconcile();
      await restarted.livekitActions.idle();
      expect(svc.livekit.room(room)).toBeDefined();
      expect(svc.livekit.room(paused.room)).toBeDefined();
    } finally {
      await restarted.close();
    }
  });
});

describe('the name participants see', () => {
  it('is the shortened address unless the app sends a display name', async () => {
    const { id } = await liveRoom();
    const guest = account('Named');
    const plain = await verifier.verify((await token('viewer-token', guest, id)).token);
    expect(plain.name).toBe(`${guest.address.slice(0, 4)}…${guest.address.slice(-4)}`);
    const named = await verifier.verify(
      (await token('viewer-token', guest, id, { displayName: ' Ada 🎙 ' })).token,
    );
    expect(named.name).toBe('Ada 🎙');
  });

  it('refuses a display name that is too long or has control characters with 400', async () => {
    const { id } = await liveRoom();
    const guest = account('BadName');
    for (const displayName of ['x'.repeat(65), 'line\nbreak', 'bell\u0007', 'rtl\u202Eoverride', '   ']) {
      const { status, body } = await ask('viewer-token', guest, id, { displayName });
      expect(status, JSON.stringify(displayName)).toBe(400);
      expect(body.error?.code).toBe('VALIDATION_ERROR');
    }
  });
});
