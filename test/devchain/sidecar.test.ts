/**
 * Substrate API Sidecar (a real child process, with its `@polkadot/*` overridden to the project's
 * versions, see package.json) serving REST over the dev chain.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { SidecarProcess } from '../support/SidecarProcess.js';
import { tx } from './polkadotAccess.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

interface SidecarBlock {
  number: string;
  hash: string;
  authorId: string;
  extrinsics: {
    method: { pallet: string; method: string };
    signature: { signer: { id: string } } | null;
    success: boolean;
  }[];
}

interface SidecarFeeEstimate {
  weight: { refTime: string; proofSize: string };
  class: string;
  partialFee: string;
}

describe('Substrate API Sidecar against the dev chain', () => {
  let t: DevChainApi;
  let sidecar: SidecarProcess;
  let sender: KeyringPair;

  beforeAll(async () => {
    t = await startDevChainApi();
    // Funding puts //Alice's signed transfer in the finalized head Sidecar is asked for below.
    [sender] = (await t.fundedPairs('sidecar', ['sender'])) as [KeyringPair];
    sidecar = await SidecarProcess.start(t.dev.url);
  });

  afterAll(async () => {
    await sidecar?.stop();
    await t?.close();
  });

  it('serves /blocks/head: the finalized head, its extrinsics decoded, //Alice its author', async () => {
    const { status, body } = await sidecar.get('/blocks/head');
    expect(status).toBe(200);
    const block = body as SidecarBlock;
    const finalized = t.dev.chain.finalized;
    expect(block.number).toBe(String(finalized.number));
    expect(block.hash).toBe(finalized.hash);
    expect(block.authorId).toBe(t.dev.chain.pairs.Alice.address);
    const calls = block.extrinsics.map((e) => `${e.method.pallet}.${e.method.method}`);
    expect(calls).toEqual(['timestamp.set', 'balances.transferKeepAlive']);
    expect(block.extrinsics[1]?.signature?.signer.id).toBe(t.dev.chain.pairs.Alice.address);
    expect(block.extrinsics.every((e) => e.success)).toBe(true);
  });

  it("serves /accounts/{alice}/balance-info: the chain's free balance at the block it names", async () => {
    const alice = t.dev.chain.pairs.Alice.address;
    const { status, body } = await sidecar.get(`/accounts/${alice}/balance-info`);
    expect(status).toBe(200);
    const info = body as { at: { hash: string }; free: string; reserved: string; locks: unknown[] };
    const at = await t.api.at(info.at.hash);
    const account = (await at.query.system?.account?.(alice)) as unknown as {
      data: { free: { toBigInt(): bigint }; reserved: { toBigInt(): bigint } };
    };
    expect(BigInt(info.free)).toBe(account.data.free.toBigInt());
    expect(BigInt(info.reserved)).toBe(account.data.reserved.toBigInt());
    expect(info.locks).toEqual([]);
  });

  it('serves /transaction/fee-estimate for a signed extrinsic (CheckMetadataHash included): the fee payment_queryInfo and paymentInfo give', async () => {
    const transfer = () => tx(t.api, 'balances', 'transferKeepAlive', t.dev.chain.pairs.Bob.address, UNIT);
    const signed = await transfer().signAsync(sender);
    const { status, body } = await sidecar.post('/transaction/fee-estimate', { tx: signed.toHex() });
    expect(status).toBe(200);
    const estimate = body as SidecarFeeEstimate;
    const viaRpc = (await t.provider.send('payment_queryInfo', [signed.toHex()])) as {
      partialFee: string;
      weight: { ref_time: number; proof_size: number };
    };
    expect(estimate).toEqual({
      weight: { refTime: String(viaRpc.weight.ref_time), proofSize: String(viaRpc.weight.proof_size) },
      class: 'Normal',
      partialFee: viaRpc.partialFee,
    });
    const viaPaymentInfo = await transfer().paymentInfo(sender);
    expect(estimate.partialFee).toBe(viaPaymentInfo.partialFee.toString());
  });
});
