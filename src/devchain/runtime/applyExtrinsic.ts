import { readAccount, writeAccount } from './balances.js';
import { callDispatchInfo } from './callDispatchInfo.js';
import { big } from './codecValues.js';
import { DispatchError } from './DispatchError.js';
import { dispatchCall, type PostDispatchInfo } from './dispatchCall.js';
import type { ExecutionContext } from './ExecutionContext.js';
import { canPayFee, computeFeeDetails, finalFee, totalWeight } from './transactionFees.js';
import type { ValidExtrinsic } from './ValidExtrinsic.js';
import { addWeights, EXTRINSIC_BASE_WEIGHT } from './weights.js';

/**
 * Applies a signed extrinsic as `frame_executive::apply_extrinsic` does: the extensions' checks
 * against the block's state so far (an extrinsic that fails them is not included: returns false),
 * the nonce bump and the fee withdrawn BEFORE dispatch, the dispatch in its own storage layer, then
 * the fee corrected (refunded when the call pays none), burned, and the events.
 */
export function applySignedExtrinsic(ctx: ExecutionContext, ext: ValidExtrinsic): boolean {
  const who = ext.signer;
  const account = readAccount(ctx, who);
  if (ext.nonce !== account.nonce) return false;
  const info = callDispatchInfo(ext.call, true);
  const fee = finalFee(computeFeeDetails(ext.len, info, ext.tip));
  if (!canPayFee(account, fee)) return false;

  account.nonce += 1;
  account.free -= fee;
  writeAccount(ctx, who, account);
  if (fee > 0n) ctx.emit('Balances', 'Withdraw', { who, amount: fee });

  let post: PostDispatchInfo = {};
  let error: DispatchError | undefined;
  try {
    post = ctx.transactional(() => dispatchCall(ctx, { kind: 'signed', who }, ext.call));
  } catch (e) {
    if (!(e instanceof DispatchError)) throw e;
    error = e;
  }

  const paysFee = error ? info.paysFee : (post.paysFee ?? info.paysFee);
  const actualFee = finalFee(computeFeeDetails(ext.len, info, ext.tip, paysFee));
  const refunded = refund(ctx, who, fee > actualFee ? fee - actualFee : 0n);
  const burned = fee - refunded;
  if (burned > 0n) {
    const issuance = big(ctx.storage.getOrDefault('Balances.TotalIssuance'));
    ctx.storage.set('Balances.TotalIssuance', [], issuance > burned ? issuance - burned : 0n);
  }
  ctx.emit('TransactionPayment', 'TransactionFeePaid', { who, actualFee, tip: ext.tip });

  const dispatchInfo = {
    weight: addWeights(totalWeight(info), EXTRINSIC_BASE_WEIGHT),
    class: info.class,
    paysFee,
  };
  if (error) ctx.emit('System', 'ExtrinsicFailed', { dispatchError: error.value, dispatchInfo });
  else ctx.emit('System', 'ExtrinsicSuccess', { dispatchInfo });
  return true;
}

/** `FungibleAdapter::correct_and_deposit_fee`: the refund goes back only to an account that still exists. */
function refund(ctx: ExecutionContext, who: Uint8Array, amount: bigint): bigint {
  if (amount === 0n) return 0n;
  const account = readAccount(ctx, who);
  if (account.free + account.reserved === 0n) return 0n;
  account.free += amount;
  writeAccount(ctx, who, account);
  ctx.emit('Balances', 'Deposit', { who, amount });
  return amount;
}
