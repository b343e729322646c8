import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainRooms } from '../../src/chain/ChainRooms.js';
import { FinalizedBlockFollower } from '../../src/chain/FinalizedBlockFollower.js';
import { PolkadotChainClient } from '../../src/chain/PolkadotChainClient.js';
import type { SubmitOutcome } from '../../src/devchain/DevChain.js';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';
import { BlockPipeline } from '../../src/pipeline/BlockPipeline.js';
import { accessCacheStage } from '../../src/pipeline/stages/accessCacheStage.js';
import { roomIndexStage } from '../../src/pipeline/stages/roomIndexStage.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { FollowerWatch } from '../support/FollowerWatch.js';
import { captureLogs } from '../support/logCapture.js';
import { testPair } from '../support/testPair.js';

interface Following {
  chain: PolkadotChainClient;
  follower: FinalizedBlockFollower;
  rooms: ChainRooms;
  watch: FollowerWatch;
  close(): Promise<void>;
}

async function follow(url: string): Promise<Following> {
  const { logger } = captureLogs('warn');
  const chain = new PolkadotChainClient({ endpoint: url, logger });
  const follower = new FinalizedBlockFollower({ chain, logger });
  const rooms = new ChainRooms({ chain, logger });
  // The chain's own stages of the block pipeline, as the service runs them.
  const pipeline = new BlockPipeline([roomIndexStage(rooms), accessCacheStage(rooms)]);
  follower.onReset(pipeline.reset);
  follower.onBlock((block) => pipeline.apply(block, 'finalized'));
  follower.onAdvance(pipeline.finalized);
  const watch = new FollowerWatch(follower);
  follower.start();
  return {
    chain,
    follower,
    rooms,
    watch,
    close: async () => {
      await follower.stop();
      await chain.close();
    },
  };
}

function ok(outcome: SubmitOutcome): SubmitOutcome {
  if (!outcome.success) throw new Error(`extrinsic failed: ${outcome.error ?? 'unknown'}`);
  return outcome;
}

function roomIdOf(outcome: SubmitOutcome): number {
  const created = outcome.events.find((e) => e.name === 'RoomCreated');
  if (!created) throw new Error('no RoomCreated event');
  return Number(created.data.roomId);
}

const hexText = (text: string) => u8aToHex(stringToU8a(text));

describe('ChainRooms', () => {
  let dev: RunningDevChain;
  let following: Following;
  const synced = () => following.watch.reached(dev.chain.finalized.number);

  beforeAll(async () => {
    dev = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    following = await follow(dev.url);
    await synced();
  });

  afterAll(async () => {
    await following?.close();
    await dev?.close();
  });

  it('loads every room of the chain at start', () => {
    expect(following.rooms.available).toBe(true);
    expect(following.rooms.size).toBe(4);
    expect(following.rooms.get(0)).toMatchObject({ title: "Alice's live show 🎥", status: 'Live' });
    expect(following.rooms.get(2)).toMatchObject({ status: 'Ended', endedAt: expect.any(Number) });
  });

  it('lists a created room, then shows it Live, then Ended, from finalized events', async () => {
    const host = testPair('sr25519', 'ChainRoomsLifecycle');
    ok(await dev.chain.send('Alice', 'balances', 'transferKeepAlive', host.address, 100n * UNIT));
    const id = roomIdOf(
      ok(
        await dev.chain.send(
          host,
          'livestream',
          'createRoom',
          hexText('生命周期 🔁'),
          null,
          'Normal',
          null,
          null,
        ),
      ),
    );
    await synced();
    const created = following.rooms.get(id);
    expect(created).toMatchObject({ id, host: host.address, title: '生命周期 🔁', status: 'Preparing' });
    expect(
      following.rooms.query({ status: 'Preparing', page: 1, limit: 100 }).rooms.map((r) => r.id),
    ).toContain(id);

    ok(await dev.chain.send(host, 'livestream', 'startLive', id));
    await synced();
    expect(following.rooms.get(id)).toMatchObject({ status: 'Live', startedAt: expect.any(Number) });
    const live = following.rooms.query({ status: 'Live', page: 1, limit: 100 }).rooms.map((r) => r.id);
    expect(live).toContain(id);
    expect(
      following.rooms.query({ status: 'Preparing', page: 1, limit: 100 }).rooms.map((r) => r.id),
    ).not.toContain(id);

    ok(await dev.chain.send(host, 'livestream', 'endLive', id));
    await synced();
    expect(following.rooms.get(id)).toMatchObject({ status: 'Ended', endedAt: expect.any(Number) });
    expect(
      following.rooms.query({ status: 'Live', page: 1, limit: 100 }).rooms.map((r) => r.id),
    ).not.toContain(id);
  });

  it('keeps large balances exact, as decimal strings', async () => {
    const host = testPair('sr25519', 'ChainRoomsBigPrice');
    ok(await dev.chain.send('Alice', 'balances', 'transferKeepAlive', host.address, 100n * UNIT));
    const price = 2n ** 100n + 7n;
    const id = roomIdOf(
      ok(await dev.chain.send(host, 'livestream', 'createRoom', 'Big', null, 'Paid', null, price)),
    );
    await synced();
    expect(following.rooms.get(id)?.ticketPrice).toBe(price.toString());
  });

  it('names the block it shows: the last finalized block applied, final', async () => {
    ok(
      await dev.chain.send(
        'Alice',
        'balances',
        'transferKeepAlive',
        testPair('sr25519', 'ChainRoomsBlock').address,
        UNIT,
      ),
    );
    await synced();
    const { number, hash } = dev.chain.finalized;
    expect(following.rooms.block).toEqual({ number, hash, final: true });
  });

  it('answers a ticket lookup with the new state as soon as the purchase block is processed', async () => {
    const viewer = testPair('sr25519', 'ChainRoomsTicket');
    ok(await dev.chain.send('Alice', 'balances', 'transferKeepAlive', viewer.address, 100n * UNIT));
    await synced();
    // Cached "no ticket" first: the purchase event must invalidate it.
    expect(await following.rooms.hasTicket(3, viewer.publicKey)).toBe(false);
    ok(await dev.chain.send(viewer, 'livestream', 'buyTicket', 3));
    await synced();
    expect(await following.rooms.hasTicket(3, viewer.publicKey)).toBe(true);
  });

  it('answers lookups made by later handlers of the same block with that block state', async () => {
    // A handler after ChainRooms (e.g. the realtime fan-out telling the app "ticket bought", and the
    // app asking for a token at once) runs before the cursor moves: reads must not see the old block
    // and must not cache its answer.
    const viewer = testPair('sr25519', 'ChainRoomsTicketRace');
    ok(await dev.chain.send('Alice', 'balances', 'transferKeepAlive', viewer.address, 100n * UNIT));
    await synced();
    expect(await following.rooms.hasTicket(3, viewer.publicKey)).toBe(false);
    const seenInHandler = new Promise<boolean>((resolve) => {
      following.follower.onBlock(async (block) => {
        if (block.events.some((e) => e.name === 'TicketPurchased' && e.data.buyer === viewer.address)) {
          resolve(await following.rooms.hasTicket(3, viewer.publicKey));
        }
      });
    });
    ok(await dev.chain.send(viewer, 'livestream', 'buyTicket', 3));
    expect(await seenInHandler).toBe(true);
    await synced();
    expect(await following.rooms.hasTicket(3, viewer.publicKey)).toBe(true);
  });

  it('drops cached blacklist and co-host answers when kick, unban and co-host events arrive', async () => {
    const viewer = testPair('sr25519', 'ChainRoomsKicked');
    expect(await following.rooms.isBlacklisted(0, viewer.publicKey)).toBe(false);
    ok(await dev.chain.send('Alice', 'livestream', 'kickViewer', 0, viewer.address));
    await synced();
    expect(await following.rooms.isBlacklisted(0, viewer.publicKey)).toBe(true);
    ok(await dev.chain.send('Alice', 'livestream', 'removeFromBlacklist', 0, viewer.address));
    await synced();
    expect(await following.rooms.isBlacklisted(0, viewer.publicKey)).toBe(false);

    const before = await following.rooms.coHosts(0);
    expect(before).toEqual([dev.chain.pairs.Eve.address]);
    ok(await dev.chain.send('Alice', 'livestream', 'startCoHost', 0, viewer.address));
    await synced();
    expect(await following.rooms.coHosts(0)).toEqual([dev.chain.pairs.Eve.address, viewer.address]);
    ok(await dev.chain.send('Alice', 'livestream', 'endCoHost', 0, viewer.address));
    await synced();
    expect(await following.rooms.coHosts(0)).toEqual([dev.chain.pairs.Eve.address]);
  });
});

describe('ChainRooms on a replaced chain', () => {
  it('reloads the index when the node comes back with another genesis', async () => {
    expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
    const first = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    const following = await follow(first.url);
    let second: RunningDevChain | undefined;
    try {
      await following.watch.reached(first.chain.finalized.number);
      expect(following.rooms.size).toBe(4);
      const resetsBefore = following.follower.resets;

      const disconnected = new Promise<void>((resolve) => {
        const off = following.chain.onStatusChange((status) => {
          if (status === 'disconnected') {
            off();
            resolve();
          }
        });
      });
      await first.close();
      await disconnected;

      // Same port, new genesis (a bulk seed is written into the genesis state).
      const reset = new Promise<number>((resolve) =>
        following.follower.onReset((head) => resolve(head.number)),
      );
      second = await startDevChain({ port: first.server.port, seed: { kind: 'rooms', count: 7 } });
      expect(second.chain.genesisHash).not.toBe(first.chain.genesisHash);
      expect(await reset).toBe(second.chain.finalized.number);
      await following.watch.reached(second.chain.finalized.number);

      expect(following.follower.resets).toBe(resetsBefore + 1);
      expect(following.rooms.size).toBe(7);
      expect(following.rooms.get(0)?.title).toBe('Room 0');
      expect(following.rooms.available).toBe(true);

      // And it follows the new chain from there.
      const host = second.chain.pairs.Dave as KeyringPair;
      const id = roomIdOf(
        ok(await second.chain.send(host, 'livestream', 'createRoom', 'After', null, 'Normal', null, null)),
      );
      await following.watch.reached(second.chain.finalized.number);
      expect(following.rooms.get(id)).toMatchObject({ title: 'After', host: host.address });
    } finally {
      await following.close();
      await second?.close();
      await first.close();
    }
  });
});
