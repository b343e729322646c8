import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPERATIONS } from '../../src/devchain/rpc/chainHead/ChainHeadFollow.js';
import { tx } from './polkadotAccess.js';
import { type Message, SpecClient } from './SpecClient.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

describe('the new JSON-RPC spec: chainHead_v1, chainSpec_v1, transaction(Watch)_v1', () => {
  let t: DevChainApi;
  let c: SpecClient;
  let signer: KeyringPair;

  beforeAll(async () => {
    t = await startDevChainApi();
    [signer] = (await t.fundedPairs('spec', ['signer'])) as [KeyringPair];
    c = await SpecClient.open(t.dev.url);
  });

  afterAll(async () => {
    c?.socket.close();
    await t?.close();
  });

  it('answers chainSpec_v1 with the chain name, genesis hash and properties', async () => {
    expect((await c.call('chainSpec_v1_chainName', [])).result).toBe('Stardust Development');
    expect((await c.call('chainSpec_v1_genesisHash', [])).result).toBe(t.dev.chain.genesisHash);
    expect((await c.call('chainSpec_v1_properties', [])).result).toMatchObject({ ss58Format: 42 });
  });

  it('follows: initialized with the runtime, newBlock, bestBlockChanged, finalized; header and body of pinned blocks', async () => {
    const sub = (await c.call('chainHead_v1_follow', [true])).result as string;
    const init = await c.event(sub, (e) => e.event === 'initialized');
    expect(init.finalizedBlockHashes).toEqual([t.dev.chain.finalized.hash]);
    expect(init.finalizedBlockRuntime).toMatchObject({
      type: 'valid',
      spec: { specName: 'stardust', specVersion: 100 },
    });

    const block = await t.dev.chain.produceBlock();
    const newBlock = await c.event(sub, (e) => e.event === 'newBlock' && e.blockHash === block.hash);
    expect(newBlock).toEqual({
      event: 'newBlock',
      blockHash: block.hash,
      parentBlockHash: block.header.parentHash,
      newRuntime: null,
    });
    await c.event(sub, (e) => e.event === 'bestBlockChanged' && e.bestBlockHash === block.hash);
    const finalized = await c.event(
      sub,
      (e) => e.event === 'finalized' && (e.finalizedBlockHashes as string[]).includes(block.hash),
    );
    expect(finalized.prunedBlockHashes).toEqual([]);

    const header = (await c.call('chainHead_v1_header', [sub, block.hash])).result as string;
    expect(t.api.registry.createType('Header', header).hash.toHex()).toBe(block.hash);
    const body = (await c.call('chainHead_v1_body', [sub, block.hash])).result as { operationId: string };
    const done = await c.event(sub, (e) => e.operationId === body.operationId);
    expect(done).toEqual({
      event: 'operationBodyDone',
      operationId: body.operationId,
      value: block.extrinsics,
    });

    const key = t.api.query.system?.number?.key() as string;
    const storage = (await c.call('chainHead_v1_storage', [sub, block.hash, [{ key, type: 'value' }], null]))
      .result as { operationId: string; discardedItems: number };
    expect(storage.discardedItems).toBe(0);
    const items = await c.event(
      sub,
      (e) => e.operationId === storage.operationId && e.event === 'operationStorageItems',
    );
    expect(items.items).toEqual([{ key, value: t.dev.chain.store.get(key as never, block) }]);
    await c.event(sub, (e) => e.operationId === storage.operationId && e.event === 'operationStorageDone');

    const call = (await c.call('chainHead_v1_call', [sub, block.hash, 'Core_version', ''])).result as {
      operationId: string;
    };
    const called = await c.event(sub, (e) => e.operationId === call.operationId);
    expect(called.event).toBe('operationCallDone');

    expect((await c.call('chainHead_v1_unpin', [sub, [block.hash]])).result).toBeNull();
    // Unpinned: the spec's -32801.
    expect((await c.call('chainHead_v1_header', [sub, block.hash])).error?.code).toBe(-32801);
    expect((await c.call('chainHead_v1_unfollow', [sub])).result).toBeNull();
  });

  it('answers an unknown follow subscription as the spec says (null, limitReached), and bad params with -32602', async () => {
    const hash = t.dev.chain.head.hash;
    expect((await c.call('chainHead_v1_header', ['nope', hash])).result).toBeNull();
    expect((await c.call('chainHead_v1_body', ['nope', hash])).result).toEqual({ result: 'limitReached' });
    expect((await c.call('chainHead_v1_call', ['nope', hash, 'Core_version', ''])).result).toEqual({
      result: 'limitReached',
    });
    expect((await c.call('chainHead_v1_follow', ['yes'])).error?.code).toBe(-32602);
    expect((await c.call('chainHead_v1_body', ['nope', 'not hex'])).error?.code).toBe(-32602);
    expect(
      (await c.call('chainHead_v1_storage', ['nope', hash, [{ key: '0x00', type: 'everything' }], null]))
        .error?.code,
    ).toBe(-32602);
    expect((await c.call('transaction_v1_broadcast', [42])).error?.code).toBe(-32602);
  });

  it('refuses operations beyond the limit in flight with limitReached', async () => {
    const sub = (await c.call('chainHead_v1_follow', [true])).result as string;
    await c.event(sub, (e) => e.event === 'initialized');
    const hash = t.dev.chain.finalized.hash;
    // Sent in one batch frame, so none completes before the last is answered.
    const batch = Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => ({
      jsonrpc: '2.0',
      id: 1000 + i,
      method: 'chainHead_v1_body',
      params: [sub, hash],
    }));
    const replies = new Promise<Message[]>((resolve) =>
      c.socket.once('message', (data) => resolve(JSON.parse(String(data)) as Message[])),
    );
    c.socket.send(JSON.stringify(batch));
    const results = (await replies).map((r) => (r.result as { result: string }).result);
    expect(results.filter((r) => r === 'started')).toHaveLength(MAX_OPERATIONS);
    expect(results.at(-1)).toBe('limitReached');
    await c.call('chainHead_v1_unfollow', [sub]);
  });

  it('watches a transaction from validated to finalized (transactionWatch_v1), and reports an invalid one', async () => {
    const signed = await tx(t.api, 'system', 'remark', '0x01').signAsync(signer);
    const sub = (await c.call('transactionWatch_v1_submitAndWatch', [signed.toHex()])).result as string;
    await c.event(sub, (e) => e.event === 'validated');
    const included = await c.event(sub, (e) => e.event === 'bestChainBlockIncluded');
    const block = included.block as { hash: string; index: number };
    expect(t.dev.chain.store.byHash(block.hash)?.extrinsics[block.index]).toBe(signed.toHex());
    const finalized = await c.event(sub, (e) => e.event === 'finalized');
    expect(finalized.block).toEqual(block);

    const stale = await c.call('transactionWatch_v1_submitAndWatch', [signed.toHex()]);
    const invalid = await c.event(stale.result as string, (e) => e.event === 'invalid');
    expect(invalid.error).toMatch(/outdated/);
    expect((await c.call('transactionWatch_v1_unwatch', ['nope'])).error?.code).toBe(-32602);
  });

  it('broadcasts a transaction (transaction_v1_broadcast) that gets included, and stops a broadcast', async () => {
    const signed = await tx(t.api, 'system', 'remark', '0x02').signAsync(signer);
    const before = (await t.api.rpc.system.accountNextIndex(signer.address)).toNumber();
    const operationId = (await c.call('transaction_v1_broadcast', [signed.toHex()])).result as string;
    expect(typeof operationId).toBe('string');
    await new Promise<void>((resolve) => {
      const check = () => {
        if (t.dev.chain.runtime.accountNonce(signer.publicKey) > before) {
          t.dev.chain.off('newHead', check);
          resolve();
        }
      };
      t.dev.chain.on('newHead', check);
      check();
    });
    expect((await c.call('transaction_v1_stop', [operationId])).result).toBeNull();
    expect((await c.call('transaction_v1_stop', [operationId])).error?.code).toBe(-32602);
  });
});
