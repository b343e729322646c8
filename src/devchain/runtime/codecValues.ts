/** Narrow helpers from polkadot.js codecs to plain values, so pallet code stays free of casts. */
import type { Codec } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';

interface StructLike extends Codec {
  get(name: string): Codec | undefined;
}
interface OptionLike extends Codec {
  isSome: boolean;
  unwrap(): Codec;
}
interface EnumLike extends Codec {
  type: string;
  index: number;
}
interface IntLike extends Codec {
  toBigInt(): bigint;
  toNumber(): number;
}
interface BoolLike extends Codec {
  isTrue: boolean;
}
interface VecLike extends Codec {
  toArray(): Codec[];
}

export function field(codec: Codec, name: string): Codec {
  const value = (codec as StructLike).get(name);
  if (value === undefined) throw new Error(`no field ${name}`);
  return value;
}

export function big(codec: Codec): bigint {
  return (codec as IntLike).toBigInt();
}

export function num(codec: Codec): number {
  return (codec as IntLike).toNumber();
}

export function bool(codec: Codec): boolean {
  return (codec as BoolLike).isTrue;
}

/** Raw bytes of a Bytes/BoundedVec<u8>/AccountId without a length prefix. */
export function bytes(codec: Codec): Uint8Array {
  return codec.toU8a(true);
}

export function option(codec: Codec): Codec | null {
  const o = codec as OptionLike;
  return o.isSome ? o.unwrap() : null;
}

export function variantName(codec: Codec): string {
  return (codec as EnumLike).type;
}

export function vec(codec: Codec): Codec[] {
  return (codec as VecLike).toArray();
}

/**
 * Input for a `Bytes` field: polkadot.js reads a Uint8Array as already SCALE-encoded (length
 * prefix), but a hex string as the raw bytes.
 */
export function raw(value: Uint8Array): string {
  return u8aToHex(value);
}
