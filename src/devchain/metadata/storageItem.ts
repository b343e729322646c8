import { u8aToHex } from '@polkadot/util';
import type { PalletName } from './runtimeConstants.js';
import { scaleUint } from './scaleUint.js';

export type Hasher = 'Blake2_128Concat' | 'Twox64Concat' | 'Identity';

export interface StorageItemDef {
  pallet: string;
  name: string;
  modifier: 'Optional' | 'Default';
  hashers: Hasher[];
  /** Lookup ids of the key parts (one per hasher). */
  keys: number[];
  value: number;
  fallback: `0x${string}`;
}

/** A storage item of `pallet`; `keyed` lists the map's key parts with their hashers (none = a plain value). */
export function storageItem(
  pallet: PalletName,
  name: string,
  modifier: 'Optional' | 'Default',
  value: number,
  fallback: `0x${string}`,
  keyed: readonly (readonly [Hasher, number])[] = [],
): StorageItemDef {
  return {
    pallet,
    name,
    modifier,
    hashers: keyed.map(([h]) => h),
    keys: keyed.map(([, k]) => k),
    value,
    fallback,
  };
}

/** Little-endian SCALE bytes of an unsigned integer, as constants and fallbacks carry them. */
export function le(value: bigint | number, bytes: number): `0x${string}` {
  return u8aToHex(scaleUint(value, bytes));
}

export const zeroBytes = (bytes: number): `0x${string}` => `0x${'00'.repeat(bytes)}`;
