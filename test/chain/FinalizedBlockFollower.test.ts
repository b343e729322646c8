import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChainStatus } from '../../src/chain/ChainClient.js';
import { FinalizedBlockFollower } from '../../src/chain/FinalizedBlockFollower.js';
import type { ChainBlock } from '../../src/chain/livestreamEvents.js';
import { PolkadotChainClient } from '../../src/chain/PolkadotChainClient.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { FollowerWatch } from '../support/FollowerWatch.js';
import { captureLogs } from '../support/logCapture.js';

function statusReached(chain: PolkadotChainClient, status: ChainStatus): Promise<void> {
  return new Promise((resolve) => {
    if (chain.status === status) {
      resolve();
      return;
    }
    const off = chain.onStatusChange((next) => {
      if (next === status) {
        off();
        resolve();
      }
    });
  });
}

describe('FinalizedBlockFollower (real @polkadot/api against the dev chain)', () => {
  let dev: RunningDevChain;
  let chain: PolkadotChainClient;
  let follower: FinalizedBlockFollower;
  let watch: FollowerWatch;
  const blocks: ChainBlock[] = [];
  const resets: number[] = [];

  beforeAll(async () => {
    dev = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    const { logger } = captureLogs('warn');
    chain = new PolkadotChainClient({ endpoint: dev.url, logger });
    follower = new FinalizedBlockFollower({ chain, logger });
    follower.onBlock((block) => {
      blocks.push(block);
    });
    follower.onReset((head) => {
      resets.push(head.number);
    });
    watch = new FollowerWatch(follower);
    follower.start();
    await watch.reached(dev.chain.finalized.number);
  });

  afterAll(async () => {
    await follower?.stop();
    await chain?.close();
    await dev?.close();
  });

  it('starts from the finalized head with a reset (state is loaded there, not replayed)', () => {
    expect(resets).toEqual([dev.chain.finalized.number]);
    expect(follower.cursor).toEqual({ number: dev.chain.finalized.number, hash: dev.chain.finalized.hash });
    expect(follower.lagBlocks).toBe(0);
  });

  it('processes every block of a multi-block finalization, in order, each once', async () => {
    const from = follower.cursor?.number ?? 0;
    const seenBefore = blocks.length;
    dev.chain.setAutoFinalize(false);
    try {
      await dev.chain.send('Alice', 'livestream', 'pauseLive', 0);
      await dev.chain.produceBlock();
      await dev.chain.send('Alice', 'livestream', 'resumeLive', 0);
      await dev.chain.produceBlock();
      await dev.chain.send('Bob', 'livestream', 'startLive', 1);
      expect(dev.chain.head.number).toBe(from + 5);
      expect(dev.chain.finalized.number).toBe(from);
      // Nothing is processed before finality.
      await follower.idle();
      expect(blocks.length).toBe(seenBefore);

      dev.chain.finalize();
    } finally {
      dev.chain.setAutoFinalize(true);
    }
    await watch.reached(from + 5);

    const processed = blocks.slice(seenBefore);
    expect(processed.map((b) => b.number)).toEqual([from + 1, from + 2, from + 3, from + 4, from + 5]);
    for (const block of processed) {
      expect(block.hash).toBe(dev.chain.store.byNumber(block.number)?.hash);
    }
    expect(processed.map((b) => b.events.map((e) => e.name))).toEqual([
      ['LivePaused'],
      [],
      ['LiveResumed'],
      [],
      ['LiveStarted'],
    ]);
    expect(follower.cursor?.number).toBe(from + 5);
  });

  it('looks up by number only the blocks a finalized head skipped, never the head itself', async () => {
    const lookups = vi.spyOn(chain, 'blockHash');
    try {
      await dev.chain.send('Alice', 'livestream', 'pauseLive', 0);
      await watch.reached(dev.chain.finalized.number);
      expect(lookups).not.toHaveBeenCalled();

      const from = follower.cursor?.number ?? 0;
      dev.chain.setAutoFinalize(false);
      try {
        await dev.chain.send('Alice', 'livestream', 'resumeLive', 0);
        await dev.chain.newBlocks(2);
        dev.chain.finalize();
      } finally {
        dev.chain.setAutoFinalize(true);
      }
      await watch.reached(from + 3);
      expect(lookups.mock.calls.map(([number]) => number)).toEqual([from + 1, from + 2]);
      expect(follower.cursor).toEqual({ number: from + 3, hash: dev.chain.store.byNumber(from + 3)?.hash });
    } finally {
      lookups.mockRestore();
    }
  });

  it('resumes after a lost connection from its cursor, without gaps and without a reset', async () => {
    expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
    const from = follower.cursor?.number ?? 0;
    const seenBefore = blocks.length;
    const resetsBefore = resets.length;

    const down = statusReached(chain, 'disconnected');
    await dev.server.stop();
    await down;
    // Blocks finalized while the service could not see them.
    await dev.chain.send('Bob', 'livestream', 'pauseLive', 1);
    await dev.chain.newBlocks(2);
    await dev.chain.send('Bob', 'livestream', 'resumeLive', 1);

    const up = statusReached(chain, 'connected');
    await dev.server.start();
    await up;
    await watch.reached(dev.chain.finalized.number);

    expect(resets.length).toBe(resetsBefore);
    const processed = blocks.slice(seenBefore);
    expect(processed.map((b) => b.number)).toEqual([from + 1, from + 2, from + 3, from + 4]);
    expect(processed.flatMap((b) => b.events.map((e) => e.name))).toEqual(['LivePaused', 'LiveResumed']);

    // And the finalized-heads subscription is live again: new blocks keep coming.
    await dev.chain.send('Bob', 'livestream', 'pauseLive', 1);
    await watch.reached(dev.chain.finalized.number);
    expect(blocks.at(-1)?.events.map((e) => e.name)).toEqual(['LivePaused']);
  });

  it('gives events ids of block number and event index, stable across reads', async () => {
    const outcome = await dev.chain.send(
      'Alice',
      'livestream',
      'kickViewer',
      0,
      dev.chain.pairs.Dave.address,
    );
    expect(outcome.success).toBe(true);
    await watch.reached(dev.chain.finalized.number);
    const block = blocks.at(-1) as ChainBlock;
    const kicked = block.events.find((e) => e.name === 'ViewerKicked');
    expect(kicked?.id).toMatch(new RegExp(`^${block.number}-\\d+$`));
    const again = await chain.livestreamEvents({ number: block.number, hash: block.hash });
    expect(again).toEqual(block.events);
  });
});
