import type { KeyringPair } from '@polkadot/keyring/types';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { Codec } from '@polkadot/types/types';
import { hexToU8a, stringToHex, u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXISTENTIAL_DEPOSIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { tx } from './polkadotAccess.js';
import { sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

interface ResultCodec extends Codec {
  isOk: boolean;
  isErr: boolean;
  asOk: Codec & { priority: { toBigInt(): bigint }; provides: Codec[]; requires: Codec[]; longevity: Codec };
  asErr: Codec & { type: string; value: Codec & { type: string } };
}

/** `api.call[section][method]`, checked (the api is not augmented for this runtime). */
function runtimeCall(t: DevChainApi, section: string, method: string) {
  const fn = t.api.call[section]?.[method];
  if (!fn) throw new Error(`no runtime call ${section}.${method}`);
  return fn;
}

describe('Metadata V15, runtime APIs, System.Version and :code', () => {
  let t: DevChainApi;
  let signer: KeyringPair;

  beforeAll(async () => {
    t = await startDevChainApi();
    [signer] = (await t.fundedPairs('v15', ['signer'])) as [KeyringPair];
  });

  afterAll(async () => {
    await t?.close();
  });

  it('serves V14 from state_getMetadata and V15 by version, as a node does', async () => {
    const v14 = new Metadata(
      new TypeRegistry(),
      (await t.provider.send('state_getMetadata', [])) as `0x${string}`,
    );
    expect(v14.version).toBe(14);
    const versions = await runtimeCall(t, 'metadata', 'metadataVersions')();
    expect(versions.toJSON()).toEqual([14, 15]);
    expect(t.api.runtimeMetadata.version).toBe(15);
    const none = (await t.provider.send('state_call', [
      'Metadata_metadata_at_version',
      '0x10000000',
    ])) as string;
    expect(none).toBe('0x00');
  });

  it('lists the runtime APIs in the metadata and in the runtime version', async () => {
    const apis = t.api.runtimeMetadata.asV15.apis.map((a) => a.name.toString());
    expect(apis).toEqual([
      'Core',
      'Metadata',
      'BlockBuilder',
      'TaggedTransactionQueue',
      'AccountNonceApi',
      'TransactionPaymentApi',
    ]);
    const version = await runtimeCall(t, 'core', 'version')();
    expect(version.toJSON()).toMatchObject({ specName: 'stardust', specVersion: 100, transactionVersion: 1 });
    expect(t.api.runtimeVersion.apis.length).toBe(apis.length);
  });

  it('has the System.Version constant equal to the node runtime version', async () => {
    const constant = t.api.consts.system?.version as unknown as Codec;
    expect(constant.toJSON()).toMatchObject({
      specName: 'stardust',
      implName: 'stardust',
      specVersion: 100,
      transactionVersion: 1,
    });
    const rpcVersion = await t.api.rpc.state.getRuntimeVersion();
    expect((constant.toJSON() as { apis: unknown[] }).apis).toEqual(rpcVersion.apis.toJSON());
  });

  it('keeps a runtime blob at :code (a wasm module carrying its runtime_version section)', async () => {
    const code = (await t.provider.send('state_getStorage', [stringToHex(':code')])) as string;
    const bytes = hexToU8a(code);
    expect(u8aToHex(bytes.subarray(0, 4))).toBe('0x0061736d');
    expect(new TextDecoder().decode(bytes)).toContain('runtime_version');
  });

  describe('TaggedTransactionQueue_validate_transaction', () => {
    // The metadata types `tx` as the opaque UncheckedExtrinsic (one Vec<u8>): polkadot.js reads a
    // Uint8Array argument as already length-prefixed, so the signed bytes go in as they are.
    const validate = async (signed: Uint8Array) =>
      (await runtimeCall(t, 'taggedTransactionQueue', 'validateTransaction')(
        'External',
        signed,
        t.dev.chain.head.hash,
      )) as unknown as ResultCodec;

    it('answers a payable extrinsic with its priority, nonce tags and longevity', async () => {
      const nonce = (await t.api.rpc.system.accountNextIndex(signer.address)).toNumber();
      const next = await tx(t.api, 'system', 'remark', '0x01').signAsync(signer, {
        nonce: nonce + 1,
        era: 0,
      });
      const result = await validate(next.toU8a());
      expect(result.isOk).toBe(true);
      expect(result.asOk.priority.toBigInt()).toBeGreaterThan(0n);
      // A nonce ahead of the account's requires the one before it (CheckNonce's tags).
      expect(result.asOk.requires.length).toBe(1);
      expect(result.asOk.provides.length).toBe(1);
      expect(result.asOk.longevity.toString()).toBe((2n ** 64n - 1n).toString());
      // Validation does not submit: nothing reaches the pool.
      expect((await t.api.rpc.author.pendingExtrinsics()).length).toBe(0);
    });

    it('answers Stale for a used nonce and Payment for an account that cannot pay', async () => {
      await sendTx(t.api, tx(t.api, 'system', 'remark', '0x00'), signer);
      const stale = await tx(t.api, 'system', 'remark', '0x02').signAsync(signer, { nonce: 0 });
      const staleResult = await validate(stale.toU8a());
      expect(staleResult.isErr).toBe(true);
      expect(staleResult.asErr.type).toBe('Invalid');
      expect(staleResult.asErr.value.type).toBe('Stale');

      const [poor] = (await t.fundedPairs('v15-poor', ['poor'], EXISTENTIAL_DEPOSIT)) as [KeyringPair];
      const unpaid = await tx(t.api, 'system', 'remark', '0x00').signAsync(poor);
      const unpaidResult = await validate(unpaid.toU8a());
      expect(unpaidResult.asErr.value.type).toBe('Payment');
    });

    it('answers an unsigned extrinsic with Unknown(NoUnsignedValidator) and garbage with 4003', async () => {
      const unsigned = tx(t.api, 'system', 'remark', '0x00').toU8a();
      const result = await validate(unsigned);
      expect(result.asErr.type).toBe('Unknown');
      expect(result.asErr.value.type).toBe('NoUnsignedValidator');
      await expect(
        t.provider.send('state_call', ['TaggedTransactionQueue_validate_transaction', '0x02']),
      ).rejects.toThrow(/4003/);
    });
  });
});
