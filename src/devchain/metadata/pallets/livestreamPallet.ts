import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { MODULE_ERRORS } from '../palletErrors.js';
import { LIVESTREAM_CONSTANTS, PALLET_INDEX } from '../runtimeConstants.js';
import { le, storageItem, zeroBytes } from '../storageItem.js';
import type { FieldSpec, TypeTable } from '../TypeTable.js';

/** `pallet-livestream`: its types, storage, calls and events. */
export function livestreamPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  // One BoundedVec<u8, _> type serves every bound, as the bound is a type parameter without a type.
  const boundedBytes = t.composite(
    'bounded_collections::bounded_vec::BoundedVec',
    [[null, c.bytes, 'Vec<T>']],
    { T: c.u8, S: null },
  );
  const optionBoundedBytes = t.option(boundedBytes);
  const liveRoomStatus = t.variant('pallet_livestream::types::LiveRoomStatus', [
    { name: 'Preparing', index: 0 },
    { name: 'Live', index: 1 },
    { name: 'Paused', index: 2 },
    { name: 'Ended', index: 3 },
    { name: 'Banned', index: 4 },
  ]);
  const liveRoomType = t.variant('pallet_livestream::types::LiveRoomType', [
    { name: 'Normal', index: 0 },
    { name: 'Paid', index: 1 },
    { name: 'Private', index: 2 },
    { name: 'MultiHost', index: 3 },
  ]);
  const liveRoom = t.composite(
    'pallet_livestream::types::LiveRoom',
    [
      ['id', c.u64, 'u64'],
      ['host', c.accountId, 'AccountId'],
      ['title', boundedBytes, 'BoundedVec<u8, MaxTitleLen>'],
      ['description', optionBoundedBytes, 'Option<BoundedVec<u8, MaxDescriptionLen>>'],
      ['room_type', liveRoomType, 'LiveRoomType'],
      ['status', liveRoomStatus, 'LiveRoomStatus'],
      ['cover_cid', optionBoundedBytes, 'Option<BoundedVec<u8, MaxCidLen>>'],
      ['total_viewers', c.u64, 'u64'],
      ['peak_viewers', c.u32, 'u32'],
      ['total_gifts', c.u128, 'Balance'],
      ['ticket_price', c.optionU128, 'Option<Balance>'],
      ['created_at', c.u64, 'u64'],
      ['started_at', c.optionU64, 'Option<u64>'],
      ['ended_at', c.optionU64, 'Option<u64>'],
    ],
    { AccountId: c.accountId, Balance: c.u128, MaxTitleLen: null, MaxDescriptionLen: null, MaxCidLen: null },
  );
  const gift = t.composite(
    'pallet_livestream::types::Gift',
    [
      ['id', c.u32, 'u32'],
      ['name', boundedBytes, 'BoundedVec<u8, MaxGiftNameLen>'],
      ['price', c.u128, 'Balance'],
      ['icon_cid', boundedBytes, 'BoundedVec<u8, MaxCidLen>'],
      ['enabled', c.bool, 'bool'],
    ],
    { Balance: c.u128, MaxGiftNameLen: null, MaxCidLen: null },
  );
  const coHosts = t.composite(
    'bounded_collections::bounded_vec::BoundedVec',
    [[null, c.vecAccount, 'Vec<T>']],
    { T: c.accountId, S: null },
  );
  const palletId = t.composite('frame_support::PalletId', [[null, c.u8x8, '[u8; 8]']]);

  const roomId: FieldSpec = ['room_id', c.u64, 'u64'];
  const who = (name: string): FieldSpec => [name, c.accountId, 'T::AccountId'];
  const balance = (name: string): FieldSpec => [name, c.u128, 'BalanceOf<T>'];
  const events = t.variant(
    'pallet_livestream::pallet::Event',
    [
      {
        name: 'RoomCreated',
        index: 0,
        fields: [who('host'), roomId, ['room_type', liveRoomType, 'LiveRoomType']],
      },
      { name: 'LiveStarted', index: 1, fields: [roomId, ['started_at', c.u32, 'BlockNumberFor<T>']] },
      { name: 'LivePaused', index: 2, fields: [roomId] },
      { name: 'LiveResumed', index: 3, fields: [roomId] },
      {
        name: 'LiveEnded',
        index: 4,
        fields: [
          roomId,
          ['duration', c.u64, 'u64'],
          ['total_viewers', c.u64, 'u64'],
          ['peak_viewers', c.u32, 'u32'],
          balance('total_gifts'),
        ],
      },
      { name: 'RoomUpdated', index: 5, fields: [roomId] },
      { name: 'TicketPurchased', index: 6, fields: [roomId, who('buyer'), balance('price')] },
      {
        name: 'GiftSent',
        index: 7,
        fields: [
          roomId,
          who('sender'),
          who('receiver'),
          ['gift_id', c.u32, 'u32'],
          ['quantity', c.u32, 'u32'],
          balance('value'),
        ],
      },
      { name: 'EarningsWithdrawn', index: 8, fields: [who('host'), balance('amount')] },
      { name: 'ViewerKicked', index: 9, fields: [roomId, who('viewer')] },
      { name: 'ViewerUnbanned', index: 10, fields: [roomId, who('viewer')] },
      { name: 'RoomBanned', index: 11, fields: [roomId, ['reason', c.bytes, 'Vec<u8>']] },
      { name: 'CoHostStarted', index: 12, fields: [roomId, who('co_host')] },
      { name: 'CoHostEnded', index: 13, fields: [roomId, who('co_host')] },
      { name: 'GiftCreated', index: 14, fields: [['gift_id', c.u32, 'u32'], balance('price')] },
      {
        name: 'GiftUpdated',
        index: 15,
        fields: [
          ['gift_id', c.u32, 'u32'],
          ['enabled', c.bool, 'bool'],
        ],
      },
      {
        name: 'LiveStatsSynced',
        index: 16,
        fields: [roomId, ['total_viewers', c.u64, 'u64'], ['peak_viewers', c.u32, 'u32']],
      },
    ],
    { T: null },
  );

  const optBytes = (name: string): FieldSpec => [name, c.optionBytes, 'Option<Vec<u8>>'];
  const calls = t.variant(
    'pallet_livestream::pallet::Call',
    [
      {
        name: 'create_room',
        index: 0,
        fields: [
          ['title', c.bytes, 'Vec<u8>'],
          optBytes('description'),
          ['room_type', liveRoomType, 'LiveRoomType'],
          optBytes('cover_cid'),
          ['ticket_price', c.optionU128, 'Option<BalanceOf<T>>'],
        ],
      },
      { name: 'start_live', index: 1, fields: [roomId] },
      { name: 'pause_live', index: 2, fields: [roomId] },
      { name: 'resume_live', index: 3, fields: [roomId] },
      { name: 'end_live', index: 4, fields: [roomId] },
      {
        name: 'update_room',
        index: 5,
        fields: [roomId, optBytes('title'), optBytes('description'), optBytes('cover_cid')],
      },
      { name: 'buy_ticket', index: 10, fields: [roomId] },
      {
        name: 'send_gift',
        index: 20,
        fields: [roomId, ['gift_id', c.u32, 'u32'], ['quantity', c.u32, 'u32']],
      },
      { name: 'withdraw_earnings', index: 21, fields: [['amount', c.u128, 'BalanceOf<T>']] },
      {
        name: 'sync_live_stats',
        index: 22,
        fields: [roomId, ['total_viewers', c.u64, 'u64'], ['peak_viewers', c.u32, 'u32']],
      },
      { name: 'kick_viewer', index: 30, fields: [roomId, who('viewer')] },
      { name: 'remove_from_blacklist', index: 31, fields: [roomId, who('viewer')] },
      { name: 'ban_room', index: 40, fields: [roomId, ['reason', c.bytes, 'Vec<u8>']] },
      { name: 'start_co_host', index: 50, fields: [roomId, who('co_host')] },
      {
        name: 'end_co_host',
        index: 51,
        fields: [roomId, ['co_host', c.optionAccount, 'Option<T::AccountId>']],
      },
      {
        name: 'create_gift',
        index: 60,
        fields: [
          ['name', c.bytes, 'Vec<u8>'],
          ['price', c.u128, 'BalanceOf<T>'],
          ['icon_cid', c.bytes, 'Vec<u8>'],
        ],
      },
      {
        name: 'update_gift',
        index: 61,
        fields: [
          ['gift_id', c.u32, 'u32'],
          ['enabled', c.bool, 'bool'],
        ],
      },
    ],
    { T: null },
  );

  const B = 'Blake2_128Concat';
  const roomAndAccount = [
    [B, c.u64],
    [B, c.accountId],
  ] as const;
  const L = LIVESTREAM_CONSTANTS;
  return {
    name: 'Livestream',
    index: PALLET_INDEX.Livestream,
    crate: 'pallet_livestream',
    storage: [
      storageItem('Livestream', 'LiveRooms', 'Optional', liveRoom, '0x00', [[B, c.u64]]),
      storageItem('Livestream', 'HostRoom', 'Optional', c.u64, '0x00', [[B, c.accountId]]),
      storageItem('Livestream', 'NextRoomId', 'Default', c.u64, zeroBytes(8)),
      storageItem('Livestream', 'Gifts', 'Optional', gift, '0x00', [[B, c.u32]]),
      storageItem('Livestream', 'NextGiftId', 'Default', c.u32, zeroBytes(4)),
      storageItem('Livestream', 'UserRoomGifts', 'Default', c.u128, zeroBytes(16), roomAndAccount),
      storageItem('Livestream', 'HostEarnings', 'Default', c.u128, zeroBytes(16), [[B, c.accountId]]),
      storageItem('Livestream', 'TicketHolders', 'Optional', c.u64, '0x00', roomAndAccount),
      storageItem('Livestream', 'RoomBlacklist', 'Optional', c.unit, '0x00', roomAndAccount),
      storageItem('Livestream', 'ActiveCoHosts', 'Default', coHosts, '0x00', [[B, c.u64]]),
    ],
    calls,
    events,
    errors: t.unitVariants('pallet_livestream::pallet::Error', MODULE_ERRORS.Livestream, { T: null }),
    constants: [
      { name: 'MaxTitleLen', type: c.u32, value: le(L.MaxTitleLen, 4) },
      { name: 'MaxDescriptionLen', type: c.u32, value: le(L.MaxDescriptionLen, 4) },
      { name: 'MaxCidLen', type: c.u32, value: le(L.MaxCidLen, 4) },
      { name: 'MaxGiftNameLen', type: c.u32, value: le(L.MaxGiftNameLen, 4) },
      { name: 'MaxCoHostsPerRoom', type: c.u32, value: le(L.MaxCoHostsPerRoom, 4) },
      { name: 'PlatformFeePercent', type: c.u8, value: le(L.PlatformFeePercent, 1) },
      { name: 'MinWithdrawAmount', type: c.u128, value: le(L.MinWithdrawAmount, 16) },
      { name: 'RoomDeposit', type: c.u128, value: le(L.RoomDeposit, 16) },
      { name: 'PalletId', type: palletId, value: `0x${Buffer.from(L.PalletId, 'ascii').toString('hex')}` },
    ],
  };
}
