/** polkadot.js codecs → the API's plain JSON values (the first backend got these wrong). */
import type { Codec } from '@polkadot/types/types';
import { encodeAddress } from '@polkadot/util-crypto';
import type { ChainRoom, EventValue, RoomStatus, RoomType } from './types.js';

export const SS58_PREFIX = 42;

interface Struct extends Codec {
  get(name: string): Codec | undefined;
}

function field(codec: Codec, name: string): Codec {
  const value = (codec as Struct).get(name);
  if (value === undefined) throw new Error(`missing field ${name}`);
  return value;
}

function unwrapOption(codec: Codec): Codec | null {
  const option = codec as Codec & { isSome: boolean; unwrap(): Codec };
  return option.isSome ? option.unwrap() : null;
}

function text(codec: Codec): string {
  return (codec as Codec & { toUtf8(): string }).toUtf8();
}

function int(codec: Codec): number {
  return (codec as Codec & { toNumber(): number }).toNumber();
}

const optional = <T>(codec: Codec, map: (c: Codec) => T): T | null => {
  const inner = unwrapOption(codec);
  return inner === null ? null : map(inner);
};

export function toAddress(codec: Codec | Uint8Array): string {
  return encodeAddress(codec instanceof Uint8Array ? codec : codec.toU8a(), SS58_PREFIX);
}

export function decodeRoom(codec: Codec): ChainRoom {
  return {
    id: int(field(codec, 'id')),
    host: toAddress(field(codec, 'host')),
    title: text(field(codec, 'title')),
    description: optional(field(codec, 'description'), text),
    roomType: (field(codec, 'roomType') as Codec & { type: string }).type as RoomType,
    status: (field(codec, 'status') as Codec & { type: string }).type as RoomStatus,
    coverCid: optional(field(codec, 'coverCid'), text),
    totalViewers: int(field(codec, 'totalViewers')),
    peakViewers: int(field(codec, 'peakViewers')),
    totalGifts: field(codec, 'totalGifts').toString(),
    ticketPrice: optional(field(codec, 'ticketPrice'), (c) => c.toString()),
    createdAt: int(field(codec, 'createdAt')),
    startedAt: optional(field(codec, 'startedAt'), int),
    endedAt: optional(field(codec, 'endedAt'), int),
  };
}

/** One event field, by its SCALE type. */
export function toEventValue(codec: Codec): EventValue {
  const rawType = codec.toRawType();
  switch (rawType) {
    case 'AccountId':
    case 'AccountId32':
      return toAddress(codec);
    case 'u128':
    case 'Balance':
      return codec.toString();
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
      return int(codec);
    case 'bool':
      return (codec as Codec & { isTrue: boolean }).isTrue;
    case 'Bytes':
    case 'Vec<u8>':
      return text(codec);
    default: {
      const variant = codec as Codec & { isBasic?: boolean; type?: string };
      if (typeof variant.type === 'string') return variant.type;
      return codec.toString();
    }
  }
}
