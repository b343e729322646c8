/**
 * `TransactionPaymentApi` (`query_info`, `query_fee_details`): what an extrinsic would be charged,
 * from its call and length alone. The signature is not checked (wallets ask with a fake one).
 */
import type { Call, Extrinsic } from '@polkadot/types/interfaces';
import { compactToU8a, u8aConcat } from '@polkadot/util';
import { scaleUint } from '../metadata/scaleUint.js';
import { callDispatchInfo } from './callDispatchInfo.js';
import { computeFeeDetails, type FeeDetails, finalFee, totalWeight } from './transactionFees.js';
import type { DispatchClass, Weight } from './weights.js';

export interface RuntimeDispatchInfo {
  weight: Weight;
  class: DispatchClass;
  partialFee: bigint;
}

const DISPATCH_CLASS_INDEX: Record<DispatchClass, number> = { Normal: 0, Operational: 1, Mandatory: 2 };

export function queryInfo(ext: Extrinsic, len: number): RuntimeDispatchInfo {
  const info = callDispatchInfo(ext.method as Call, ext.isSigned);
  // A bare (unsigned) extrinsic pays no fee.
  const partialFee = ext.isSigned ? finalFee(computeFeeDetails(len, info, 0n)) : 0n;
  return { weight: totalWeight(info), class: info.class, partialFee };
}

export function queryFeeDetails(ext: Extrinsic, len: number): FeeDetails {
  if (!ext.isSigned) return { inclusionFee: null, tip: 0n };
  return computeFeeDetails(len, callDispatchInfo(ext.method as Call, true), 0n);
}

const u128 = (value: bigint) => scaleUint(value, 16);

/** SCALE `RuntimeDispatchInfo<Balance, Weight>` (API version 4: a two-dimensional weight). */
export function encodeRuntimeDispatchInfo(info: RuntimeDispatchInfo): Uint8Array {
  return u8aConcat(
    compactToU8a(info.weight.refTime),
    compactToU8a(info.weight.proofSize),
    [DISPATCH_CLASS_INDEX[info.class]],
    u128(info.partialFee),
  );
}

/** SCALE `FeeDetails<Balance>`: `Option<InclusionFee>` then the tip. */
export function encodeFeeDetails(details: FeeDetails): Uint8Array {
  const f = details.inclusionFee;
  const inclusion = f ? u8aConcat([1], u128(f.baseFee), u128(f.lenFee), u128(f.adjustedWeightFee)) : [0];
  return u8aConcat(inclusion, u128(details.tip));
}
