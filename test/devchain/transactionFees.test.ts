import type { KeyringPair } from '@polkadot/keyring/types';
import type { RuntimeDispatchInfo } from '@polkadot/types/interfaces';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EXISTENTIAL_DEPOSIT, UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { EXTRINSIC_BASE_WEIGHT, SIGNED_EXTENSIONS_WEIGHT } from '../../src/devchain/runtime/weights.js';
import { expectConsoleNoise } from '../support/consoleNoise.js';
import { Collector } from './Collector.js';
import { balanceOf } from './livestreamCodecs.js';
import { storage, tx } from './polkadotAccess.js';
import { eventField, eventNames, findEvent, sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

/** What polkadot.js logs when the pool refuses an extrinsic that cannot pay its fee (provoked on purpose). */
const CANNOT_PAY_NOISE = /1010: Invalid Transaction: Inability to pay some fees/;

/** balances.transfer_keep_alive's benchmark weight (SubstrateWeight, RocksDbWeight: 1 read, 1 write). */
const TRANSFER_KEEP_ALIVE_REF_TIME = 38_159_000n + 25_000_000n + 100_000_000n;

async function totalIssuance(t: DevChainApi): Promise<bigint> {
  return (
    (await storage(t.api, 'balances', 'totalIssuance')()) as unknown as { toBigInt(): bigint }
  ).toBigInt();
}

describe('transaction fees', () => {
  let t: DevChainApi;
  let payer: KeyringPair;
  let payee: KeyringPair;

  beforeAll(async () => {
    t = await startDevChainApi();
    [payer, payee] = (await t.fundedPairs('fees', ['payer', 'payee'])) as [KeyringPair, KeyringPair];
  });

  afterAll(async () => {
    await t?.close();
  });

  it('estimates with tx.paymentInfo exactly the fee then withdrawn, burned and reported', async () => {
    const transfer = tx(t.api, 'balances', 'transferKeepAlive', payee.address, 3n * UNIT);
    const info = await transfer.paymentInfo(payer);
    const before = await balanceOf(t.api, payer.address);
    const issuanceBefore = await totalIssuance(t);

    const result = await sendTx(t.api, transfer, payer);

    const fee = info.partialFee.toBigInt();
    expect(fee).toBeGreaterThan(0n);
    const feePaid = findEvent(result.events, 'transactionPayment', 'TransactionFeePaid');
    expect(eventField(feePaid, 'who').toString()).toBe(payer.address);
    expect((eventField(feePaid, 'actualFee') as unknown as { toBigInt(): bigint }).toBigInt()).toBe(fee);
    expect((eventField(feePaid, 'tip') as unknown as { toBigInt(): bigint }).toBigInt()).toBe(0n);
    // The fee leaves the account before the call runs, and the events say so in that order.
    expect(eventNames(result.events)).toEqual([
      'balances.Withdraw',
      'balances.Transfer',
      'transactionPayment.TransactionFeePaid',
      'system.ExtrinsicSuccess',
    ]);
    const withdraw = findEvent(result.events, 'balances', 'Withdraw');
    expect((eventField(withdraw, 'amount') as unknown as { toBigInt(): bigint }).toBigInt()).toBe(fee);
    expect((await balanceOf(t.api, payer.address)).free).toBe(before.free - 3n * UNIT - fee);
    expect(await totalIssuance(t)).toBe(issuanceBefore - fee);
  });

  it('charges base + length + weight (IdentityFee, multiplier 1), as queryFeeDetails itemizes', async () => {
    const transfer = tx(t.api, 'balances', 'transferKeepAlive', payee.address, UNIT);
    const signed = await transfer.signAsync(payer);
    const length = signed.toU8a().length;
    const details = await t.api.rpc.payment.queryFeeDetails(signed.toHex());
    const inclusion = details.inclusionFee.unwrap();
    const weightFee = TRANSFER_KEEP_ALIVE_REF_TIME + SIGNED_EXTENSIONS_WEIGHT.refTime;
    expect(inclusion.baseFee.toBigInt()).toBe(EXTRINSIC_BASE_WEIGHT.refTime);
    expect(inclusion.lenFee.toBigInt()).toBe(BigInt(length));
    expect(inclusion.adjustedWeightFee.toBigInt()).toBe(weightFee);

    // The runtime API and the RPC agree, and so does the weight each reports.
    const viaRpc = (await t.provider.send('payment_queryInfo', [signed.toHex()])) as Record<string, unknown>;
    const call = t.api.call.transactionPaymentApi;
    if (!call?.queryInfo) throw new Error('TransactionPaymentApi not decorated');
    const viaApi = (await call.queryInfo(signed.toU8a(), length)) as RuntimeDispatchInfo;
    const expected = EXTRINSIC_BASE_WEIGHT.refTime + BigInt(length) + weightFee;
    expect(viaApi.partialFee.toBigInt()).toBe(expected);
    expect(viaApi.weight.refTime.toBigInt()).toBe(weightFee);
    // As pallet-transaction-payment-rpc serializes it (polkadot.js's deprecated rpc.payment.queryInfo
    // cannot decode this two-dimensional weight from a real node either).
    expect(viaRpc).toEqual({
      weight: { ref_time: Number(weightFee), proof_size: Number(viaApi.weight.proofSize.toBigInt()) },
      class: 'normal',
      partialFee: expected.toString(),
    });
    expect(viaApi.class.type).toBe('Normal');
  });

  it('adds the tip to the fee and reports it in TransactionFeePaid', async () => {
    const tip = 5_000_000n;
    const remark = tx(t.api, 'system', 'remark', '0x0102');
    // The tip is part of the signed extrinsic, so it also lengthens it: estimate with it.
    const fee = (await remark.paymentInfo(payer, { tip })).partialFee.toBigInt();
    const before = await balanceOf(t.api, payer.address);
    const result = await sendTx(t.api, remark, payer, 'InBlock', { tip });
    const feePaid = findEvent(result.events, 'transactionPayment', 'TransactionFeePaid');
    expect((eventField(feePaid, 'actualFee') as unknown as { toBigInt(): bigint }).toBigInt()).toBe(
      fee + tip,
    );
    expect((eventField(feePaid, 'tip') as unknown as { toBigInt(): bigint }).toBigInt()).toBe(tip);
    expect((await balanceOf(t.api, payer.address)).free).toBe(before.free - fee - tip);
  });

  it('charges a call that fails in dispatch', async () => {
    const before = await balanceOf(t.api, payer.address);
    const tooMuch = tx(t.api, 'balances', 'transferKeepAlive', payee.address, 1_000_000n * UNIT);
    const fee = (await tooMuch.paymentInfo(payer)).partialFee.toBigInt();
    const result = await sendTx(t.api, tooMuch, payer);
    expect(result.error).toBe('Token.FundsUnavailable');
    expect(eventNames(result.events)).toEqual([
      'balances.Withdraw',
      'transactionPayment.TransactionFeePaid',
      'system.ExtrinsicFailed',
    ]);
    expect((await balanceOf(t.api, payer.address)).free).toBe(before.free - fee);
  });

  it('refunds the fee of a sudo call (Pays::No), keeping the withdrawal and refund visible', async () => {
    const alice = t.dev.chain.pairs.Alice;
    const before = await balanceOf(t.api, alice.address);
    const call = tx(t.api, 'sudo', 'sudo', tx(t.api, 'system', 'remark', '0x00'));
    const result = await sendTx(t.api, call, alice);
    expect(eventNames(result.events)).toEqual([
      'balances.Withdraw',
      'sudo.Sudid',
      'balances.Deposit',
      'transactionPayment.TransactionFeePaid',
      'system.ExtrinsicSuccess',
    ]);
    const feePaid = findEvent(result.events, 'transactionPayment', 'TransactionFeePaid');
    expect((eventField(feePaid, 'actualFee') as unknown as { toBigInt(): bigint }).toBigInt()).toBe(0n);
    const success = findEvent(result.events, 'system', 'ExtrinsicSuccess');
    expect(
      (eventField(success, 'dispatchInfo') as unknown as { paysFee: { type: string } }).paysFee.type,
    ).toBe('No');
    expect((await balanceOf(t.api, alice.address)).free).toBe(before.free);
  });

  describe('accounts near the existential deposit', () => {
    const remarkFee = async (who: KeyringPair) =>
      (await tx(t.api, 'system', 'remark', '0x00').paymentInfo(who)).partialFee.toBigInt();

    it('refuses an account holding only the existential deposit (1010, cannot pay fees)', async () => {
      expectConsoleNoise(CANNOT_PAY_NOISE);
      const [poor] = (await t.fundedPairs('fees-ed', ['poor'], EXISTENTIAL_DEPOSIT)) as [KeyringPair];
      const signed = await tx(t.api, 'system', 'remark', '0x00').signAsync(poor);
      // polkadot.js rewrites the node's "(e.g. …)" in the error data as ", e.g. …".
      await expect(t.api.rpc.author.submitExtrinsic(signed.toHex())).rejects.toThrow(
        '1010: Invalid Transaction: Inability to pay some fees , e.g. account balance too low',
      );
      expect((await balanceOf(t.api, poor.address)).free).toBe(EXISTENTIAL_DEPOSIT);
    });

    it('accepts exactly the fee above the existential deposit, and refuses one planck less', async () => {
      expectConsoleNoise(CANNOT_PAY_NOISE);
      const [probe] = (await t.fundedPairs('fees-probe', ['probe'], UNIT)) as [KeyringPair];
      const fee = await remarkFee(probe);
      const [short] = (await t.fundedPairs('fees-short', ['short'], EXISTENTIAL_DEPOSIT + fee - 1n)) as [
        KeyringPair,
      ];
      const [exact] = (await t.fundedPairs('fees-exact', ['exact'], EXISTENTIAL_DEPOSIT + fee)) as [
        KeyringPair,
      ];
      const refused = await tx(t.api, 'system', 'remark', '0x00').signAsync(short);
      await expect(t.api.rpc.author.submitExtrinsic(refused.toHex())).rejects.toThrow(/1010.*fees/);
      expect((await balanceOf(t.api, short.address)).free).toBe(EXISTENTIAL_DEPOSIT + fee - 1n);

      await sendTx(t.api, tx(t.api, 'system', 'remark', '0x00'), exact);
      expect((await balanceOf(t.api, exact.address)).free).toBe(EXISTENTIAL_DEPOSIT);
    });

    it('leaves out of the block an extrinsic that can no longer pay when applied; its watcher hears invalid', async () => {
      const [drainer] = (await t.fundedPairs('fees-drain', ['drainer'], UNIT)) as [KeyringPair];
      // Estimated with an amount of the same encoded length as the one sent.
      const transferFee = (
        await tx(t.api, 'balances', 'transferKeepAlive', payee.address, UNIT).paymentInfo(drainer)
      ).partialFee.toBigInt();
      const drain = await tx(
        t.api,
        'balances',
        'transferKeepAlive',
        payee.address,
        UNIT - EXISTENTIAL_DEPOSIT - transferFee,
      ).signAsync(drainer, { nonce: 0 });
      const remark = await tx(t.api, 'system', 'remark', '0x00').signAsync(drainer, { nonce: 1 });
      const statuses = new Collector<unknown>();
      // Both pass the pool's checks against the same state and go into one block.
      t.dev.chain.setAutoFinalize(false);
      try {
        const drained = new Promise<void>((resolve) =>
          t.dev.chain.submit(drain.toHex(), (s) => typeof s === 'object' && 'inBlock' in s && resolve()),
        );
        t.dev.chain.submit(remark.toHex(), statuses.push);
        await drained;
      } finally {
        t.dev.chain.setAutoFinalize(true);
      }
      expect(await statuses.next((s) => s === 'invalid')).toBe('invalid');
      expect(statuses.values).toEqual(['ready', 'invalid']);
      expect((await balanceOf(t.api, drainer.address)).free).toBe(EXISTENTIAL_DEPOSIT);
      expect((await t.api.rpc.system.accountNextIndex(drainer.address)).toNumber()).toBe(1);
    });
  });

  describe('bad input', () => {
    let socket: WebSocket;
    const call = (method: string, params: unknown[]) =>
      new Promise<{ error?: { code: number; message: string } }>((resolve) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data))));
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
      });

    beforeAll(async () => {
      socket = new WebSocket(t.dev.url);
      await new Promise((resolve) => socket.once('open', resolve));
    });

    afterAll(() => socket?.close());

    it('answers a non-hex extrinsic with -32602 and undecodable bytes with the node error 2', async () => {
      expect((await call('payment_queryInfo', ['nope'])).error?.code).toBe(-32602);
      expect((await call('payment_queryFeeDetails', [])).error?.code).toBe(-32602);
      expect(await call('payment_queryInfo', [u8aToHex(new Uint8Array([8, 1, 2]))])).toMatchObject({
        error: { code: 2, message: 'Unable to query dispatch info.' },
      });
    });

    it('answers a runtime call with bad arguments with 4003', async () => {
      expect(await call('state_call', ['TransactionPaymentApi_query_info', '0x00'])).toMatchObject({
        error: { code: 4003 },
      });
    });
  });
});
