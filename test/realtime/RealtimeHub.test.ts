import { once } from 'node:events';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainBlock } from '../../src/chain/livestreamEvents.js';
import { MAX_BUFFERED_BYTES } from '../../src/realtime/ClientConnection.js';
import { RoomReplayBuffer } from '../../src/realtime/RoomReplayBuffer.js';
import { startTestGateway, type TestGateway } from '../support/startTestGateway.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import { WORKER_WARMUP_MS, WsAuthSigner } from '../support/WsAuthSigner.js';
import { type WsMessage, WsTestClient } from '../support/WsTestClient.js';

/** Room 0 of the demo seed: //Alice's, Live. */
const ROOM = 0;

/** A synthetic finalized block of `count` room events of ~`padBytes` each, for a hub built in a test. */
function syntheticBlock(number: number, count: number, padBytes = 0): ChainBlock {
  const hash = `0x${number.toString(16).padStart(64, '0')}`;
  const events = Array.from({ length: count }, (_, index) => ({
    id: `${number}-${index}`,
    name: 'RoomUpdated' as const,
    roomId: ROOM,
    block: { number, hash },
    data: { roomId: ROOM, pad: 'x'.repeat(padBytes) },
  }));
  return { number, hash, events };
}

describe('RealtimeHub', () => {
  let service: TestService;
  let wsUrl: string;
  const signer = new WsAuthSigner();
  const clients: WsTestClient[] = [];
  let live = true;

  async function connect(url = wsUrl) {
    const client = await WsTestClient.connect(url);
    clients.push(client);
    return client;
  }

  async function join(client: WsTestClient, roomId = ROOM): Promise<WsMessage> {
    client.send({ type: 'join-room', roomId });
    return client.nextOfType('room:joined', (m) => m.roomId === roomId);
  }

  async function authenticated(pair: KeyringPair, url = wsUrl) {
    const client = await connect(url);
    await signer.authenticate(client, pair);
    return client;
  }

  /** Pauses or resumes room 0; resolves once the service has processed the block. Returns the event id. */
  async function toggle(): Promise<string> {
    const outcome = await service.send('Alice', 'livestream', live ? 'pauseLive' : 'resumeLive', ROOM);
    live = !live;
    const block = service.devchain.chain.store.byHash(outcome.blockHash);
    if (!block) throw new Error('unknown block');
    const index = service.devchain.chain.eventsAt(block).findIndex((e) => e.pallet === 'Livestream');
    return `${block.number}-${index}`;
  }

  beforeAll(async () => {
    service = await startTestService();
    wsUrl = `${service.url.replace('http', 'ws')}/ws`;
    const warmUp = await WsTestClient.connect(wsUrl);
    await signer.authenticate(warmUp, testPair('sr25519', 'WarmUp'), WORKER_WARMUP_MS);
    await warmUp.close();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await service?.close();
  });

  describe('presence', () => {
    it('announces an authenticated joiner to the other members, counting each account once', async () => {
      const bob = testPair('sr25519', 'PresenceBob');
      const observer = await connect();
      const baseline = (await join(observer)).viewers as number;

      const bob1 = await authenticated(bob);
      expect(await join(bob1)).toMatchObject({ viewers: baseline + 1 });
      expect(await observer.nextOfType('viewer:joined')).toEqual({
        type: 'viewer:joined',
        roomId: ROOM,
        address: bob.address,
      });
      expect(await observer.nextOfType('viewers:count')).toEqual({
        type: 'viewers:count',
        roomId: ROOM,
        count: baseline + 1,
      });

      // A second connection of the same account: no new viewer.
      const bob2 = await authenticated(bob);
      expect(await join(bob2)).toMatchObject({ viewers: baseline + 1 });
      bob1.send({ type: 'leave-room', roomId: ROOM });
      await bob1.nextOfType('room:left');
      await observer.settle();
      expect(observer.all((m) => m.type === 'viewer:joined')).toHaveLength(1);
      expect(observer.all((m) => m.type === 'viewer:left')).toHaveLength(0);
      expect(observer.all((m) => m.type === 'viewers:count')).toHaveLength(1);

      // Its last connection goes away: the viewer has left.
      await bob2.close();
      expect(await observer.nextOfType('viewer:left')).toEqual({
        type: 'viewer:left',
        roomId: ROOM,
        address: bob.address,
      });
      expect(await observer.nextOfType('viewers:count')).toEqual({
        type: 'viewers:count',
        roomId: ROOM,
        count: baseline,
      });
    });

    it('announces anonymous joiners to nobody, and counts a member who authenticates after joining', async () => {
      const carol = testPair('sr25519', 'PresenceCarol');
      const observer = await connect();
      const baseline = (await join(observer)).viewers as number;
      const member = await connect();
      expect(await join(member)).toMatchObject({ viewers: baseline });
      await observer.settle();
      expect(observer.all((m) => m.type === 'viewer:joined')).toEqual([]);

      member.send(signer.frame(carol));
      await member.nextOfType('auth:ok');
      expect(await observer.nextOfType('viewer:joined')).toEqual({
        type: 'viewer:joined',
        roomId: ROOM,
        address: carol.address,
      });
      expect(await observer.nextOfType('viewers:count')).toMatchObject({ count: baseline + 1 });
      await member.settle();
      // Authenticating does not join again: one snapshot only.
      expect(member.all((m) => m.type === 'room:joined')).toHaveLength(1);

      // Authenticating as another account on the same connection: one left, the other joined.
      const dan = testPair('sr25519', 'PresenceDan');
      member.send(signer.frame(dan));
      await member.nextOfType('auth:ok', (m) => m.address === dan.address);
      expect(await observer.nextOfType('viewer:left')).toMatchObject({ address: carol.address });
      expect(await observer.nextOfType('viewer:joined')).toMatchObject({ address: dan.address });

      member.send({ type: 'leave-room', roomId: ROOM });
      expect(await observer.nextOfType('viewer:left')).toMatchObject({ address: dan.address });
      // Counts are held back to be coalesced: every one is sent once the hub has flushed.
      await service.hub.flushed();
      await observer.settle();
      expect(observer.all((m) => m.type === 'viewers:count').at(-1)).toMatchObject({ count: baseline });
    });
  });

  describe('resume with since', () => {
    it('replays exactly the missed room events once, in order, then room:joined', async () => {
      const first = await connect();
      await join(first);
      const seen = await toggle();
      await first.next((m) => m.id === seen);
      await first.close();

      const missed = [await toggle(), await toggle(), await toggle()];
      const second = await connect();
      second.send({ type: 'join-room', roomId: ROOM, since: seen });
      const joined = await second.nextOfType('room:joined');
      expect(joined).toMatchObject({ roomId: ROOM, lastEventId: missed[2] });
      const before = second.received.slice(0, second.received.indexOf(joined));
      expect(before.map((m) => m.id)).toEqual(missed);
      expect(before.map((m) => m.roomId)).toEqual([ROOM, ROOM, ROOM]);

      // Then live events follow, none repeated.
      const next = await toggle();
      await second.next((m) => m.id === next);
      await second.settle();
      const ids = second.all((m) => typeof m.id === 'string').map((m) => m.id);
      expect(ids).toEqual([...missed, next]);
    });

    it('replays nothing when the client is up to date', async () => {
      const last = await toggle();
      const client = await connect();
      client.send({ type: 'join-room', roomId: ROOM, since: last });
      expect(await client.nextOfType('room:joined')).toMatchObject({ lastEventId: last });
      expect(client.received.filter((m) => typeof m.id === 'string')).toEqual([]);
    });

    it('sends room:reset, then room:joined, for an id from before the service started', async () => {
      const client = await connect();
      client.send({ type: 'join-room', roomId: ROOM, since: '1-0' });
      expect(await client.next()).toEqual({ type: 'room:reset', roomId: ROOM });
      expect(await client.next()).toMatchObject({ type: 'room:joined', roomId: ROOM });
      // Room 3 had no event since the start either: an old id still means "reload".
      client.send({ type: 'join-room', roomId: 3, since: '2-0' });
      expect(await client.next()).toEqual({ type: 'room:reset', roomId: 3 });
    });

    it('sends room:reset for an id past everything published here', async () => {
      const client = await connect();
      client.send({ type: 'join-room', roomId: ROOM, since: '999999999-0' });
      expect(await client.next()).toEqual({ type: 'room:reset', roomId: ROOM });
      expect(await client.next()).toMatchObject({ type: 'room:joined', roomId: ROOM });
    });

    it('after a chain reset, tells members to reload and refuses ids of the old chain', async () => {
      const gateway = await startTestGateway({ rooms: service.rooms, logger: service.logs.logger });
      try {
        gateway.hub.reset(900);
        const member = await connect(gateway.wsUrl);
        await join(member);
        gateway.hub.publishBlock(syntheticBlock(1_000, 1));
        expect(await member.next()).toMatchObject({ type: 'room:updated', id: '1000-0' });

        // Another chain (new genesis), at block 5: history is void, and its ids start low again.
        gateway.hub.reset(5);
        expect(await member.next()).toEqual({ type: 'room:reset', roomId: ROOM });
        gateway.hub.publishBlock(syntheticBlock(6, 1));
        expect(await member.next()).toMatchObject({ type: 'room:updated', id: '6-0' });

        const resumed = await connect(gateway.wsUrl);
        resumed.send({ type: 'join-room', roomId: ROOM, since: '1000-0' });
        expect(await resumed.next()).toEqual({ type: 'room:reset', roomId: ROOM });
        expect(await resumed.next()).toMatchObject({ type: 'room:joined', lastEventId: '6-0' });

        const current = await connect(gateway.wsUrl);
        current.send({ type: 'join-room', roomId: ROOM, since: '5-999999' });
        expect(await current.next()).toMatchObject({ type: 'room:updated', id: '6-0' });
        expect(await current.next()).toMatchObject({ type: 'room:joined', lastEventId: '6-0' });
      } finally {
        await gateway.close();
      }
    });

    it('sends room:reset once the events after `since` no longer all fit the buffer', async () => {
      const gateway = await startTestGateway({
        rooms: service.rooms,
        logger: service.logs.logger,
        hub: { replay: new RoomReplayBuffer({ maxEvents: 2 }) },
      });
      try {
        // Fed like the service's own hub, from the same follower, from now on.
        gateway.hub.reset(service.follower.cursor?.number ?? 0);
        service.follower.onBlock((block) => gateway.hub.publishBlock(block));
        const ids = [await toggle(), await toggle(), await toggle(), await toggle()];

        const old = await connect(gateway.wsUrl);
        old.send({ type: 'join-room', roomId: ROOM, since: ids[0] });
        expect(await old.next()).toEqual({ type: 'room:reset', roomId: ROOM });
        expect(await old.next()).toMatchObject({ type: 'room:joined', lastEventId: ids[3] });

        const recent = await connect(gateway.wsUrl);
        recent.send({ type: 'join-room', roomId: ROOM, since: ids[1] });
        expect((await recent.next()).id).toBe(ids[2]);
        expect((await recent.next()).id).toBe(ids[3]);
        expect(await recent.next()).toMatchObject({ type: 'room:joined', lastEventId: ids[3] });
      } finally {
        await gateway.close();
      }
    });
  });

  describe('backpressure', () => {
    let gateway: TestGateway;

    beforeAll(async () => {
      gateway = await startTestGateway({ rooms: service.rooms, logger: service.logs.logger });
    });

    afterAll(() => gateway?.close());

    it('drops a client that stops reading once its send buffer passes the bound; others keep receiving', async () => {
      const fast = await connect(gateway.wsUrl);
      const slow = await connect(gateway.wsUrl);
      await join(fast);
      await join(slow);
      const onServer = gateway.hub.connections();
      expect(onServer).toHaveLength(2);
      (slow.socket as unknown as { _socket: Socket })._socket.pause();

      const EVENTS_PER_BLOCK = 16;
      const MAX_BLOCKS = 400;
      const latenciesMs: number[] = [];
      const published: string[] = [];
      let number = 1_000_000;
      while (gateway.hub.stats.clientsDropped === 0 && number < 1_000_000 + MAX_BLOCKS) {
        const block = syntheticBlock(number++, EVENTS_PER_BLOCK, 16 * 1024);
        const started = performance.now();
        gateway.hub.publishBlock(block);
        published.push(...block.events.map((e) => e.id));
        await fast.next((m) => m.id === published[published.length - 1]);
        latenciesMs.push(performance.now() - started);
      }
      expect(gateway.hub.stats.clientsDropped).toBe(1);
      const dropped = onServer.filter((c) => c.closed);
      expect(dropped).toHaveLength(1);
      const [cut] = dropped;
      if (cut && cut.socket.readyState !== cut.socket.CLOSED) await once(cut.socket, 'close');
      expect(gateway.hub.connections()).toHaveLength(1);

      // The fast client got every event, once, in order, promptly.
      const ids = fast.all((m) => m.type === 'room:updated').map((m) => m.id);
      expect(ids).toEqual(published);
      expect(Math.max(...latenciesMs)).toBeLessThan(1_000);
      // More than the bound was sent its way: without the guard, the server would be holding it all.
      expect(published.length * 16 * 1024).toBeGreaterThan(MAX_BUFFERED_BYTES);

      // Reading again, the slow client finds its connection cut (no close handshake: 1006).
      (slow.socket as unknown as { _socket: Socket })._socket.resume();
      expect((await slow.closed()).code).toBe(1006);
      expect(slow.all((m) => m.type === 'room:updated').length).toBeLessThan(published.length);
    });
  });
});
