import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BestBlockFollower, type BlockKind } from '../../src/chain/BestBlockFollower.js';
import type { ChainClient } from '../../src/chain/ChainClient.js';
import { FinalizedBlockFollower } from '../../src/chain/FinalizedBlockFollower.js';
import { PolkadotChainClient } from '../../src/chain/PolkadotChainClient.js';
import type { BlockRef } from '../../src/chain/types.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';
import { BestWatch } from '../support/BestWatch.js';
import { FollowerWatch } from '../support/FollowerWatch.js';
import { captureLogs, type LogCapture } from '../support/logCapture.js';

type Seen = [BlockKind | 'retracted', number, number?];

/**
 * The real client, except that the events of the blocks in `unreadable` cannot be read once each
 * (a pruned block or a dropped connection, as the node answers then). Each events read is noted
 * in `reads` (the block's hash).
 */
function withUnreadableBlocks(
  chain: PolkadotChainClient,
  unreadable: Set<string>,
  reads: string[],
): ChainClient {
  return new Proxy(chain, {
    get(target, property) {
      if (property === 'livestreamEvents') {
        return (block: BlockRef) => {
          reads.push(block.hash);
          if (unreadable.delete(block.hash)) return Promise.reject(new Error('state already discarded'));
          return target.livestreamEvents(block);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('BestBlockFollower (real @polkadot/api against the dev chain)', () => {
  let dev: RunningDevChain;
  let client: PolkadotChainClient;
  let finalized: FinalizedBlockFollower;
  let best: BestBlockFollower;
  let watch: BestWatch;
  let logs: LogCapture;
  const unreadable = new Set<string>();
  const reads: string[] = [];
  const seen: Seen[] = [];
  const advances: number[] = [];

  beforeAll(async () => {
    dev = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    dev.chain.setAutoFinalize(false);
    logs = captureLogs('warn');
    client = new PolkadotChainClient({ endpoint: dev.url, logger: logs.logger });
    const chain = withUnreadableBlocks(client, unreadable, reads);
    finalized = new FinalizedBlockFollower({ chain, logger: logs.logger });
    best = new BestBlockFollower({ chain, finalized, logger: logs.logger });
    best.onBlock((block, kind) => {
      seen.push([kind, block.number, block.events.length]);
    });
    best.onRetract((block, parent) => {
      seen.push(['retracted', block.number, parent.number]);
    });
    finalized.onAdvance((head) => {
      advances.push(head.number);
    });
    watch = new BestWatch(best);
    const synced = new FollowerWatch(finalized);
    finalized.start();
    await best.start();
    await synced.reached(dev.chain.finalized.number);
  });

  afterAll(async () => {
    best?.stop();
    await finalized?.stop();
    await client?.close();
    await dev?.close();
  });

  /** A gift in a new best block; resolves with that block once the follower handled `kinds` of it. */
  async function giftBlock(kinds: readonly BlockKind[] = ['best']): Promise<BlockRef> {
    const outcome = await dev.chain.send('Dave', 'livestream', 'sendGift', 0, 0, 1);
    const block = dev.chain.store.byHash(outcome.blockHash);
    if (!block) throw new Error('unknown block');
    await watch.applied(block.hash, kinds);
    return { number: block.number, hash: block.hash };
  }

  /** A gift block whose events the follower failed to read as a best block (it said so). */
  async function unreadableGiftBlock(): Promise<BlockRef> {
    const outcome = dev.chain.send('Dave', 'livestream', 'sendGift', 0, 0, 1);
    // The block's hash is known only once it is built: marked on the chain's own event, before
    // the node announces it.
    dev.chain.once('newHead', (block) => unreadable.add(block.hash));
    const block = dev.chain.store.byHash((await outcome).blockHash);
    if (!block) throw new Error('unknown block');
    await logs.waitFor(
      (e) => e.msg === 'best block unreadable: left to finality' && e.block === block.number,
    );
    return { number: block.number, hash: block.hash };
  }

  it('applies a new best block with its events at once, then confirms it when it is finalized', async () => {
    seen.length = 0;
    const block = await giftBlock();
    expect(best.head).toEqual(block);
    expect(finalized.cursor?.number).toBeLessThan(block.number);
    dev.chain.finalize();
    await watch.applied(block.hash, ['confirmed']);
    await finalized.idle();
    expect(seen).toEqual([
      ['best', block.number, 1],
      ['confirmed', block.number, 1],
    ]);
    expect(best.head).toBeNull();
    expect(advances.at(-1)).toBe(block.number);
  });

  it('reads the events of a block once: confirming a block applied as best reads nothing again', async () => {
    const block = await giftBlock();
    dev.chain.finalize();
    await watch.applied(block.hash, ['confirmed']);
    await finalized.idle();
    expect(reads.filter((hash) => hash === block.hash)).toEqual([block.hash]);
  });

  it('confirms several blocks in order when finality passes them in one step, with one advance', async () => {
    seen.length = 0;
    const advancesBefore = advances.length;
    const first = await giftBlock();
    const second = await giftBlock();
    dev.chain.finalize();
    await watch.applied(second.hash, ['confirmed']);
    await finalized.idle();
    expect(seen.map(([kind, number]) => [kind, number])).toEqual([
      ['best', first.number],
      ['best', second.number],
      ['confirmed', first.number],
      ['confirmed', second.number],
    ]);
    expect(advances.slice(advancesBefore)).toEqual([second.number]);
  });

  it('leaves a best block whose events cannot be read to the finalized stream, losing nothing', async () => {
    seen.length = 0;
    const block = await unreadableGiftBlock();
    dev.chain.finalize();
    await watch.applied(block.hash, ['finalized']);
    expect(seen).toEqual([['finalized', block.number, 1]]);
  });

  it('reads an unreadable best block again with the next head, in order', async () => {
    seen.length = 0;
    const first = await unreadableGiftBlock();
    const second = await giftBlock();
    expect(seen.map(([kind, number]) => [kind, number])).toEqual([
      ['best', first.number],
      ['best', second.number],
    ]);
    dev.chain.finalize();
    await watch.applied(second.hash, ['confirmed']);
  });
});
