import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountInfo } from '@polkadot/types/interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevChain } from '../../src/devchain/startDevChain.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { storage, tx } from './polkadotAccess.js';
import { sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

/** What a polkadot.js client sees of the chain: heads, genesis, and //Bob's account. */
async function view(t: DevChainApi) {
  const finalized = await t.api.rpc.chain.getFinalizedHead();
  const head = await t.api.rpc.chain.getHeader();
  const bob = (await storage(t.api, 'system', 'account')(t.dev.chain.pairs.Bob.address)) as AccountInfo;
  return {
    genesis: (await t.api.rpc.chain.getBlockHash(0)).toHex(),
    head: head.hash.toHex(),
    number: head.number.toNumber(),
    finalized: finalized.toHex(),
    block3: (await t.api.rpc.chain.getBlockHash(3)).toHex(),
    bobNonce: bob.nonce.toNumber(),
    bobFree: bob.data.free.toBigInt(),
  };
}

describe('a dev chain on a base path', () => {
  let basePath: string;
  beforeEach(async () => {
    basePath = await mkdtemp(join(tmpdir(), 'devchain-'));
  });
  afterEach(async () => {
    await rm(basePath, { recursive: true, force: true });
  });

  it('continues its chain when started again on it: same blocks, heads and state; new blocks extend it', async () => {
    // A watch polkadot.js had not closed yet when the first node stops is reported as cut off.
    expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
    const first = await startDevChainApi({ basePath, seed: { kind: 'demo' }, finalityLag: 1 });
    let before: Awaited<ReturnType<typeof view>>;
    try {
      const { Bob, Charlie } = first.dev.chain.pairs;
      await sendTx(first.api, tx(first.api, 'balances', 'transferKeepAlive', Charlie.address, 12_345n), Bob);
      await sendTx(first.api, tx(first.api, 'system', 'remark', '0x01'), Bob);
      before = await view(first);
    } finally {
      await first.close();
    }
    expect(before.bobNonce).toBeGreaterThanOrEqual(2);
    // One block ahead of finality: the unfinalized head comes back too.
    expect(before.finalized).not.toBe(before.head);

    const second = await startDevChainApi({ basePath, seed: { kind: 'demo' }, finalityLag: 1 });
    try {
      expect(await view(second)).toEqual(before);
      const { Bob } = second.dev.chain.pairs;
      // Signed by polkadot.js with the nonce it reads from the restored state.
      const sent = await sendTx(second.api, tx(second.api, 'system', 'remark', '0x02'), Bob);
      const header = await second.api.rpc.chain.getHeader(sent.blockHash);
      expect(header.number.toNumber()).toBe(before.number + 1);
      expect(header.parentHash.toHex()).toBe(before.head);
      const after = await view(second);
      expect(after.bobNonce).toBe(before.bobNonce + 1);
      expect(after.finalized).toBe(before.head);
    } finally {
      await second.close();
    }
  });

  it('ignores a temporary file a kill left behind', async () => {
    const first = await startDevChain({ port: 0, basePath });
    await first.chain.send('Alice', 'system', 'remark', '0x01');
    const head = first.chain.head.hash;
    await first.close();
    // What a kill between writing and renaming leaves: a torn temporary file.
    await writeFile(join(basePath, 'heads.json.12345.tmp'), '{"genesis":"0x');

    const second = await startDevChain({ port: 0, basePath });
    try {
      expect(second.chain.head.hash).toBe(head);
      expect(second.chain.finalized.hash).toBe(head);
    } finally {
      await second.close();
    }
  });

  it('refuses a base path that holds a chain with another genesis', async () => {
    const first = await startDevChain({ port: 0, basePath });
    await first.close();
    await expect(startDevChain({ port: 0, basePath, seed: { kind: 'rooms', count: 3 } })).rejects.toThrow(
      /holds another chain/,
    );
  });

  it('starts a new chain each time without a base path', async () => {
    const first = await startDevChain({ port: 0 });
    await first.chain.send('Alice', 'system', 'remark', '0x01');
    await first.close();
    const second = await startDevChain({ port: 0 });
    try {
      expect(second.chain.genesisHash).toBe(first.chain.genesisHash);
      expect(second.chain.head.number).toBe(0);
    } finally {
      await second.close();
    }
  });
});
