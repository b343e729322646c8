import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord } from '@polkadot/types/interfaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { Collector } from './Collector.js';
import { account } from './livestreamCodecs.js';
import { storage, tx } from './polkadotAccess.js';
import { SpecClient } from './SpecClient.js';
import { eventNames } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

interface Built {
  hash: string;
  number: number;
}

describe('Forks on the dev chain: dev_newBlock on a parent, dev_setHead, dev_finalize', () => {
  let t: DevChainApi;
  let who: KeyringPair;
  const fresh = new Keyring({ type: 'sr25519' }).addFromUri('//forks/fresh');

  const newBlock = (options?: object) => t.provider.send<Built>('dev_newBlock', options ? [options] : []);
  const signed = async (nonce: number) =>
    (
      await tx(t.api, 'balances', 'transferKeepAlive', fresh.address, 10n * UNIT).signAsync(who, {
        nonce,
        era: 0,
      })
    ).toHex();
  const nonceAt = async (hash: string) => (await account(await t.api.at(hash), who.address)).nonce.toNumber();
  const eventsAt = async (hash: string) =>
    eventNames((await storage(await t.api.at(hash), 'system', 'events')()) as unknown as EventRecord[]);
  const accountKeysAt = (hash: string) =>
    t.provider.send<string[]>('state_getKeysPaged', [
      storage(t.api, 'system', 'account').keyPrefix(),
      1000,
      null,
      hash,
    ]);

  beforeAll(async () => {
    t = await startDevChainApi();
    [who] = (await t.fundedPairs('forks', ['signer'])) as [KeyringPair];
    t.dev.chain.setAutoFinalize(false);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('builds a fork, keeps the longer chain best, re-orgs by length and by setHead, then finalizes a fork block and prunes the other', async () => {
    const heads = new Collector<string>();
    const finalizedHeads = new Collector<string>();
    const unsubscribes = [
      await t.api.rpc.chain.subscribeNewHeads((h) => heads.push(h.hash.toHex())),
      await t.api.rpc.chain.subscribeFinalizedHeads((h) => finalizedHeads.push(h.hash.toHex())),
    ];
    const base = t.dev.chain.head;
    expect(t.dev.chain.finalized.hash).toBe(base.hash);
    await heads.next((h) => h === base.hash);
    await finalizedHeads.next((h) => h === base.hash);
    const nonce = await nonceAt(base.hash);
    const transfer = await signed(nonce);

    // a1 carries the transfer; b1 is an empty sibling: a tie keeps a1 best.
    const a1 = await newBlock({ parent: base.hash, extrinsics: [transfer] });
    const b1 = await newBlock({ parent: base.hash, extrinsics: [] });
    expect([a1.number, b1.number]).toEqual([base.number + 1, base.number + 1]);
    expect(b1.hash).not.toBe(a1.hash);
    expect((await t.api.rpc.chain.getHeader()).hash.toHex()).toBe(a1.hash);
    expect((await t.api.rpc.chain.getBlockHash(base.number + 1)).toHex()).toBe(a1.hash);
    expect((await t.api.rpc.chain.getHeader(b1.hash)).parentHash.toHex()).toBe(base.hash);
    expect((await t.api.rpc.chain.getBlock(b1.hash)).block.extrinsics).toHaveLength(1);

    // Each block answers with its own state, events and keys.
    expect(await nonceAt(a1.hash)).toBe(nonce + 1);
    expect(await nonceAt(b1.hash)).toBe(nonce);
    expect(await eventsAt(a1.hash)).toContain('balances.Transfer');
    expect(await eventsAt(b1.hash)).toEqual(['system.ExtrinsicSuccess']);
    const freshKey = storage(t.api, 'system', 'account').key(fresh.address);
    expect(await accountKeysAt(a1.hash)).toContain(freshKey);
    expect(await accountKeysAt(b1.hash)).not.toContain(freshKey);

    // b2 makes the b chain longer: a re-org; the retracted transfer goes back to the pool.
    const b2 = await newBlock({ parent: b1.hash, extrinsics: [] });
    await heads.next((h) => h === b2.hash);
    expect((await t.api.rpc.chain.getBlockHash(base.number + 1)).toHex()).toBe(b1.hash);
    expect(await nonceAt(b2.hash)).toBe(nonce);
    expect(await accountKeysAt(b2.hash)).not.toContain(freshKey);
    expect(await accountKeysAt(a1.hash)).toContain(freshKey);
    expect((await t.api.rpc.author.pendingExtrinsics()).map((e) => e.toHex())).toEqual([transfer]);

    // The next best block includes it again.
    const b3 = await newBlock();
    expect(b3.number).toBe(base.number + 3);
    expect(await nonceAt(b3.hash)).toBe(nonce + 1);
    expect(await t.api.rpc.author.pendingExtrinsics()).toHaveLength(0);

    // setHead forces a shorter fork's tip as best (and back); a2 on a1 is then the longest a block.
    await t.provider.send('dev_setHead', [a1.hash]);
    await heads.next((h) => h === a1.hash);
    expect((await t.api.rpc.chain.getBlockHash(base.number + 2)).isEmpty).toBe(true);
    const a2 = await newBlock({ parent: a1.hash, extrinsics: [] });
    expect((await t.api.rpc.chain.getHeader()).hash.toHex()).toBe(a2.hash);

    // Finalizing b1 (not on the best chain) moves the best head to b3 and prunes a1 and a2.
    expect(await t.provider.send('dev_finalize', [b1.hash])).toEqual(b1);
    await finalizedHeads.next((h) => h === b1.hash);
    expect((await t.api.rpc.chain.getHeader()).hash.toHex()).toBe(b3.hash);
    expect((await t.api.rpc.chain.getFinalizedHead()).toHex()).toBe(b1.hash);
    expect(await t.provider.send('chain_getHeader', [a1.hash])).toBeNull();
    await expect(t.provider.send('state_getStorage', [freshKey, a2.hash])).rejects.toThrow(/4003/);
    await expect(t.provider.send('dev_setHead', [a1.hash])).rejects.toThrow(/Unknown block/);
    await expect(newBlock({ parent: a2.hash })).rejects.toThrow(/Unknown block/);
    await expect(t.provider.send('dev_setHead', [base.hash])).rejects.toThrow(/does not descend/);

    // New heads: each new best, the re-orgs' new heads included; finalized heads skip numbers.
    await heads.next((h) => h === b3.hash && heads.values.lastIndexOf(h) > heads.values.indexOf(a2.hash));
    expect(heads.values.slice(heads.values.indexOf(base.hash))).toEqual([
      base.hash,
      a1.hash,
      b2.hash,
      b3.hash,
      a1.hash,
      a2.hash,
      b3.hash,
    ]);
    expect(finalizedHeads.values.slice(finalizedHeads.values.indexOf(base.hash))).toEqual([
      base.hash,
      b1.hash,
    ]);
    for (const unsubscribe of unsubscribes) unsubscribe();
  });

  it('refuses malformed dev params with -32602, an unknown block clearly, and an extrinsic the parent cannot take with 1010', async () => {
    await expect(t.provider.send('dev_newBlock', ['x'])).rejects.toThrow(/-32602/);
    await expect(newBlock({ parent: '0x1234' })).rejects.toThrow(/-32602/);
    await expect(newBlock({ extrinsics: 'nope' })).rejects.toThrow(/-32602/);
    await expect(newBlock({ count: 0 })).rejects.toThrow(/-32602/);
    await expect(t.provider.send('dev_setHead', [42])).rejects.toThrow(/-32602/);
    await expect(t.provider.send('dev_finalize', [])).rejects.toThrow(/-32602/);
    const unknown = `0x${'ab'.repeat(32)}`;
    await expect(t.provider.send('dev_finalize', [unknown])).rejects.toThrow(/Unknown block/);
    const stale = await signed((await nonceAt(t.dev.chain.head.hash)) - 1);
    await expect(newBlock({ extrinsics: [stale] })).rejects.toThrow(/1010.*outdated/);
    const gap = await signed((await nonceAt(t.dev.chain.head.hash)) + 1);
    await expect(newBlock({ extrinsics: [gap] })).rejects.toThrow(/1010/);
  });

  it('reports a watched extrinsic retracted when its block leaves the best chain, and finalized only where it stays', async () => {
    const base = t.dev.chain.head;
    const statuses = new Collector<string>();
    const unsubscribe = await tx(t.api, 'system', 'remark', '0x02').signAndSend(who, ({ status }) => {
      const block = status.isInBlock
        ? status.asInBlock
        : status.isRetracted
          ? status.asRetracted
          : status.isFinalized
            ? status.asFinalized
            : undefined;
      statuses.push(block ? `${status.type} ${block.toHex()}` : status.type);
    });
    const inA = await statuses.next((s) => s.startsWith('InBlock'));
    const a1 = inA.split(' ')[1] as string;
    expect((await t.api.rpc.chain.getHeader(a1)).parentHash.toHex()).toBe(base.hash);

    const b1 = await newBlock({ parent: base.hash, extrinsics: [] });
    const b2 = await newBlock({ parent: b1.hash, extrinsics: [] });
    await statuses.next((s) => s === `Retracted ${a1}`);
    const b3 = await newBlock();
    await statuses.next((s) => s === `InBlock ${b3.hash}`);
    t.dev.chain.finalize(b3.hash as `0x${string}`);
    await statuses.next((s) => s.startsWith('Finalized'));
    expect(statuses.values).toEqual([
      'Ready',
      `InBlock ${a1}`,
      `Retracted ${a1}`,
      `InBlock ${b3.hash}`,
      `Finalized ${b3.hash}`,
    ]);
    expect(b2.number).toBe(base.number + 2);
    unsubscribe();
  });

  it('follows a re-org with chainHead_v1: every block with its parent, bestBlockChanged, finalized with the pruned fork', async () => {
    const c = await SpecClient.open(t.dev.url);
    try {
      const base = t.dev.chain.head;
      t.dev.chain.finalize(base.hash);
      const sub = (await c.call('chainHead_v1_follow', [false])).result as string;
      await c.event(sub, (e) => e.event === 'bestBlockChanged' && e.bestBlockHash === base.hash);

      const a1 = await newBlock({ parent: base.hash, extrinsics: [] });
      const b1 = await newBlock({ parent: base.hash, extrinsics: [] });
      const b2 = await newBlock({ parent: b1.hash, extrinsics: [] });
      await t.provider.send('dev_setHead', [a1.hash]);
      const a2 = await newBlock({ parent: a1.hash, extrinsics: [] });
      await t.provider.send('dev_finalize', [b1.hash]);
      const finalized = await c.event(sub, (e) => e.event === 'finalized');

      const events = c.notifications.values.filter((n) => n.subscription === sub).map((n) => n.result);
      expect(events).toEqual([
        { event: 'initialized', finalizedBlockHashes: [base.hash] },
        { event: 'bestBlockChanged', bestBlockHash: base.hash },
        { event: 'newBlock', blockHash: a1.hash, parentBlockHash: base.hash },
        { event: 'bestBlockChanged', bestBlockHash: a1.hash },
        { event: 'newBlock', blockHash: b1.hash, parentBlockHash: base.hash },
        { event: 'newBlock', blockHash: b2.hash, parentBlockHash: b1.hash },
        { event: 'bestBlockChanged', bestBlockHash: b2.hash },
        { event: 'bestBlockChanged', bestBlockHash: a1.hash },
        { event: 'newBlock', blockHash: a2.hash, parentBlockHash: a1.hash },
        { event: 'bestBlockChanged', bestBlockHash: a2.hash },
        { event: 'bestBlockChanged', bestBlockHash: b2.hash },
        { event: 'finalized', finalizedBlockHashes: [b1.hash], prunedBlockHashes: [a1.hash, a2.hash] },
      ]);
      expect(finalized.prunedBlockHashes).toEqual([a1.hash, a2.hash]);

      // A pruned block stays readable while pinned; unpinned, it is gone.
      const header = (await c.call('chainHead_v1_header', [sub, a2.hash])).result as string;
      expect(t.api.registry.createType('Header', header).hash.toHex()).toBe(a2.hash);
      await c.call('chainHead_v1_unpin', [sub, [a1.hash, a2.hash]]);
      expect((await c.call('chainHead_v1_header', [sub, a2.hash])).error?.code).toBe(-32801);

      // A new follow starts from the new finalized block and sees only its descendants.
      const again = (await c.call('chainHead_v1_follow', [false])).result as string;
      await c.event(again, (e) => e.event === 'bestBlockChanged');
      expect(c.notifications.values.filter((n) => n.subscription === again).map((n) => n.result)).toEqual([
        { event: 'initialized', finalizedBlockHashes: [b1.hash] },
        { event: 'newBlock', blockHash: b2.hash, parentBlockHash: b1.hash },
        { event: 'bestBlockChanged', bestBlockHash: b2.hash },
      ]);
    } finally {
      c.socket.close();
    }
  });
});
