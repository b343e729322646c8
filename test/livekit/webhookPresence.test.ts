import { request } from 'node:http';
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS } from '../../src/config/configDefaults.js';
import { LIVEKIT_WEBHOOK_PATH } from '../../src/http/routes/livekitWebhookRoute.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import { WsTestClient } from '../support/WsTestClient.js';
import { type WebhookInput, type WebhookSender, webhookSender } from '../support/webhookSender.js';

let svc: TestService;
let sender: WebhookSender;
const signer = new RequestSigner();
const clients: WsTestClient[] = [];
let hosts = 0;

beforeAll(async () => {
  svc = await startTestService();
  // Reconciliation runs when a test asks for it, not on its timer.
  svc.reconciler.stop();
  sender = webhookSender({
    url: `${svc.url}${LIVEKIT_WEBHOOK_PATH}`,
    apiKey: svc.livekit.apiKey,
    apiSecret: svc.livekit.apiSecret,
  });
});

afterEach(async () => {
  svc.livekit.webhookUrl = undefined;
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await svc?.close();
});

/** A live room of a new host, so every test has its own presence. */
async function liveRoom(): Promise<{ id: number; room: string; host: KeyringPair }> {
  hosts += 1;
  const host = testPair('sr25519', `PresenceHost${hosts}`);
  await svc.fund(host.address);
  const id = await svc.createRoom(host);
  await svc.send(host, 'livestream', 'startLive', id);
  await svc.livekitActions.idle();
  return { id, room: `room-${id}`, host };
}

/** A WebSocket client subscribed to the room. */
async function watcher(roomId: number): Promise<WsTestClient> {
  const client = await WsTestClient.connect(`${svc.url.replace('http', 'ws')}/ws`);
  clients.push(client);
  client.send({ type: 'join-room', roomId });
  await client.nextOfType('room:joined', (m) => m.roomId === roomId);
  return client;
}

async function currentViewers(roomId: number): Promise<number> {
  const response = await fetch(`${svc.url}/api/livestream/room/${roomId}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { currentViewers: number }).currentViewers;
}

const nextCount = (client: WsTestClient, roomId: number) =>
  client.nextOfType('viewers:count', (m) => m.roomId === roomId).then((m) => m.count);

/**
 * The viewers:count pushes for the room so far, after every frame sent before now (and every count
 * held back to be coalesced) has arrived. Counts of steps that did not wait for their push in
 * between are coalesced into the last one's.
 */
async function counts(client: WsTestClient, roomId: number): Promise<unknown[]> {
  await svc.hub.flushed();
  await client.settle();
  return client.all((m) => m.type === 'viewers:count' && m.roomId === roomId).map((m) => m.count);
}

async function send(input: WebhookInput): Promise<{ status: number; body: unknown }> {
  const response = await sender.send(input);
  return { status: response.status, body: JSON.parse(response.body) };
}

const participant = (identity: string, sid = `PA_${identity}`) => ({ identity, sid });
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function signedPost(path: string, pair: KeyringPair, roomId: number): Promise<Response> {
  return fetch(`${svc.url}/api/livestream/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signer.sign(pair, roomId, { field: 'viewerAddress' })),
  });
}

/** A signed viewer token request sent from `localAddress` (a loopback address: its own client IP). */
function viewerTokenFrom(localAddress: string, pair: KeyringPair, roomId: number): Promise<number> {
  const body = JSON.stringify(signer.sign(pair, roomId, { field: 'viewerAddress' }));
  return new Promise((resolve, reject) => {
    const req = request(
      `${svc.url}/api/livestream/viewer-token`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('LiveKit webhooks keep the viewer count', () => {
  it('counts participant_joined and participant_left in the room response and in viewers:count pushes', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    expect(await send({ event: 'participant_joined', room, participant: participant('alice') })).toEqual({
      status: 200,
      body: { received: true, event: 'participant_joined', outcome: 'applied' },
    });
    expect(await nextCount(client, id)).toBe(1);
    expect(await currentViewers(id)).toBe(1);
    await send({ event: 'participant_joined', room, participant: participant('bob') });
    expect(await nextCount(client, id)).toBe(2);
    await send({ event: 'participant_left', room, participant: participant('alice') });
    expect(await nextCount(client, id)).toBe(1);
    await send({ event: 'participant_connection_aborted', room, participant: participant('bob') });
    expect(await nextCount(client, id)).toBe(0);
    expect(await currentViewers(id)).toBe(0);
  });

  it('counts a delivery that arrives several times once', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    const responses = await sender.sendDuplicate(
      { event: 'participant_joined', room, participant: participant('alice') },
      3,
    );
    expect(responses.map((r) => [r.status, JSON.parse(r.body).outcome])).toEqual([
      [200, 'applied'],
      [200, 'duplicate'],
      [200, 'duplicate'],
    ]);
    expect(await currentViewers(id)).toBe(1);
    expect(await counts(client, id)).toEqual([1]);
  });

  it('does not let a retried join bring back a viewer who has left since', async () => {
    const { id, room } = await liveRoom();
    const joined = sender.prepare({ event: 'participant_joined', room, participant: participant('alice') });
    const left = sender.prepare({ event: 'participant_left', room, participant: participant('alice') });
    await sender.deliver(joined);
    await sender.deliver(left);
    expect((await sender.deliver(joined)).status).toBe(200);
    expect(await currentViewers(id)).toBe(0);
  });

  it('does not let a stale leave, older than the join, remove the viewer', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    const now = nowSeconds();
    const staleLeft = sender.prepare({
      event: 'participant_left',
      room,
      participant: participant('alice', 'PA_before'),
      createdAt: now - 5,
    });
    const joined = sender.prepare({
      event: 'participant_joined',
      room,
      participant: participant('alice', 'PA_now'),
      createdAt: now,
    });
    await sender.deliver(joined);
    expect((await sender.deliver(staleLeft)).status).toBe(200);
    expect(await currentViewers(id)).toBe(1);
    expect(await counts(client, id)).toEqual([1]);
  });

  it('does not let a join older than the leave that followed it count, when they arrive swapped', async () => {
    const { id, room } = await liveRoom();
    const now = nowSeconds();
    const alice = participant('alice');
    const joined = sender.prepare({
      event: 'participant_joined',
      room,
      participant: alice,
      createdAt: now - 3,
    });
    const left = sender.prepare({ event: 'participant_left', room, participant: alice, createdAt: now });
    await sender.deliver(left);
    await sender.deliver(joined);
    expect(await currentViewers(id)).toBe(0);
  });

  it('keeps a reconnect in the same second when the leave of the old connection arrives after the new join', async () => {
    const { id, room } = await liveRoom();
    const now = nowSeconds();
    const oldLeft = sender.prepare({
      event: 'participant_left',
      room,
      participant: participant('alice', 'PA_old'),
      createdAt: now,
    });
    const newJoined = sender.prepare({
      event: 'participant_joined',
      room,
      participant: participant('alice', 'PA_new'),
      createdAt: now,
    });
    await send({
      event: 'participant_joined',
      room,
      participant: participant('alice', 'PA_old'),
      createdAt: now,
    });
    await sender.deliver(newJoined);
    await sender.deliver(oldLeft);
    expect(await currentViewers(id)).toBe(1);
  });

  it('counts a rejoin once', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    await send({ event: 'participant_joined', room, participant: participant('alice', 'PA_1') });
    await send({ event: 'participant_joined', room, participant: participant('alice', 'PA_2') });
    expect(await currentViewers(id)).toBe(1);
    expect(await counts(client, id)).toEqual([1]);
  });

  it('empties the room on room_finished', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    const now = nowSeconds();
    await send({ event: 'participant_joined', room, participant: participant('alice'), createdAt: now });
    expect(await nextCount(client, id)).toBe(1);
    await send({ event: 'participant_joined', room, participant: participant('bob'), createdAt: now });
    expect(await currentViewers(id)).toBe(2);
    expect(await nextCount(client, id)).toBe(2);
    await send({ event: 'room_finished', room, createdAt: now + 1 });
    expect(await currentViewers(id)).toBe(0);
    expect(await counts(client, id)).toEqual([1, 2, 0]);
  });

  describe('refuses deliveries that are not LiveKit’s', () => {
    const cases: [string, (input: WebhookInput) => ReturnType<WebhookSender['send']>][] = [
      ['a tampered body', (input) => sender.sendTampered(input)],
      ['an unsigned delivery', (input) => sender.sendUnsigned(input)],
      [
        'a Bearer-prefixed token',
        (input) => {
          const prepared = sender.prepare(input);
          return sender.deliver(prepared, { authorization: `Bearer ${prepared.authorization}` });
        },
      ],
      [
        'a token signed with another secret',
        (input) => sender.deliver(sender.prepare(input, { secret: 'not-the-livekit-secret' })),
      ],
    ];
    it.each(cases)('%s: 401 and no change', async (_name, deliver) => {
      const { id, room } = await liveRoom();
      const client = await watcher(id);
      const response = await deliver({
        event: 'participant_joined',
        room,
        participant: participant('mallory'),
      });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect(await currentViewers(id)).toBe(0);
      expect(await counts(client, id)).toEqual([]);
    });

    it('a body that is not application/webhook+json: 415', async () => {
      const { id, room } = await liveRoom();
      const prepared = sender.prepare({
        event: 'participant_joined',
        room,
        participant: participant('alice'),
      });
      const response = await fetch(sender.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: prepared.authorization },
        body: prepared.body,
      });
      expect(response.status).toBe(415);
      expect(await currentViewers(id)).toBe(0);
    });
  });

  it('takes LiveKit’s own webhooks: joins, leaves and a kick through the chain', async () => {
    const { id, room, host } = await liveRoom();
    const client = await watcher(id);
    svc.livekit.webhookUrl = sender.url;
    const viewer = testPair('sr25519', 'WebhookViewer');
    await svc.livekit.join(room, viewer.address);
    expect(await nextCount(client, id)).toBe(1);
    await svc.livekit.join(room, 'second-viewer');
    expect(await currentViewers(id)).toBe(2);
    expect(await nextCount(client, id)).toBe(2);
    await svc.livekit.leave(room, 'second-viewer');
    expect(await currentViewers(id)).toBe(1);
    expect(await nextCount(client, id)).toBe(1);
    // ViewerKicked → RemoveParticipant → LiveKit's participant_left → presence.
    await svc.send(host, 'livestream', 'kickViewer', id, viewer.address);
    await svc.livekitActions.idle();
    await svc.livekit.webhooksSettled();
    expect(svc.livekit.webhookDeliveries.every((d) => d.response?.status === 200)).toBe(true);
    expect(await currentViewers(id)).toBe(0);
    expect(await counts(client, id)).toEqual([1, 2, 1, 0]);
  });
});

describe('reconciliation with LiveKit', () => {
  it('corrects a lost leave and a lost join from LiveKit’s participant list', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    await send({ event: 'participant_joined', room, participant: participant('alice') });
    expect(await nextCount(client, id)).toBe(1);
    await send({ event: 'participant_joined', room, participant: participant('bob') });
    expect(await nextCount(client, id)).toBe(2);
    // In LiveKit, bob has left and carol joined; neither webhook arrived.
    await svc.livekit.join(room, 'alice');
    await svc.livekit.join(room, 'carol');
    expect(await currentViewers(id)).toBe(2);
    await svc.reconciler.reconcile();
    expect(await currentViewers(id)).toBe(2);
    await svc.livekit.leave(room, 'carol');
    await svc.reconciler.reconcile();
    expect(await currentViewers(id)).toBe(1);
    expect(await nextCount(client, id)).toBe(1);
    // carol comes back right after the list: her webhook (whole seconds) is not taken as older.
    await send({ event: 'participant_joined', room, participant: participant('carol', 'PA_carol2') });
    expect(await currentViewers(id)).toBe(2);
    expect(await counts(client, id)).toEqual([1, 2, 1, 2]);
  });

  it('finds viewers of a live room nobody reported, as after a restart', async () => {
    const { id, room } = await liveRoom();
    await svc.livekit.join(room, 'already-watching-1');
    await svc.livekit.join(room, 'already-watching-2');
    expect(await currentViewers(id)).toBe(0);
    await svc.reconciler.reconcile();
    expect(await currentViewers(id)).toBe(2);
  });
});

describe('without webhooks', () => {
  it('counts viewer tokens and viewer-leave as the fallback', async () => {
    const { id, room } = await liveRoom();
    const client = await watcher(id);
    const viewer1 = testPair('sr25519', 'FallbackViewer1');
    const viewer2 = testPair('ed25519', 'FallbackViewer2');
    expect((await signedPost('viewer-token', viewer1, id)).status).toBe(200);
    expect(await nextCount(client, id)).toBe(1);
    expect((await signedPost('viewer-token', viewer2, id)).status).toBe(200);
    // A second token for the same viewer (a reconnect) does not count twice.
    expect((await signedPost('viewer-token', viewer1, id)).status).toBe(200);
    expect(await currentViewers(id)).toBe(2);
    expect(await nextCount(client, id)).toBe(2);
    const leave = await signedPost('viewer-leave', viewer1, id);
    expect(leave.status).toBe(200);
    expect(await leave.json()).toEqual({ success: true });
    expect(await currentViewers(id)).toBe(1);
    expect(await counts(client, id)).toEqual([1, 2, 1]);

    // Once LiveKit reports on the room, it is the source.
    await send({ event: 'participant_joined', room, participant: participant(viewer1.address) });
    expect(await currentViewers(id)).toBe(1);
    await send({ event: 'participant_joined', room, participant: participant(viewer2.address) });
    expect(await currentViewers(id)).toBe(2);
    expect((await signedPost('viewer-leave', viewer2, id)).status).toBe(200);
    expect(await currentViewers(id)).toBe(2);
  });

  it('raises the count by a bounded number of accounts per client IP, and still issues their tokens', async () => {
    const { id } = await liveRoom();
    const client = await watcher(id);
    const extra = 3;
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS + extra; i++) {
      statuses.push(await viewerTokenFrom('127.0.0.2', testPair('sr25519', `Throwaway${i}`), id));
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await currentViewers(id)).toBe(DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS);
    // Another address has its own quota; an account already counted is renewed, not refused.
    expect(await viewerTokenFrom('127.0.0.3', testPair('sr25519', 'Throwaway0'), id)).toBe(200);
    expect(await viewerTokenFrom('127.0.0.3', testPair('sr25519', 'OtherHousehold'), id)).toBe(200);
    expect(await currentViewers(id)).toBe(DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS + 1);
    // However fast they came, the watcher got a few coalesced counts, the last one right.
    const pushed = await counts(client, id);
    expect(pushed.at(-1)).toBe(DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS + 1);
  });

  it('drops the count when the room ends on chain', async () => {
    const { id, host } = await liveRoom();
    const client = await watcher(id);
    expect((await signedPost('viewer-token', testPair('sr25519', 'EndingViewer'), id)).status).toBe(200);
    expect(await nextCount(client, id)).toBe(1);
    await svc.send(host, 'livestream', 'endLive', id);
    expect(await nextCount(client, id)).toBe(0);
    expect(await currentViewers(id)).toBe(0);
  });
});
