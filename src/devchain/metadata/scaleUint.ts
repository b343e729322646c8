import { bnToU8a } from '@polkadot/util';

/** SCALE bytes of an unsigned integer of `bytes` bytes (little-endian, fixed width): u32 is 4, u128 is 16. */
export function scaleUint(value: bigint | number, bytes: number): Uint8Array {
  return bnToU8a(value, { bitLength: bytes * 8, isLe: true });
}
