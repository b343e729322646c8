/**
 * `pallet-livestream` of the Stardust runtime: every call with the pallet's checks, errors and
 * effects. The order of the checks follows the
 * pallet's `lib.rs` (lao-sha/cosmos @30d658a), because the first failing check names the error.
 */
import type { Codec } from '@polkadot/types/types';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { LIVESTREAM_CONSTANTS } from '../metadata/stardustMetadata.js';
import { currencyTransfer, isSameAccount, reserve, unreserve } from './balances.js';
import { big, bool, bytes, field, num, option, raw, variantName, vec } from './codecValues.js';
import { DispatchError, ensure } from './DispatchError.js';
import type { ExecutionContext, Origin } from './ExecutionContext.js';

export const ROOM_STATUSES = ['Preparing', 'Live', 'Paused', 'Ended', 'Banned'] as const;
export const ROOM_TYPES = ['Normal', 'Paid', 'Private', 'MultiHost'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];
export type RoomType = (typeof ROOM_TYPES)[number];

export interface LiveRoom {
  id: bigint;
  host: Uint8Array;
  title: Uint8Array;
  description: Uint8Array | null;
  roomType: RoomType;
  status: RoomStatus;
  coverCid: Uint8Array | null;
  totalViewers: bigint;
  peakViewers: number;
  totalGifts: bigint;
  ticketPrice: bigint | null;
  createdAt: bigint;
  startedAt: bigint | null;
  endedAt: bigint | null;
}

/** `PalletId(*b"py/lives").into_account_truncating()`: "modl" ‖ id ‖ zero padding. */
export const LIVESTREAM_PALLET_ACCOUNT: Uint8Array = (() => {
  const account = new Uint8Array(32);
  account.set(u8aConcat(stringToU8a('modl'), stringToU8a(LIVESTREAM_CONSTANTS.PalletId)));
  return account;
})();

const L = (error: Parameters<typeof DispatchError.module<'Livestream'>>[1]) => () =>
  DispatchError.module('Livestream', error);

function optionalBytes(codec: Codec): Uint8Array | null {
  const inner = option(codec);
  return inner === null ? null : bytes(inner);
}

function optionalBig(codec: Codec): bigint | null {
  const inner = option(codec);
  return inner === null ? null : big(inner);
}

export function decodeRoom(codec: Codec): LiveRoom {
  return {
    id: big(field(codec, 'id')),
    host: bytes(field(codec, 'host')),
    title: bytes(field(codec, 'title')),
    description: optionalBytes(field(codec, 'description')),
    roomType: variantName(field(codec, 'roomType')) as RoomType,
    status: variantName(field(codec, 'status')) as RoomStatus,
    coverCid: optionalBytes(field(codec, 'coverCid')),
    totalViewers: big(field(codec, 'totalViewers')),
    peakViewers: num(field(codec, 'peakViewers')),
    totalGifts: big(field(codec, 'totalGifts')),
    ticketPrice: optionalBig(field(codec, 'ticketPrice')),
    createdAt: big(field(codec, 'createdAt')),
    startedAt: optionalBig(field(codec, 'startedAt')),
    endedAt: optionalBig(field(codec, 'endedAt')),
  };
}

export function getRoom(ctx: ExecutionContext, roomId: bigint): LiveRoom {
  const codec = ctx.storage.get('Livestream.LiveRooms', [roomId]);
  ensure(codec !== null, L('RoomNotFound'));
  return decodeRoom(codec);
}

export function putRoom(ctx: ExecutionContext, room: LiveRoom): void {
  ctx.storage.set('Livestream.LiveRooms', [room.id], {
    ...room,
    title: raw(room.title),
    description: room.description && raw(room.description),
    coverCid: room.coverCid && raw(room.coverCid),
  });
}

function signed(origin: Origin): Uint8Array {
  ensure(origin.kind === 'signed', DispatchError.badOrigin);
  return origin.who;
}

function root(origin: Origin): void {
  ensure(origin.kind === 'root', DispatchError.badOrigin);
}

function hostRoom(
  ctx: ExecutionContext,
  origin: Origin,
  roomId: bigint,
): { who: Uint8Array; room: LiveRoom } {
  const who = signed(origin);
  const room = getRoom(ctx, roomId);
  ensure(isSameAccount(room.host, who), L('NotRoomHost'));
  return { who, room };
}

function checkLen(value: Uint8Array | null, max: number, error: ReturnType<typeof L>): void {
  ensure(value === null || value.length <= max, error);
}

function coHostsOf(ctx: ExecutionContext, roomId: bigint): Uint8Array[] {
  return vec(ctx.storage.getOrDefault('Livestream.ActiveCoHosts', [roomId])).map(bytes);
}

/** The pallet uses `saturating_add` for its counters and totals. */
function saturatingAdd(a: bigint, b: bigint, bits: number): bigint {
  const max = (1n << BigInt(bits)) - 1n;
  const sum = a + b;
  return sum > max ? max : sum;
}

const U128_MAX = (1n << 128n) - 1n;

type Args = Record<string, Codec>;
type CallHandler = (ctx: ExecutionContext, origin: Origin, args: Args) => void;

function arg(args: Args, name: string): Codec {
  const value = args[name];
  if (value === undefined) throw new Error(`missing argument ${name}`);
  return value;
}

const C = LIVESTREAM_CONSTANTS;

/** Calls by their polkadot.js method name (camelCase). */
export const livestreamCalls: Record<string, CallHandler> = {
  createRoom(ctx, origin, args) {
    const who = signed(origin);
    const title = bytes(arg(args, 'title'));
    const description = optionalBytes(arg(args, 'description'));
    const roomType = variantName(arg(args, 'roomType')) as RoomType;
    const coverCid = optionalBytes(arg(args, 'coverCid'));
    const ticketPrice = optionalBig(arg(args, 'ticketPrice'));
    ensure(!ctx.storage.has('Livestream.HostRoom', [who]), L('HostAlreadyHasRoom'));
    checkLen(title, C.MaxTitleLen, L('TitleTooLong'));
    checkLen(description, C.MaxDescriptionLen, L('DescriptionTooLong'));
    checkLen(coverCid, C.MaxCidLen, L('CidTooLong'));
    ensure(roomType !== 'Paid' || (ticketPrice !== null && ticketPrice > 0n), L('InvalidTicketPrice'));
    reserve(ctx, who, C.RoomDeposit);
    const id = big(ctx.storage.getOrDefault('Livestream.NextRoomId'));
    ctx.storage.set('Livestream.NextRoomId', [], saturatingAdd(id, 1n, 64));
    putRoom(ctx, {
      id,
      host: who,
      title,
      description,
      roomType,
      status: 'Preparing',
      coverCid,
      totalViewers: 0n,
      peakViewers: 0,
      totalGifts: 0n,
      ticketPrice,
      createdAt: BigInt(ctx.blockNumber),
      startedAt: null,
      endedAt: null,
    });
    ctx.storage.set('Livestream.HostRoom', [who], id);
    ctx.emit('Livestream', 'RoomCreated', { host: who, roomId: id, roomType });
  },

  startLive(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    // The pallet never uses `RoomAlreadyLive`: a live room fails like any other wrong status.
    ensure(room.status === 'Preparing' || room.status === 'Paused', L('InvalidRoomStatus'));
    room.status = 'Live';
    room.startedAt = BigInt(ctx.blockNumber);
    putRoom(ctx, room);
    ctx.emit('Livestream', 'LiveStarted', { roomId: room.id, startedAt: ctx.blockNumber });
  },

  pauseLive(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    ensure(room.status === 'Live', L('RoomNotLive'));
    room.status = 'Paused';
    putRoom(ctx, room);
    ctx.emit('Livestream', 'LivePaused', { roomId: room.id });
  },

  resumeLive(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    ensure(room.status === 'Paused', L('InvalidRoomStatus'));
    room.status = 'Live';
    putRoom(ctx, room);
    ctx.emit('Livestream', 'LiveResumed', { roomId: room.id });
  },

  endLive(ctx, origin, args) {
    const { who, room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    ensure(room.status === 'Live' || room.status === 'Paused', L('InvalidRoomStatus'));
    const now = BigInt(ctx.blockNumber);
    const duration = now - (room.startedAt ?? now);
    room.status = 'Ended';
    room.endedAt = now;
    putRoom(ctx, room);
    ctx.storage.remove('Livestream.ActiveCoHosts', [room.id]);
    ctx.storage.remove('Livestream.HostRoom', [who]);
    unreserve(ctx, who, C.RoomDeposit);
    ctx.emit('Livestream', 'LiveEnded', {
      roomId: room.id,
      duration,
      totalViewers: room.totalViewers,
      peakViewers: room.peakViewers,
      totalGifts: room.totalGifts,
    });
  },

  updateRoom(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    ensure(room.status !== 'Ended', L('RoomEnded'));
    ensure(room.status !== 'Banned', L('RoomBanned'));
    const title = optionalBytes(arg(args, 'title'));
    const description = optionalBytes(arg(args, 'description'));
    const coverCid = optionalBytes(arg(args, 'coverCid'));
    checkLen(title, C.MaxTitleLen, L('TitleTooLong'));
    checkLen(description, C.MaxDescriptionLen, L('DescriptionTooLong'));
    checkLen(coverCid, C.MaxCidLen, L('CidTooLong'));
    if (title !== null) room.title = title;
    if (description !== null) room.description = description;
    if (coverCid !== null) room.coverCid = coverCid;
    putRoom(ctx, room);
    ctx.emit('Livestream', 'RoomUpdated', { roomId: room.id });
  },

  buyTicket(ctx, origin, args) {
    const who = signed(origin);
    const room = getRoom(ctx, big(arg(args, 'roomId')));
    ensure(room.roomType === 'Paid', L('InvalidRoomStatus'));
    ensure(room.status !== 'Ended', L('RoomEnded'));
    ensure(room.status !== 'Banned', L('RoomBanned'));
    ensure(!ctx.storage.has('Livestream.TicketHolders', [room.id, who]), L('AlreadyHasTicket'));
    const price = room.ticketPrice;
    ensure(price !== null, L('InvalidTicketPrice'));
    currencyTransfer(ctx, who, room.host, price, true);
    ctx.storage.set('Livestream.TicketHolders', [room.id, who], BigInt(ctx.blockNumber));
    ctx.emit('Livestream', 'TicketPurchased', { roomId: room.id, buyer: who, price });
  },

  sendGift(ctx, origin, args) {
    const who = signed(origin);
    const giftId = num(arg(args, 'giftId'));
    const quantity = num(arg(args, 'quantity'));
    ensure(quantity > 0, L('InvalidQuantity'));
    const room = getRoom(ctx, big(arg(args, 'roomId')));
    ensure(room.status === 'Live', L('RoomNotLive'));
    const gift = ctx.storage.get('Livestream.Gifts', [giftId]);
    ensure(gift !== null, L('GiftNotFound'));
    ensure(bool(field(gift, 'enabled')), L('GiftDisabled'));
    const total = big(field(gift, 'price')) * BigInt(quantity);
    ensure(total <= U128_MAX, L('Overflow'));
    // `saturating_mul(percent) / 100`
    const feeNumerator = total * BigInt(C.PlatformFeePercent);
    const fee = (feeNumerator > U128_MAX ? U128_MAX : feeNumerator) / 100n;
    const hostShare = total - fee;
    // The host is paid first, then the pallet account, both keep-alive.
    currencyTransfer(ctx, who, room.host, hostShare, true);
    currencyTransfer(ctx, who, LIVESTREAM_PALLET_ACCOUNT, fee, true);
    room.totalGifts = saturatingAdd(room.totalGifts, total, 128);
    putRoom(ctx, room);
    const earnings = big(ctx.storage.getOrDefault('Livestream.HostEarnings', [room.host]));
    ctx.storage.set('Livestream.HostEarnings', [room.host], saturatingAdd(earnings, hostShare, 128));
    const given = big(ctx.storage.getOrDefault('Livestream.UserRoomGifts', [room.id, who]));
    ctx.storage.set('Livestream.UserRoomGifts', [room.id, who], saturatingAdd(given, total, 128));
    ctx.emit('Livestream', 'GiftSent', {
      roomId: room.id,
      sender: who,
      receiver: room.host,
      giftId,
      quantity,
      value: total,
    });
  },

  withdrawEarnings(ctx, origin, args) {
    const who = signed(origin);
    const amount = big(arg(args, 'amount'));
    ensure(amount >= C.MinWithdrawAmount, L('WithdrawAmountTooLow'));
    const earnings = big(ctx.storage.getOrDefault('Livestream.HostEarnings', [who]));
    ensure(earnings >= amount, L('InsufficientEarnings'));
    ctx.storage.set('Livestream.HostEarnings', [who], earnings - amount);
    ctx.emit('Livestream', 'EarningsWithdrawn', { host: who, amount });
  },

  syncLiveStats(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    room.totalViewers = big(arg(args, 'totalViewers'));
    room.peakViewers = num(arg(args, 'peakViewers'));
    putRoom(ctx, room);
    ctx.emit('Livestream', 'LiveStatsSynced', {
      roomId: room.id,
      totalViewers: room.totalViewers,
      peakViewers: room.peakViewers,
    });
  },

  kickViewer(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    const viewer = bytes(arg(args, 'viewer'));
    ensure(!ctx.storage.has('Livestream.RoomBlacklist', [room.id, viewer]), L('AlreadyInBlacklist'));
    ctx.storage.set('Livestream.RoomBlacklist', [room.id, viewer], []);
    ctx.emit('Livestream', 'ViewerKicked', { roomId: room.id, viewer });
  },

  removeFromBlacklist(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    const viewer = bytes(arg(args, 'viewer'));
    ensure(ctx.storage.has('Livestream.RoomBlacklist', [room.id, viewer]), L('NotInBlacklist'));
    ctx.storage.remove('Livestream.RoomBlacklist', [room.id, viewer]);
    ctx.emit('Livestream', 'ViewerUnbanned', { roomId: room.id, viewer });
  },

  banRoom(ctx, origin, args) {
    root(origin);
    const room = getRoom(ctx, big(arg(args, 'roomId')));
    const reason = bytes(arg(args, 'reason'));
    // Any status may be banned, even Ended or Banned; HostRoom is cleared even when it already
    // points at a newer room of the same host (as in the pallet).
    room.status = 'Banned';
    putRoom(ctx, room);
    ctx.storage.remove('Livestream.ActiveCoHosts', [room.id]);
    ctx.storage.remove('Livestream.HostRoom', [room.host]);
    // The deposit stays reserved in this version of the pallet.
    ctx.emit('Livestream', 'RoomBanned', { roomId: room.id, reason: raw(reason) });
  },

  startCoHost(ctx, origin, args) {
    const { room } = hostRoom(ctx, origin, big(arg(args, 'roomId')));
    ensure(room.status === 'Live', L('RoomNotLive'));
    const coHost = bytes(arg(args, 'coHost'));
    const coHosts = coHostsOf(ctx, room.id);
    ensure(coHosts.length < C.MaxCoHostsPerRoom, L('TooManyCoHosts'));
    ensure(!coHosts.some((c) => isSameAccount(c, coHost)), L('AlreadyCoHost'));
    ctx.storage.set('Livestream.ActiveCoHosts', [room.id], [...coHosts, coHost]);
    ctx.emit('Livestream', 'CoHostStarted', { roomId: room.id, coHost });
  },

  endCoHost(ctx, origin, args) {
    const who = signed(origin);
    const room = getRoom(ctx, big(arg(args, 'roomId')));
    const target = optionalBytes(arg(args, 'coHost')) ?? who;
    ensure(isSameAccount(room.host, who) || isSameAccount(target, who), L('NotAuthorized'));
    const coHosts = coHostsOf(ctx, room.id);
    const remaining = coHosts.filter((c) => !isSameAccount(c, target));
    ensure(remaining.length < coHosts.length, L('NotCoHost'));
    // `try_mutate` on a ValueQuery writes the value back, so an emptied list stays stored as `[]`.
    ctx.storage.set('Livestream.ActiveCoHosts', [room.id], remaining);
    ctx.emit('Livestream', 'CoHostEnded', { roomId: room.id, coHost: target });
  },

  createGift(ctx, origin, args) {
    root(origin);
    const name = bytes(arg(args, 'name'));
    const iconCid = bytes(arg(args, 'iconCid'));
    const price = big(arg(args, 'price'));
    checkLen(name, C.MaxGiftNameLen, L('GiftNameTooLong'));
    checkLen(iconCid, C.MaxCidLen, L('CidTooLong'));
    const id = num(ctx.storage.getOrDefault('Livestream.NextGiftId'));
    ctx.storage.set('Livestream.NextGiftId', [], Number(saturatingAdd(BigInt(id), 1n, 32)));
    ctx.storage.set('Livestream.Gifts', [id], {
      id,
      name: raw(name),
      price,
      iconCid: raw(iconCid),
      enabled: true,
    });
    ctx.emit('Livestream', 'GiftCreated', { giftId: id, price });
  },

  updateGift(ctx, origin, args) {
    root(origin);
    const giftId = num(arg(args, 'giftId'));
    const enabled = bool(arg(args, 'enabled'));
    const gift = ctx.storage.get('Livestream.Gifts', [giftId]);
    ensure(gift !== null, L('GiftNotFound'));
    ctx.storage.set('Livestream.Gifts', [giftId], {
      id: giftId,
      name: raw(bytes(field(gift, 'name'))),
      price: big(field(gift, 'price')),
      iconCid: raw(bytes(field(gift, 'iconCid'))),
      enabled,
    });
    ctx.emit('Livestream', 'GiftUpdated', { giftId, enabled });
  },
};
