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

  it('runs like the real chain with a block time and a finality lag: one chain, finality two blocks behind, InBlock then Finalized', async () => {
    const t = await startDevChainApi({ blockTimeMs: 200, finalityLag: 2 });
    try {
      const best = new Collector<Header>();
      const finalized = new Collector<Header>();
      const unsubscribes = [
        await t.api.rpc.chain.subscribeNewHeads(best.push),
        await t.api.rpc.chain.subscribeFinalizedHeads(finalized.push),
      ];
      const statuses: string[] = [];
      const result = await new Promise<{ inBlock: string; finalized: string }>((resolve) => {
        let inBlock = '';
        void tx(t.api, 'system', 'remark', '0x03').signAndSend(t.dev.chain.pairs.Alice, ({ status }) => {
          statuses.push(status.type);
          if (status.isInBlock) inBlock = status.asInBlock.toHex();
          if (status.isFinalized) resolve({ inBlock, finalized: status.asFinalized.toHex() });
        });
      });
      expect(statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
      expect(result.finalized).toBe(result.inBlock);
      const included = (await t.api.rpc.chain.getHeader(result.inBlock)).number.toNumber();
      await finalized.next((h) => h.number.toNumber() >= included + 1);
      for (const unsubscribe of unsubscribes) unsubscribe();
      // Every best head extends the previous one, and each finalized head is the best one 2 blocks earlier.
      const numbers = best.values.map((h) => h.number.toNumber());
      expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i));
      best.values.slice(1).forEach((h, i) => {
        expect(h.parentHash.toHex()).toBe(best.values[i]?.hash.toHex());
      });
      // (Finalized heads from before the first best head this subscription saw are left out.)
      for (const head of finalized.values.filter((h) => h.number.toNumber() >= (numbers[0] ?? 0))) {
        const n = head.number.toNumber();
        expect(head.hash.toHex()).toBe(best.values.find((b) => b.number.toNumber() === n)?.hash.toHex());
        expect(numbers).toContain(n + 2);
      }
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
