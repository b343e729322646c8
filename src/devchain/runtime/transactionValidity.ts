/**
 * `TaggedTransactionQueue_validate_transaction`'s answer: `Result<ValidTransaction,
 * TransactionValidityError>` as the runtime's extensions build it — CheckNonce's tags, CheckMortality's
 * longevity and ChargeTransactionPayment's priority.
 */
import { compactToU8a, u8aConcat } from '@polkadot/util';
import { INVALID_TRANSACTION, UNKNOWN_TRANSACTION } from '../metadata/runtimeApis.js';
import { scaleUint } from '../metadata/scaleUint.js';
import { callDispatchInfo } from './callDispatchInfo.js';
import type { TransactionValidityErrorValue } from './Runtime.js';
import { totalWeight } from './transactionFees.js';
import type { ValidExtrinsic } from './ValidExtrinsic.js';
import { MAX_BLOCK_WEIGHT } from './weights.js';

/** `BlockLength::max_with_normal_ratio(5 MiB, 75%)` for the Normal class. */
const MAX_NORMAL_BLOCK_LENGTH = 3_932_160n;
const U64_MAX = 2n ** 64n - 1n;

const clamp = (value: bigint, low: bigint, high: bigint) => (value < low ? low : value > high ? high : value);

const u64 = (value: bigint) => scaleUint(value, 8);
const u32 = (value: number) => scaleUint(value, 4);
const vecOfBytes = (items: Uint8Array[]) =>
  u8aConcat(compactToU8a(items.length), ...items.map((i) => u8aConcat(compactToU8a(i.length), i)));

/** `ChargeTransactionPayment::get_priority` for a Normal-class extrinsic. */
export function transactionPriority(ext: ValidExtrinsic): bigint {
  const refTime = totalWeight(callDispatchInfo(ext.call, true)).refTime;
  const byWeight = MAX_BLOCK_WEIGHT.refTime / clamp(refTime, 1n, MAX_BLOCK_WEIGHT.refTime);
  const byLength = MAX_NORMAL_BLOCK_LENGTH / clamp(BigInt(ext.len), 1n, MAX_NORMAL_BLOCK_LENGTH);
  const perBlock = byWeight < byLength ? byWeight : byLength;
  return clamp((ext.tip + 1n) * perBlock, 0n, U64_MAX);
}

/** SCALE `Ok(ValidTransaction)`; `accountNonce` is the signer's nonce in state. */
export function encodeValidTransaction(ext: ValidExtrinsic, accountNonce: number): Uint8Array {
  // CheckNonce: provides (who, nonce); requires (who, nonce - 1) while earlier ones are pending.
  const tag = (nonce: number) => u8aConcat(ext.signer, u32(nonce));
  const requires = ext.nonce > accountNonce ? [tag(ext.nonce - 1)] : [];
  return u8aConcat(
    [0],
    u64(transactionPriority(ext)),
    vecOfBytes(requires),
    vecOfBytes([tag(ext.nonce)]),
    u64(ext.longevity),
    [1],
  );
}

/** SCALE `Err(TransactionValidityError)`. */
export function encodeValidityError(error: TransactionValidityErrorValue): Uint8Array {
  if ('Invalid' in error) return u8aConcat([1, 0, INVALID_TRANSACTION.indexOf(error.Invalid)]);
  return u8aConcat([1, 1, UNKNOWN_TRANSACTION.indexOf(error.Unknown)]);
}
