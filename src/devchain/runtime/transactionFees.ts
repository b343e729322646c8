/**
 * `pallet_transaction_payment` as the Stardust runtime configures it: `WeightToFee` and `LengthToFee`
 * are `IdentityFee` (1 planck per picosecond of ref_time and per byte), the fee multiplier is the
 * constant 1 (`ConstFeeMultiplier`), fees go through `FungibleAdapter<Balances, ()>` (withdrawn
 * keeping the account alive, then burned).
 */
import { EXISTENTIAL_DEPOSIT, FEE_MULTIPLIER_FIXED } from '../metadata/runtimeConstants.js';
import type { AccountState } from './balances.js';
import {
  type DispatchClass,
  EXTRINSIC_BASE_WEIGHT,
  MAX_BLOCK_WEIGHT,
  type Pays,
  type Weight,
} from './weights.js';

export interface DispatchInfo {
  callWeight: Weight;
  extensionWeight: Weight;
  class: DispatchClass;
  paysFee: Pays;
}

export interface InclusionFee {
  baseFee: bigint;
  lenFee: bigint;
  adjustedWeightFee: bigint;
}

export interface FeeDetails {
  inclusionFee: InclusionFee | null;
  tip: bigint;
}

export function totalWeight(info: DispatchInfo): Weight {
  return {
    refTime: info.callWeight.refTime + info.extensionWeight.refTime,
    proofSize: info.callWeight.proofSize + info.extensionWeight.proofSize,
  };
}

/** `IdentityFee` over the weight capped at the block's maximum (`Pallet::weight_to_fee`). */
export function weightToFee(w: Weight): bigint {
  if (w.refTime > MAX_BLOCK_WEIGHT.refTime) return MAX_BLOCK_WEIGHT.refTime;
  return w.refTime;
}

/** `compute_fee_raw`: base + length + weight fee (times the multiplier, here 1), plus the tip. */
export function computeFeeDetails(
  len: number,
  info: DispatchInfo,
  tip: bigint,
  pays = info.paysFee,
): FeeDetails {
  if (pays === 'No') return { inclusionFee: null, tip };
  const unadjustedWeightFee = weightToFee(totalWeight(info));
  return {
    inclusionFee: {
      baseFee: weightToFee(EXTRINSIC_BASE_WEIGHT),
      lenFee: BigInt(len),
      adjustedWeightFee: (unadjustedWeightFee * FEE_MULTIPLIER_FIXED) / FEE_MULTIPLIER_FIXED,
    },
    tip,
  };
}

export function finalFee(details: FeeDetails): bigint {
  const f = details.inclusionFee;
  return (f ? f.baseFee + f.lenFee + f.adjustedWeightFee : 0n) + details.tip;
}

/**
 * What `fungible::withdraw(.., Preservation::Preserve, Fortitude::Polite)` may take: the free balance
 * above both the frozen part not covered by reserves and the existential deposit.
 */
export function reducibleBalance(account: AccountState): bigint {
  const frozenUncovered = account.frozen > account.reserved ? account.frozen - account.reserved : 0n;
  const untouchable = frozenUncovered > EXISTENTIAL_DEPOSIT ? frozenUncovered : EXISTENTIAL_DEPOSIT;
  return account.free > untouchable ? account.free - untouchable : 0n;
}

/** `FungibleAdapter::can_withdraw_fee`: a zero fee always passes. */
export function canPayFee(account: AccountState, fee: bigint): boolean {
  return fee === 0n || reducibleBalance(account) >= fee;
}
