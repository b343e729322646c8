import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevChain } from '../../src/devchain/DevChain.js';
import { DevChainServer } from '../../src/devchain/DevChainServer.js';
import { seedDemo } from '../../src/devchain/seeds.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { FollowerWatch } from '../support/FollowerWatch.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { type WsMessage, WsTestClient } from '../support/WsTestClient.js';

/** Room 0 of the demo seed: //Alice's, live; pausing and resuming it each make one event. */
const ROOM_ID = 0;
const EVENT_TYPES = new Set(['live:paused', 'live:resumed']);

interface ServedChain {
  chain: DevChain;
  close(): Promise<void>;
}

/**
 * A dev chain started again without its blocks: a new chain from genesis (the same genesis hash),
 * the demo scene seeded and `extraBlocks` more made before it serves, on `port`.
 */
async function newChainOn(port: number, extraBlocks: number): Promise<ServedChain> {
  const chain = await DevChain.create();
  await seedDemo(chain);
  await chain.newBlocks(extraBlocks);
  const server = new DevChainServer(chain, { port });
  await server.start();
  return {
    chain,
    close: async () => {
      await server.stop();
      chain.close();
    },
  };
}

describe('a chain node restarted from genesis (no database) under the running service', () => {
  let service: TestService;
  let watch: FollowerWatch;
  let watcher: WsTestClient;
  let port: number;
  /** The chain the node serves now; the first one is the service's own. */
  let current: { chain: DevChain; close(): Promise<void> };
  const chains: ServedChain[] = [];

  beforeAll(async () => {
    service = await startTestService();
    watch = new FollowerWatch(service.follower);
    port = service.devchain.server.port;
    current = service.devchain;
    watcher = await WsTestClient.connect(`${service.url.replace('http', 'ws')}/ws`);
    watcher.send({ type: 'join-room', roomId: ROOM_ID });
    await watcher.nextOfType('room:joined');
  });

  afterAll(async () => {
    await watcher?.close();
    // The service first: a chain closed under it would be a disconnection it reports.
    await service?.close();
    for (const served of chains) await served.close();
  });

  /** Pauses or resumes room 0 on the current chain; resolves once the service has processed it. */
  async function toggle(): Promise<string> {
    const paused = current.chain.query('Livestream.LiveRooms', ROOM_ID)?.toJSON() as { status?: string };
    const outcome = await current.chain.send(
      'Alice',
      'livestream',
      paused.status === 'Paused' ? 'resumeLive' : 'pauseLive',
      ROOM_ID,
    );
    if (!outcome.success) throw new Error(`toggle: ${outcome.error}`);
    await watch.reached(current.chain.finalized.number);
    const block = current.chain.store.byHash(outcome.blockHash);
    return `${block?.number}-${current.chain.eventsAt(block as never).findIndex((e) => e.pallet === 'Livestream')}`;
  }

  /** Room 0's event frames since `from` (each comes once: from its best block, or final). */
  function eventsSince(from: number): WsMessage[] {
    return watcher.received.slice(from).filter((m) => EVENT_TYPES.has(m.type));
  }

  /** Kills the current chain, waits until the service saw it go, and serves a new one on the same port. */
  async function restartFromGenesis(extraBlocks: (oldCursor: number) => number): Promise<void> {
    expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
    const oldCursor = service.follower.cursor?.number ?? 0;
    const down = service.chainStatus('disconnected');
    await current.close();
    await down;
    const served = await newChainOn(port, extraBlocks(oldCursor));
    chains.push(served);
    current = served;
  }

  it.each([
    ['lower than the finalized block the service had processed', () => 0],
    ['already taller than the finalized block the service had processed', (cursor: number) => cursor + 3],
  ])(
    'tells every member to reload (room:reset), then delivers the new chain’s events once each, when it is %s',
    async (_, extraBlocks) => {
      await toggle();
      await toggle();
      // The old chain's events have all arrived: what comes from here on is the restart's.
      await watcher.settle();
      const from = watcher.received.length;

      await restartFromGenesis(extraBlocks);
      await watcher.nextOfType('room:reset', (m) => m.roomId === ROOM_ID);
      await watch.reached(current.chain.finalized.number);
      const ids = [await toggle(), await toggle()];
      await watcher.settle();

      const after = eventsSince(from);
      expect(after.map((m) => m.id)).toEqual(ids);
      // Nothing of the old chain came again: every event is in a block of the new one.
      for (const message of after) {
        const block = message.block as { hash: string };
        expect(current.chain.store.byHash(block.hash)).toBeDefined();
      }
      const reset = watcher.received.slice(from).findIndex((m) => m.type === 'room:reset');
      const firstEvent = watcher.received.slice(from).findIndex((m) => EVENT_TYPES.has(m.type));
      expect(reset).toBeLessThan(firstEvent);
    },
  );
});
