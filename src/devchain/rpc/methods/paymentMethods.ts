import { hexToU8a } from '@polkadot/util';
import type { DevChain } from '../../DevChain.js';
import { decodeExtrinsic } from '../../runtime/decodeExtrinsic.js';
import { queryFeeDetails, queryInfo } from '../../runtime/queryFees.js';
import { blockAt } from '../blockLookup.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { RpcError } from '../RpcError.js';
import { extrinsicParam } from '../rpcParams.js';

/** pallet-transaction-payment-rpc's `Error::DecodeError`: hex that is not an extrinsic. */
const PAYMENT_DECODE_ERROR = 2;

/** `NumberOrHex`, as the node serializes fee parts: a number up to u64, hex above. */
function numberOrHex(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : `0x${value.toString(16)}`;
}

/** `payment_*` (pallet-transaction-payment-rpc): fee estimates for an encoded extrinsic. */
export function paymentMethods(chain: DevChain): RpcMethods {
  const decode = (p: unknown[]) => {
    const bytes = hexToU8a(extrinsicParam(p[0]));
    blockAt(chain, p[1]);
    try {
      const { ext, size } = decodeExtrinsic(chain.registry, bytes);
      if (size !== bytes.length) throw new Error('trailing bytes');
      return { ext, len: bytes.length };
    } catch (error) {
      throw new RpcError(PAYMENT_DECODE_ERROR, 'Unable to query dispatch info.', String(error));
    }
  };
  return {
    payment_queryInfo: (p) => {
      const { ext, len } = decode(p);
      const info = queryInfo(ext, len);
      return {
        weight: { ref_time: Number(info.weight.refTime), proof_size: Number(info.weight.proofSize) },
        class: info.class.toLowerCase(),
        partialFee: info.partialFee.toString(),
      };
    },
    payment_queryFeeDetails: (p) => {
      const { ext, len } = decode(p);
      const f = queryFeeDetails(ext, len).inclusionFee;
      return {
        inclusionFee: f && {
          baseFee: numberOrHex(f.baseFee),
          lenFee: numberOrHex(f.lenFee),
          adjustedWeightFee: numberOrHex(f.adjustedWeightFee),
        },
      };
    },
  };
}
