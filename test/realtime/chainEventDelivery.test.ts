import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitOutcome } from '../../src/devchain/DevChain.js';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { SERVER_MESSAGES } from '../../src/realtime/serverMessages.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import { WORKER_WARMUP_MS, WsAuthSigner } from '../support/WsAuthSigner.js';
import { type WsMessage, WsTestClient } from '../support/WsTestClient.js';

const EVENT_ID = /^\d+-\d+$/;

interface Applied {
  block: { number: number; hash: string };
  /** Ids of the block's Livestream events, in order. */
  ids: string[];
}

/** Chain event messages a connection got, without the `room:live` announcement that repeats an id. */
function chainEventIds(client: WsTestClient): string[] {
  return client.all((m) => typeof m.id === 'string' && m.type !== 'room:live').map((m) => m.id as string);
}

function expectStrictlyIncreasing(ids: string[]): void {
  const numeric = ids.map((id) => id.split('-').map(Number) as [number, number]);
  for (let i = 1; i < numeric.length; i++) {
    const [pb, pi] = numeric[i - 1] as [number, number];
    const [b, idx] = numeric[i] as [number, number];
    expect(b > pb || (b === pb && idx > pi), `${ids[i - 1]} then ${ids[i]}`).toBe(true);
  }
}

describe('chain events over WebSocket, through the running service', () => {
  let service: TestService;
  let wsUrl: string;
  let host: KeyringPair;
  let hostAddress: string;
  let roomId: number;
  const signer = new WsAuthSigner();
  /** Joined the new room only (anonymous). */
  let watcher: WsTestClient;
  /** Joined no room (anonymous). */
  let lobby: WsTestClient;
  /** Authenticated as the host, joined no room. */
  let hostConn: WsTestClient;
  /** Authenticated as //Charlie (who gets kicked), joined no room. */
  let charlieConn: WsTestClient;
  const clients: WsTestClient[] = [];

  /** The block and Livestream event ids of a submitted extrinsic, read back from the dev chain. */
  function applied(outcome: SubmitOutcome): Applied {
    const block = service.devchain.chain.store.byHash(outcome.blockHash);
    if (!block) throw new Error('unknown block');
    const ids: string[] = [];
    service.devchain.chain.eventsAt(block).forEach((event, index) => {
      if (event.pallet === 'Livestream') ids.push(`${block.number}-${index}`);
    });
    return { block: { number: block.number, hash: block.hash }, ids };
  }

  async function act(who: KeyringPair | 'Dave' | 'Alice', method: string, ...args: unknown[]) {
    return applied(await service.send(who, 'livestream', method, ...args));
  }

  async function connect(): Promise<WsTestClient> {
    const client = await WsTestClient.connect(wsUrl);
    clients.push(client);
    return client;
  }

  async function authenticated(pair: KeyringPair): Promise<WsTestClient> {
    const client = await connect();
    await signer.authenticate(client, pair, WORKER_WARMUP_MS);
    return client;
  }

  beforeAll(async () => {
    service = await startTestService();
    wsUrl = `${service.url.replace('http', 'ws')}/ws`;
    host = testPair('sr25519', 'RealtimeEventsHost');
    hostAddress = host.address;
    await service.fund(hostAddress);
    watcher = await connect();
    lobby = await connect();
    hostConn = await authenticated(host);
    charlieConn = await authenticated(service.devchain.chain.pairs.Charlie);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await service?.close();
  });

  it('announces room:created to a connection that joined no room, with the room id and host', async () => {
    const outcome = await service.send(
      host,
      'livestream',
      'createRoom',
      u8aToHex(stringToU8a('Realtime test room')),
      null,
      'Paid',
      null,
      5n * UNIT,
    );
    const { block, ids } = applied(outcome);
    const created = await lobby.nextOfType('room:created');
    roomId = created.roomId as number;
    expect(created).toEqual({
      type: 'room:created',
      id: ids[0],
      roomId,
      block,
      final: true,
      data: { host: hostAddress, roomId, roomType: 'Paid' },
    });
    expect(await watcher.nextOfType('room:created')).toEqual(created);

    watcher.send({ type: 'join-room', roomId });
    const joined = await watcher.nextOfType('room:joined');
    expect(joined).toMatchObject({
      roomId,
      room: {
        id: roomId,
        host: hostAddress,
        status: 'Preparing',
        roomType: 'Paid',
        ticketPrice: '5000000000000',
      },
      viewers: 0,
      lastEventId: ids[0],
    });
  });

  it('sends live:started to the room and room:live to every connection', async () => {
    const { block, ids } = await act(host, 'startLive', roomId);
    const expected = { id: ids[0], roomId, block, data: { roomId, startedAt: block.number } };
    // The room hears it from the best block (or final, when finality came first); everyone once final.
    const inRoom = { ...expected, final: expect.any(Boolean) };
    const announced = { ...expected, final: true };
    expect(await watcher.nextOfType('live:started')).toEqual({ type: 'live:started', ...inRoom });
    expect(await watcher.nextOfType('room:live')).toEqual({ type: 'room:live', ...announced });
    expect(await lobby.nextOfType('room:live')).toEqual({ type: 'room:live', ...announced });
    expect(await hostConn.nextOfType('room:live')).toEqual({ type: 'room:live', ...announced });
  });

  it('delivers pause, resume, update, ticket, gift and stats events to the room with decoded data', async () => {
    const dave = service.devchain.chain.pairs.Dave.address;
    const expectNext = async (type: string, run: () => Promise<Applied>, data: Record<string, unknown>) => {
      const { block, ids } = await run();
      expect(await watcher.nextOfType(type)).toEqual({
        type,
        id: ids[0],
        roomId,
        block,
        final: expect.any(Boolean),
        data,
      });
      return block;
    };
    await expectNext('live:paused', () => act(host, 'pauseLive', roomId), { roomId });
    await expectNext('live:resumed', () => act(host, 'resumeLive', roomId), { roomId });
    await expectNext('room:updated', () => act(host, 'updateRoom', roomId, 'New title ✨', null, null), {
      roomId,
    });
    await expectNext('ticket:purchased', () => act('Dave', 'buyTicket', roomId), {
      roomId,
      buyer: dave,
      price: '5000000000000',
    });
    const giftBlock = await expectNext('gift:received', () => act('Dave', 'sendGift', roomId, 1, 2), {
      roomId,
      sender: dave,
      receiver: hostAddress,
      giftId: 1,
      quantity: 2,
      value: '20000000000000',
    });
    // The sender paid a fee in that block (issue 19 item 6): the fee events are not the room's, and
    // the gift's value is the gift's alone.
    const chain = service.devchain.chain;
    const stored = chain.store.byHash(giftBlock.hash);
    const names = stored ? chain.eventsAt(stored).map((e) => `${e.pallet}.${e.name}`) : [];
    expect(names).toEqual(
      expect.arrayContaining(['Balances.Withdraw', 'TransactionPayment.TransactionFeePaid']),
    );
    await expectNext('stats:synced', () => act(host, 'syncLiveStats', roomId, 12, 5), {
      roomId,
      totalViewers: 12,
      peakViewers: 5,
    });
    // The room index followed the events: a new joiner sees the new title and totals.
    const late = await connect();
    late.send({ type: 'join-room', roomId });
    expect(await late.nextOfType('room:joined')).toMatchObject({
      room: { title: 'New title ✨', status: 'Live', totalGifts: '20000000000000', peakViewers: 5 },
    });
    await late.close();
  });

  it('delivers co-host start and end to the room', async () => {
    const eve = service.devchain.chain.pairs.Eve.address;
    const started = await act(host, 'startCoHost', roomId, eve);
    expect(await watcher.nextOfType('cohost:started')).toEqual({
      type: 'cohost:started',
      id: started.ids[0],
      roomId,
      block: started.block,
      final: expect.any(Boolean),
      data: { roomId, coHost: eve },
    });
    const ended = await act(host, 'endCoHost', roomId, eve);
    expect(await watcher.nextOfType('cohost:ended')).toEqual({
      type: 'cohost:ended',
      id: ended.ids[0],
      roomId,
      block: ended.block,
      final: expect.any(Boolean),
      data: { roomId, coHost: eve },
    });
  });

  it('sends viewer:kicked to the room and to the kicked account, and viewer:unbanned to the room', async () => {
    const charlie = service.devchain.chain.pairs.Charlie.address;
    // Charlie watching the room too, on another connection: one copy there, not two.
    const charlieInRoom = await authenticated(service.devchain.chain.pairs.Charlie);
    charlieInRoom.send({ type: 'join-room', roomId });
    await charlieInRoom.nextOfType('room:joined');
    const kicked = await act(host, 'kickViewer', roomId, charlie);
    const kick = {
      type: 'viewer:kicked',
      id: kicked.ids[0],
      roomId,
      block: kicked.block,
      final: expect.any(Boolean),
      data: { roomId, viewer: charlie },
    };
    expect(await watcher.nextOfType('viewer:kicked')).toEqual(kick);
    expect(await charlieConn.nextOfType('viewer:kicked')).toEqual(kick);
    expect(await charlieInRoom.nextOfType('viewer:kicked')).toEqual(kick);
    const unbanned = await act(host, 'removeFromBlacklist', roomId, charlie);
    expect(await watcher.nextOfType('viewer:unbanned')).toEqual({
      type: 'viewer:unbanned',
      id: unbanned.ids[0],
      roomId,
      block: unbanned.block,
      final: expect.any(Boolean),
      data: { roomId, viewer: charlie },
    });
    await Promise.all([lobby.settle(), hostConn.settle(), charlieConn.settle()]);
    expect(lobby.all((m) => m.type === 'viewer:kicked')).toEqual([]);
    expect(hostConn.all((m) => m.type === 'viewer:kicked')).toEqual([]);
    expect(charlieConn.all((m) => m.type === 'viewer:unbanned')).toEqual([]);
    await charlieInRoom.settle();
    expect(charlieInRoom.all((m) => m.type === 'viewer:kicked')).toHaveLength(1);
    await charlieInRoom.close();
  });

  it("takes a kicked account's connections out of the room with a reason, and refuses them back until unbanned", async () => {
    const guest = testPair('sr25519', 'WsKickedGuest');
    const inRoom = await authenticated(guest);
    inRoom.send({ type: 'join-room', roomId });
    await inRoom.nextOfType('room:joined');
    // Joined before signing in: taken out as well once it says who it is.
    const lateSignIn = await connect();
    lateSignIn.send({ type: 'join-room', roomId });
    await lateSignIn.nextOfType('room:joined');

    await act(host, 'kickViewer', roomId, guest.address);
    const left = await inRoom.nextOfType('room:left');
    expect(left).toEqual({ type: 'room:left', roomId, reason: 'kicked' });
    const types = inRoom.received.map((m) => m.type);
    expect(types.indexOf('viewer:kicked')).toBeLessThan(types.indexOf('room:left'));

    await signer.authenticate(lateSignIn, guest, WORKER_WARMUP_MS);
    expect(await lateSignIn.nextOfType('room:left')).toEqual({ type: 'room:left', roomId, reason: 'kicked' });

    inRoom.send({ type: 'join-room', roomId });
    expect(await inRoom.nextOfType('error')).toMatchObject({ code: 'VIEWER_BANNED' });
    const another = await authenticated(guest);
    another.send({ type: 'join-room', roomId });
    expect(await another.nextOfType('error')).toMatchObject({ code: 'VIEWER_BANNED' });
    // Anonymous connections still see the room's events (they get no media and no presence).
    const anonymous = await connect();
    anonymous.send({ type: 'join-room', roomId });
    await anonymous.nextOfType('room:joined');

    await act(host, 'removeFromBlacklist', roomId, guest.address);
    await inRoom.settle();
    expect(inRoom.all((m) => m.type === 'viewer:unbanned')).toEqual([]);
    inRoom.send({ type: 'join-room', roomId });
    expect(await inRoom.nextOfType('room:joined')).toMatchObject({ roomId });
  });

  it("sends earnings:withdrawn only to the host's authenticated connections", async () => {
    const withdrawn = await act(host, 'withdrawEarnings', UNIT);
    expect(await hostConn.nextOfType('earnings:withdrawn')).toEqual({
      type: 'earnings:withdrawn',
      id: withdrawn.ids[0],
      roomId: null,
      block: withdrawn.block,
      final: true,
      data: { host: hostAddress, amount: '1000000000000' },
    });
    await Promise.all([watcher.settle(), lobby.settle(), charlieConn.settle()]);
    for (const other of [watcher, lobby, charlieConn]) {
      expect(other.all((m) => m.type === 'earnings:withdrawn')).toEqual([]);
    }
  });

  it('sends gift catalogue changes made through sudo to every connection', async () => {
    const created = applied(await service.sudo('livestream', 'createGift', 'Star', 3n * UNIT, 'bafkreistar'));
    const gift = {
      type: 'gift:created',
      id: created.ids[0],
      roomId: null,
      block: created.block,
      final: true,
      data: { giftId: 3, price: '3000000000000' },
    };
    for (const client of [lobby, watcher, hostConn])
      expect(await client.nextOfType('gift:created')).toEqual(gift);
    const updated = applied(await service.sudo('livestream', 'updateGift', 3, false));
    const update = {
      type: 'gift:updated',
      id: updated.ids[0],
      roomId: null,
      block: updated.block,
      final: true,
      data: { giftId: 3, enabled: false },
    };
    for (const client of [lobby, watcher, charlieConn]) {
      expect(await client.nextOfType('gift:updated')).toEqual(update);
    }
  });

  it('delivers live:ended with its totals, and room:banned (sudo) to the banned room', async () => {
    watcher.send({ type: 'join-room', roomId: 3 });
    await watcher.nextOfType('room:joined', (m) => m.roomId === 3);
    const banned = applied(await service.sudo('livestream', 'banRoom', 3, 'spam'));
    expect(await watcher.nextOfType('room:banned')).toEqual({
      type: 'room:banned',
      id: banned.ids[0],
      roomId: 3,
      block: banned.block,
      final: expect.any(Boolean),
      data: { roomId: 3, reason: 'spam' },
    });
    const ended = await act(host, 'endLive', roomId);
    const message = await watcher.nextOfType('live:ended');
    expect(message).toEqual({
      type: 'live:ended',
      id: ended.ids[0],
      roomId,
      block: ended.block,
      final: expect.any(Boolean),
      data: {
        roomId,
        duration: expect.any(Number),
        totalViewers: 12,
        peakViewers: 5,
        totalGifts: '20000000000000',
      },
    });
  });

  it('gave every connection its chain events with strictly increasing ids', async () => {
    const all = [watcher, lobby, hostConn, charlieConn];
    await Promise.all(all.map((c) => c.settle()));
    for (const client of all) {
      const ids = chainEventIds(client);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(id).toMatch(EVENT_ID);
      expectStrictlyIncreasing(ids);
    }
    // The watcher saw the room's whole life, once each.
    const types = watcher.all((m) => typeof m.id === 'string').map((m) => m.type);
    expect(types).toEqual([
      'room:created',
      'live:started',
      'room:live',
      'live:paused',
      'live:resumed',
      'room:updated',
      'ticket:purchased',
      'gift:received',
      'stats:synced',
      'cohost:started',
      'cohost:ended',
      'viewer:kicked',
      'viewer:unbanned',
      'viewer:kicked',
      'viewer:unbanned',
      'gift:created',
      'gift:updated',
      'room:banned',
      'live:ended',
    ]);
  });

  it('sent only messages that match the published protocol schemas', async () => {
    const schemas: Record<string, (typeof SERVER_MESSAGES)[keyof typeof SERVER_MESSAGES]> = SERVER_MESSAGES;
    for (const client of [watcher, lobby, hostConn, charlieConn]) {
      for (const message of client.received) {
        const schema = schemas[message.type] ?? SERVER_MESSAGES.chainEvent;
        const result = schema.safeParse(message);
        expect(result.success, `${JSON.stringify(message)}: ${result.error?.message}`).toBe(true);
      }
    }
  });

  describe('gaps and outages', () => {
    let room: number;
    let client: WsTestClient;

    /** Chain event messages of the room the client got so far. */
    const roomEvents = () => client.all((m) => typeof m.id === 'string' && m.roomId === room);

    async function expectDelivered(ids: string[]): Promise<WsMessage[]> {
      const last = ids[ids.length - 1];
      await client.next((m) => m.id === last && m.roomId === room);
      await client.settle();
      const got = roomEvents().map((m) => m.id);
      // Exactly once and in order: the tail of what the client got is exactly these ids.
      expect(got.slice(-ids.length)).toEqual(ids);
      expect(new Set(got).size).toBe(got.length);
      return roomEvents();
    }

    beforeAll(async () => {
      // Room 0 (//Alice, Live): pause and resume give as many events as needed.
      room = 0;
      client = await connect();
      client.send({ type: 'join-room', roomId: room });
      await client.nextOfType('room:joined');
    });

    /** Pauses or resumes room 0 directly on the chain engine (no waiting for the service). */
    let live = true;
    async function toggle(): Promise<Applied> {
      const outcome = await service.devchain.chain.send(
        'Alice',
        'livestream',
        live ? 'pauseLive' : 'resumeLive',
        room,
      );
      if (!outcome.success) throw new Error(outcome.error ?? 'toggle failed');
      live = !live;
      return applied(outcome);
    }

    it('loses nothing when one finalized head skips several blocks', async () => {
      const chain = service.devchain.chain;
      chain.setAutoFinalize(false);
      const produced: Applied[] = [];
      try {
        for (let i = 0; i < 4; i++) produced.push(await toggle());
        // Blocks without events in between, too.
        await chain.newBlocks(2);
        produced.push(await toggle());
        expect(chain.finalized.number).toBeLessThan(produced[0]?.block.number ?? 0);
        chain.finalize();
      } finally {
        chain.setAutoFinalize(true);
      }
      const got = await expectDelivered(produced.flatMap((p) => p.ids));
      expect(got.slice(-5).map((m) => m.block)).toEqual(produced.map((p) => p.block));
      expect(got.slice(-5).map((m) => m.type)).toEqual([
        'live:paused',
        'live:resumed',
        'live:paused',
        'live:resumed',
        'live:paused',
      ]);
    });

    it('delivers, once and in order, events finalized while the chain connection was dropped', async () => {
      expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
      const down = service.chainStatus('disconnected');
      service.devchain.server.dropConnections();
      await down;
      const produced: Applied[] = [];
      for (let i = 0; i < 3; i++) produced.push(await toggle());
      await service.chainStatus('connected');
      await expectDelivered(produced.flatMap((p) => p.ids));
      // And following goes on afterwards.
      const after = await toggle();
      await expectDelivered([...produced.flatMap((p) => p.ids), ...after.ids]);
    });

    it('delivers, once and in order, events finalized while the chain node was stopped', async () => {
      expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
      await service.chainDown();
      const produced: Applied[] = [];
      for (let i = 0; i < 4; i++) produced.push(await toggle());
      await service.chainUp();
      await expectDelivered(produced.flatMap((p) => p.ids));
      const after = await toggle();
      await expectDelivered([...produced.flatMap((p) => p.ids), ...after.ids]);
      expectStrictlyIncreasing(chainEventIds(client));
    });
  });
});
