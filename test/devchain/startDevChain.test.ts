import type { Header } from '@polkadot/types/interfaces';
import { describe, expect, it } from 'vitest';
import { startDevChain } from '../../src/devchain/startDevChain.js';
import { Collector } from './Collector.js';
import { tx } from './polkadotAccess.js';
import { sendTx } from './sendTx.js';
import { startDevChainApi } from './startDevChainApi.js';

describe('startDevChain options', () => {
  it('keeps finality the given number of blocks behind the head', async () => {
    const t = await startDevChainApi({ finalityLag: 2 });
    try {
      await t.dev.chain.newBlocks(5);
      expect(t.dev.chain.head.number).toBe(5);
      const finalized = await t.api.rpc.chain.getHeader(await t.api.rpc.chain.getFinalizedHead());
      expect(finalized.number.toNumber()).toBe(3);
    } finally {
      await t.close();
    }
  });

  it('produces blocks on a timer, with every extrinsic submitted meanwhile', async () => {
    const t = await startDevChainApi({ blockTimeMs: 200 });
    try {
      const heads = new Collector<Header>();
      const unsubscribe = await t.api.rpc.chain.subscribeNewHeads(heads.push);
      const start = (await heads.next()).number.toNumber();
      const { Alice, Bob } = t.dev.chain.pairs;
      const [a, b] = await Promise.all([
        sendTx(t.api, tx(t.api, 'system', 'remark', '0x01'), Alice),
        sendTx(t.api, tx(t.api, 'system', 'remark', '0x02'), Bob),
      ]);
      expect(a.blockHash).toBe(b.blockHash);
      await heads.next((h) => h.number.toNumber() >= start + 2);
      unsubscribe();
    } finally {
      await t.close();
    }
  });

  it('closes idempotently', async () => {
    const dev = await startDevChain({ port: 0 });
    await Promise.all([dev.close(), dev.close()]);
    await dev.close();
  });
});
