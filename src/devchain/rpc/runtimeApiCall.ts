import { compactFromU8a, compactToU8a, hexToU8a, isHex, u8aConcat, u8aToHex } from '@polkadot/util';
import type { Hex, StoredBlock } from '../BlockStore.js';
import type { DevChain } from '../DevChain.js';
import { encodeRuntimeVersion } from '../metadata/runtimeVersion.js';
import { scaleUint } from '../metadata/scaleUint.js';
import { decodeExtrinsic } from '../runtime/decodeExtrinsic.js';
import {
  encodeFeeDetails,
  encodeRuntimeDispatchInfo,
  queryFeeDetails,
  queryInfo,
} from '../runtime/queryFees.js';
import { InvalidTransaction } from '../runtime/Runtime.js';
import { weightToFee } from '../runtime/transactionFees.js';
import { encodeValidityError, encodeValidTransaction } from '../runtime/transactionValidity.js';
import { RPC_ERROR, RpcError } from './RpcError.js';

/** `Metadata_metadata` and `state_getMetadata` answer V14 (the default); V15 is asked for by version. */
const METADATA_VERSIONS = [14, 15] as const;

/** `state_call`: the runtime APIs the dev chain implements, SCALE in and out. */
export function runtimeApiCall(chain: DevChain, method: string, data: unknown, _at: StoredBlock): Hex {
  const input = typeof data === 'string' && isHex(data) ? hexToU8a(data) : new Uint8Array();
  switch (method) {
    case 'Core_version':
      return u8aToHex(encodeRuntimeVersion());
    case 'Metadata_metadata': {
      const metadata = chain.metadata.toU8a();
      return u8aToHex(u8aConcat(compactToU8a(metadata.length), metadata));
    }
    case 'Metadata_metadata_versions':
      return u8aToHex(u8aConcat(compactToU8a(METADATA_VERSIONS.length), ...METADATA_VERSIONS.map(le32)));
    case 'Metadata_metadata_at_version': {
      const version = readU32(input, 0);
      const metadata = version === 14 ? chain.metadata : version === 15 ? chain.metadataV15 : undefined;
      if (!metadata) return '0x00';
      const bytes = metadata.toU8a();
      return u8aToHex(u8aConcat([1], compactToU8a(bytes.length), bytes));
    }
    case 'TaggedTransactionQueue_validate_transaction':
      return u8aToHex(validateTransaction(chain, input));
    case 'TransactionPaymentApi_query_weight_to_fee': {
      const [refOffset, refTime] = compactFromU8a(input);
      compactFromU8a(input.subarray(refOffset));
      return u8aToHex(u128(weightToFee({ refTime: BigInt(refTime.toString()), proofSize: 0n })));
    }
    case 'TransactionPaymentApi_query_length_to_fee':
      return u8aToHex(u128(BigInt(readU32(input, 0))));
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
    const { ext, size } = decodeExtrinsic(chain.registry, input);
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

/** `(source: TransactionSource, tx: Extrinsic, block_hash: H256)`, validated against the head state. */
function validateTransaction(chain: DevChain, input: Uint8Array): Uint8Array {
  let hex: string;
  try {
    const { ext, size } = decodeExtrinsic(chain.registry, input.subarray(1));
    if (input.length !== 1 + size + 32) throw new Error('expected source, extrinsic and block hash');
    hex = ext.toHex();
  } catch (error) {
    throw new RpcError(
      RPC_ERROR.callFailed,
      'Execution failed: Could not decode the arguments',
      String(error),
    );
  }
  try {
    const valid = chain.runtime.validate(hex);
    return encodeValidTransaction(valid, chain.runtime.accountNonce(valid.signer));
  } catch (error) {
    if (error instanceof InvalidTransaction && error.validity) return encodeValidityError(error.validity);
    throw new RpcError(
      RPC_ERROR.callFailed,
      'Execution failed: Could not decode the extrinsic',
      String(error),
    );
  }
}

function readU32(input: Uint8Array, offset: number): number {
  if (input.length < offset + 4)
    throw new RpcError(RPC_ERROR.callFailed, 'Execution failed: Could not decode u32');
  return new DataView(input.buffer, input.byteOffset + offset).getUint32(0, true);
}

const u128 = (value: bigint) => scaleUint(value, 16);
const le32 = (value: number) => scaleUint(value, 4);
