import { compactToU8a, hexToU8a, isHex, u8aConcat, u8aToHex } from '@polkadot/util';
import type { Hex, StoredBlock } from '../BlockStore.js';
import type { DevChain } from '../DevChain.js';
import {
  decodeExtrinsicPrefix,
  encodeFeeDetails,
  encodeRuntimeDispatchInfo,
  queryFeeDetails,
  queryInfo,
} from '../runtime/queryFees.js';
import { RPC_ERROR, RpcError } from './RpcError.js';

const METADATA_VERSION = 14;

/** `state_call`: the runtime APIs the dev chain implements, SCALE in and out. */
export function runtimeApiCall(chain: DevChain, method: string, data: unknown, _at: StoredBlock): Hex {
  const input = typeof data === 'string' && isHex(data) ? hexToU8a(data) : new Uint8Array();
  const metadata = chain.metadata.toU8a();
  switch (method) {
    case 'Metadata_metadata':
      return u8aToHex(u8aConcat(compactToU8a(metadata.length), metadata));
    case 'Metadata_metadata_versions':
      return u8aToHex(u8aConcat(compactToU8a(1), le32(METADATA_VERSION)));
    case 'Metadata_metadata_at_version': {
      const version = input.length >= 4 ? new DataView(input.buffer, input.byteOffset).getUint32(0, true) : 0;
      return version === METADATA_VERSION
        ? u8aToHex(u8aConcat([1], compactToU8a(metadata.length), metadata))
        : '0x00';
    }
    case 'TransactionPaymentApi_query_info':
    case 'TransactionPaymentApi_query_fee_details': {
      const { ext, len } = extrinsicAndLength(chain, input);
      return u8aToHex(
        method === 'TransactionPaymentApi_query_info'
          ? encodeRuntimeDispatchInfo(queryInfo(ext, len))
          : encodeFeeDetails(queryFeeDetails(ext, len)),
      );
    }
    case 'AccountNonceApi_account_nonce':
      if (input.length !== 32)
        throw new RpcError(RPC_ERROR.callFailed, 'Execution failed: Could not decode AccountId');
      return u8aToHex(le32(chain.nextNonce(input)));
    default:
      throw new RpcError(
        RPC_ERROR.callFailed,
        `Client error: Execution failed: Other: Exported method ${method} is not found`,
      );
  }
}

/** The `(uxt: Extrinsic, len: u32)` arguments of the TransactionPaymentApi calls. */
function extrinsicAndLength(chain: DevChain, input: Uint8Array) {
  try {
    const { ext, size } = decodeExtrinsicPrefix(chain.registry, input);
    if (input.length !== size + 4) throw new Error('expected the extrinsic and a u32 length');
    return { ext, len: new DataView(input.buffer, input.byteOffset + size).getUint32(0, true) };
  } catch (error) {
    throw new RpcError(
      RPC_ERROR.callFailed,
      'Execution failed: Could not decode the arguments',
      String(error),
    );
  }
}

function le32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
