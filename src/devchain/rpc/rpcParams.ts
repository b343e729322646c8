import { isHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import type { Hex } from '../BlockStore.js';
import { RpcError } from './RpcError.js';

/** A hex string parameter, lower-cased (storage keys and hashes compare as strings). */
export function hexParam(value: unknown, what: string): Hex {
  if (typeof value !== 'string' || !isHex(value)) throw RpcError.invalidParams(what);
  return value.toLowerCase() as Hex;
}

/** A hex parameter that may be absent (undefined or null). */
export function optionalHexParam(value: unknown, what: string): Hex | undefined {
  return value === undefined || value === null ? undefined : hexParam(value, what);
}

export function extrinsicParam(value: unknown): string {
  if (typeof value !== 'string' || !isHex(value)) throw RpcError.invalidParams('extrinsic');
  return value;
}

/** An SS58 address or hex public key of a 32-byte account. */
export function accountIdParam(value: unknown): Uint8Array {
  try {
    const id = decodeAddress(String(value));
    if (id.length !== 32) throw new Error('length');
    return id;
  } catch {
    throw RpcError.invalidParams('account');
  }
}

/** A block number as a number, a decimal string or a hex string. */
export function blockNumberParam(value: unknown): number {
  const n = typeof value === 'string' ? Number.parseInt(value, value.startsWith('0x') ? 16 : 10) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw RpcError.invalidParams('block number');
  return n;
}
