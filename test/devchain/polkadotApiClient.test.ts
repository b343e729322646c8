/**
 * polkadot-api (PAPI), which speaks only the new JSON-RPC spec (chainHead_v1, transaction_v1,
 * chainSpec_v1) and needs metadata V15: connected natively, without a compatibility layer.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { createClient, type PolkadotClient } from 'polkadot-api';
import { getPolkadotSigner } from 'polkadot-api/signer';
import { getWsProvider } from 'polkadot-api/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { balanceOf } from './livestreamCodecs.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

describe('polkadot-api against the dev chain', () => {
  let t: DevChainApi;
  let client: PolkadotClient;
  /** The descriptor-less api: every pallet and item is looked up in the metadata at run time. */
  // biome-ignore lint/suspicious/noExplicitAny: getUnsafeApi is untyped by design (no descriptors)
  const unsafe = (): any => client.getUnsafeApi();
  let sender: KeyringPair;
  let receiver: KeyringPair;

  beforeAll(async () => {
    t = await startDevChainApi();
    [sender, receiver] = (await t.fundedPairs('papi', ['sender', 'receiver'])) as [KeyringPair, KeyringPair];
    client = createClient(getWsProvider(t.dev.url, { websocketClass: WebSocket as never }));
  });

  afterAll(async () => {
    client?.destroy();
    await t?.close();
  });

  it('reads the chain spec and follows finalized blocks', async () => {
    const spec = await client.getChainSpecData();
    expect(spec.genesisHash).toBe(t.dev.chain.genesisHash);
    expect(spec.name).toBe('Stardust Development');
    const finalized = await client.getFinalizedBlock();
    expect(finalized.hash).toBe(t.dev.chain.finalized.hash);
    const produced = await t.dev.chain.produceBlock();
    const seen = await new Promise<{ hash: string; number: number }>((resolve) => {
      const sub = client.finalizedBlock$.subscribe((block) => {
        if (block.number >= produced.number) {
          sub.unsubscribe();
          resolve(block);
        }
      });
    });
    expect(seen.hash).toBe(produced.hash);
  });

  it('reads storage and constants through the unsafe (descriptor-less) api', async () => {
    const api = unsafe();
    const account = (await api.query.System.Account.getValue(sender.address)) as {
      data: { free: bigint };
    };
    expect(account.data.free).toBe((await balanceOf(t.api, sender.address)).free);
    const version = (await api.constants.System.Version()) as { spec_name: string; spec_version: number };
    expect(version.spec_name).toBe('stardust');
    expect(version.spec_version).toBe(100);
    const nextRoom = await api.query.Livestream.NextRoomId.getValue();
    expect(typeof nextRoom).toBe('bigint');
  });

  it('submits a signed transfer that reaches finalized, with its fee and events', async () => {
    const api = unsafe();
    const signer = getPolkadotSigner(sender.publicKey, 'Sr25519', (input) => sender.sign(input));
    const before = await balanceOf(t.api, receiver.address);
    const call = api.tx.Balances.transfer_keep_alive({
      dest: { type: 'Id', value: receiver.address },
      value: 2n * UNIT,
    });
    const estimate = await call.getEstimatedFees(sender.address);
    const result = await call.signAndSubmit(signer);
    expect(result.ok).toBe(true);
    expect(result.block.hash).toBe(t.dev.chain.store.byNumber(result.block.number)?.hash);
    const feePaid = result.events.find(
      (e: { type: string; value: { type: string } }) =>
        e.type === 'TransactionPayment' && e.value.type === 'TransactionFeePaid',
    ) as { value: { value: { actual_fee: bigint } } } | undefined;
    expect(feePaid?.value.value.actual_fee).toBe(estimate);
    expect((await balanceOf(t.api, receiver.address)).free).toBe(before.free + 2n * UNIT);
    expect(t.dev.chain.finalized.number).toBeGreaterThanOrEqual(result.block.number);
  });

  it('follows a re-org and the finalization of a fork block, reading state on the new best chain', async () => {
    const chain = t.dev.chain;
    chain.setAutoFinalize(false);
    try {
      const base = chain.head;
      chain.finalize(base.hash);
      await client.getFinalizedBlock();
      const a1 = await chain.newBlock({ parent: base.hash, extrinsics: [] });
      const b1 = await chain.newBlock({ parent: base.hash, extrinsics: [] });
      const b2 = await chain.newBlock({ parent: b1.hash, extrinsics: [] });
      const seenFork = new Promise<string>((resolve) => {
        const sub = client.bestBlocks$.subscribe((blocks) => {
          if (blocks[0]?.hash === b2.hash) {
            sub.unsubscribe();
            resolve(blocks[0].hash);
          }
        });
      });
      expect(await seenFork).toBe(b2.hash);
      const finalized = new Promise<{ hash: string; number: number }>((resolve) => {
        const sub = client.finalizedBlock$.subscribe((block) => {
          if (block.number >= b1.number) {
            sub.unsubscribe();
            resolve(block);
          }
        });
      });
      chain.finalize(b1.hash);
      expect((await finalized).hash).toBe(b1.hash);
      const best = await client.getBestBlocks();
      expect(best.map((b) => b.hash)).toEqual([b2.hash, b1.hash]);
      expect(best.some((b) => b.hash === a1.hash)).toBe(false);
      const number = await unsafe().query.System.Number.getValue({ at: b2.hash });
      expect(number).toBe(b2.number);
    } finally {
      chain.setAutoFinalize(true);
    }
  });
});
