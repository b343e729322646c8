/**
 * Shapes of the Livestream storage values as polkadot.js decodes them from the metadata, for
 * typed reads in tests (`api.query.livestream.*` is not augmented for this pallet).
 */
import type { ApiPromise } from '@polkadot/api';
import type { Bytes, bool, Null, Option, Struct, u32, u64, u128, Vec } from '@polkadot/types';
import type { AccountId32, AccountInfo } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { storage } from './polkadotAccess.js';

interface EnumCodec extends Codec {
  type: string;
}

export interface LiveRoomCodec extends Struct {
  id: u64;
  host: AccountId32;
  title: Bytes;
  description: Option<Bytes>;
  roomType: EnumCodec;
  status: EnumCodec;
  coverCid: Option<Bytes>;
  totalViewers: u64;
  peakViewers: u32;
  totalGifts: u128;
  ticketPrice: Option<u128>;
  createdAt: u64;
  startedAt: Option<u64>;
  endedAt: Option<u64>;
}

export interface GiftCodec extends Struct {
  id: u32;
  name: Bytes;
  price: u128;
  iconCid: Bytes;
  enabled: bool;
}

type At = Pick<ApiPromise, 'query'>;
type RoomId = number | bigint;

/** Typed reads of every Livestream storage item (at the head, or through `api.at(hash)`). */
export function livestream(api: At) {
  const read = <T>(item: string, ...keys: unknown[]) =>
    storage(api, 'livestream', item)(...keys) as unknown as Promise<T>;
  return {
    liveRoom: (id: RoomId) => read<Option<LiveRoomCodec>>('liveRooms', id),
    hostRoom: (who: string) => read<Option<u64>>('hostRoom', who),
    nextRoomId: () => read<u64>('nextRoomId'),
    gift: (id: number) => read<Option<GiftCodec>>('gifts', id),
    nextGiftId: () => read<u32>('nextGiftId'),
    userRoomGifts: (roomId: RoomId, who: string) => read<u128>('userRoomGifts', roomId, who),
    hostEarnings: (who: string) => read<u128>('hostEarnings', who),
    ticketHolder: (roomId: RoomId, who: string) => read<Option<u64>>('ticketHolders', roomId, who),
    blacklisted: (roomId: RoomId, who: string) => read<Option<Null>>('roomBlacklist', roomId, who),
    coHosts: (roomId: RoomId) => read<Vec<AccountId32>>('activeCoHosts', roomId),
  };
}

export async function account(api: At, who: string): Promise<AccountInfo> {
  return (await storage(api, 'system', 'account')(who)) as unknown as AccountInfo;
}

/** Free and reserved balance of `who`, as bigint. */
export async function balanceOf(api: At, who: string): Promise<{ free: bigint; reserved: bigint }> {
  const info = await account(api, who);
  return { free: info.data.free.toBigInt(), reserved: info.data.reserved.toBigInt() };
}
