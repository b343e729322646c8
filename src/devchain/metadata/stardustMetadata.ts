/**
 * The Stardust runtime's metadata, as far as this backend and a polkadot.js client touch it:
 * System, Timestamp, Balances, Sudo and Livestream (index 43) with the real pallet's types, storage,
 * calls, events, errors and constants (../shared/reference/pallet-livestream.md).
 *
 * This is the ONE place that describes the runtime's shape. To serve a captured `state_getMetadata`
 * of the real node instead, replace `buildStardustMetadata` and keep the exported names.
 */
import { TypeTable, type VariantSpec } from './TypeTable.js';

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

interface PalletDef {
  name: string;
  index: number;
  storage: StorageItemDef[];
  calls: number | null;
  events: number | null;
  errors: number | null;
  constants: { name: string; type: number; value: `0x${string}` }[];
}

export const PALLET_INDEX = { System: 0, Timestamp: 1, Balances: 4, Sudo: 6, Livestream: 43 } as const;
export type PalletName = keyof typeof PALLET_INDEX;

export const RUNTIME_VERSION = {
  specName: 'stardust',
  implName: 'stardust',
  authoringVersion: 1,
  specVersion: 100,
  implVersion: 1,
  transactionVersion: 1,
  systemVersion: 1,
  stateVersion: 1,
} as const;

/** Runtime APIs the dev chain answers through `state_call` (id = blake2_64 of the name). */
export const RUNTIME_APIS: readonly (readonly [string, number])[] = [
  ['0x37e397fc7c91f5e4', 2], // Metadata
  ['0xbc9d89904f5b923f', 1], // AccountNonceApi
];

export const SIGNED_EXTENSIONS = [
  'CheckNonZeroSender',
  'CheckSpecVersion',
  'CheckTxVersion',
  'CheckGenesis',
  'CheckMortality',
  'CheckNonce',
  'CheckWeight',
  'ChargeTransactionPayment',
  'CheckMetadataHash',
  'WeightReclaim',
] as const;

const LIVESTREAM_ERRORS = [
  'RoomNotFound',
  'NotRoomHost',
  'RoomNotLive',
  'RoomAlreadyLive',
  'RoomEnded',
  'RoomBanned',
  'HostAlreadyHasRoom',
  'GiftNotFound',
  'GiftDisabled',
  'InsufficientBalance',
  'AlreadyHasTicket',
  'TicketRequired',
  'AlreadyInBlacklist',
  'NotInBlacklist',
  'TooManyCoHosts',
  'AlreadyCoHost',
  'NotCoHost',
  'Overflow',
  'NotAuthorized',
  'TitleTooLong',
  'DescriptionTooLong',
  'CidTooLong',
  'GiftNameTooLong',
  'WithdrawAmountTooLow',
  'InsufficientEarnings',
  'InvalidRoomStatus',
  'InvalidTicketPrice',
  'InvalidQuantity',
] as const;

const BALANCES_ERRORS = [
  'VestingBalance',
  'LiquidityRestrictions',
  'InsufficientBalance',
  'ExistentialDeposit',
  'Expendability',
  'ExistingVestingSchedule',
  'DeadAccount',
  'TooManyReserves',
  'TooManyHolds',
  'TooManyFreezes',
  'IssuanceDeactivated',
  'DeltaZero',
] as const;

const SYSTEM_ERRORS = [
  'InvalidSpecName',
  'SpecVersionNeedsToIncrease',
  'FailedToExtractRuntimeVersion',
  'NonDefaultComposite',
  'NonZeroRefCount',
  'CallFiltered',
  'MultiBlockMigrationsOngoing',
] as const;

const SUDO_ERRORS = ['RequireSudo'] as const;

export type ModuleErrorName = {
  System: (typeof SYSTEM_ERRORS)[number];
  Balances: (typeof BALANCES_ERRORS)[number];
  Sudo: (typeof SUDO_ERRORS)[number];
  Livestream: (typeof LIVESTREAM_ERRORS)[number];
};

export const MODULE_ERRORS = {
  System: SYSTEM_ERRORS,
  Balances: BALANCES_ERRORS,
  Sudo: SUDO_ERRORS,
  Livestream: LIVESTREAM_ERRORS,
} as const;

export const TOKEN_ERRORS = [
  'FundsUnavailable',
  'OnlyProvider',
  'BelowMinimum',
  'CannotCreate',
  'UnknownAsset',
  'Frozen',
  'Unsupported',
  'CannotCreateHold',
  'NotExpendable',
  'Blocked',
] as const;
export type TokenErrorName = (typeof TOKEN_ERRORS)[number];

export const UNIT = 1_000_000_000_000n;
export const EXISTENTIAL_DEPOSIT = UNIT / 1000n;
export const BLOCK_HASH_COUNT = 2400;
export const MINIMUM_PERIOD_MS = 3000;
export const SS58_PREFIX = 42;
export const CHAIN_PROPERTIES = { ss58Format: SS58_PREFIX, tokenDecimals: 12, tokenSymbol: 'DUST' } as const;
export const LIVESTREAM_CONSTANTS = {
  MaxTitleLen: 100,
  MaxDescriptionLen: 500,
  MaxCidLen: 64,
  MaxGiftNameLen: 32,
  MaxCoHostsPerRoom: 4,
  PlatformFeePercent: 20,
  MinWithdrawAmount: UNIT,
  RoomDeposit: 10n * UNIT,
  PalletId: 'py/lives',
} as const;

/** Lookup ids the runtime needs to encode values with the registry. */
export interface RuntimeTypeIds {
  accountId: number;
  u32: number;
  u64: number;
  u128: number;
  h256: number;
  accountInfo: number;
  eventRecords: number;
  runtimeEvent: number;
  runtimeCall: number;
  dispatchError: number;
  dispatchInfo: number;
  liveRoom: number;
  gift: number;
  coHosts: number;
  /** The pallet event enum per pallet. */
  palletEvent: Record<'System' | 'Balances' | 'Sudo' | 'Livestream', number>;
}

export interface StardustMetadata {
  /** The `RuntimeMetadataPrefixed` JSON, ready for `new Metadata(registry, json)`. */
  json: { magicNumber: number; metadata: { v14: unknown } };
  storage: Record<string, StorageItemDef>;
  typeIds: RuntimeTypeIds;
}

function le(value: bigint | number, bytes: number): `0x${string}` {
  let v = BigInt(value);
  let hex = '';
  for (let i = 0; i < bytes; i++) {
    hex += (v & 0xffn).toString(16).padStart(2, '0');
    v >>= 8n;
  }
  return `0x${hex}`;
}

const ZERO = (bytes: number): `0x${string}` => `0x${'00'.repeat(bytes)}`;

export function buildStardustMetadata(): StardustMetadata {
  const t = new TypeTable();
  const u8 = t.primitive('U8');
  const u16 = t.primitive('U16');
  const u32 = t.primitive('U32');
  const u64 = t.primitive('U64');
  const u128 = t.primitive('U128');
  const bool = t.primitive('Bool');
  t.primitive('Str');
  const bytes = t.sequence(u8);
  const unit = t.tuple([]);
  const u8x4 = t.array(4, u8);
  const u8x8 = t.array(8, u8);
  const u8x20 = t.array(20, u8);
  const u8x32 = t.array(32, u8);
  const u8x64 = t.array(64, u8);
  const u8x65 = t.array(65, u8);
  const compactU32 = t.compact(u32);
  const compactU64 = t.compact(u64);
  const compactU128 = t.compact(u128);
  const compactUnit = t.compact(unit);

  const accountId = t.composite('sp_core::crypto::AccountId32', [[null, u8x32, '[u8; 32]']]);
  const h256 = t.composite('primitive_types::H256', [[null, u8x32, '[u8; 32]']]);
  const vecH256 = t.sequence(h256);
  const vecAccount = t.sequence(accountId);
  const optionAccount = t.option(accountId);
  const optionBytes = t.option(bytes);
  const optionU128 = t.option(u128);
  const optionU64 = t.option(u64);
  const optionH256 = t.option(u8x32);

  const multiAddress = t.variant(
    'sp_runtime::multiaddress::MultiAddress',
    [
      { name: 'Id', index: 0, fields: [[null, accountId, 'AccountId']] },
      { name: 'Index', index: 1, fields: [[null, compactUnit, 'AccountIndex']] },
      { name: 'Raw', index: 2, fields: [[null, bytes, 'Vec<u8>']] },
      { name: 'Address32', index: 3, fields: [[null, u8x32, '[u8; 32]']] },
      { name: 'Address20', index: 4, fields: [[null, u8x20, '[u8; 20]']] },
    ],
    { AccountId: accountId, AccountIndex: unit },
  );
  const ed25519Sig = t.composite('sp_core::ed25519::Signature', [[null, u8x64, '[u8; 64]']]);
  const sr25519Sig = t.composite('sp_core::sr25519::Signature', [[null, u8x64, '[u8; 64]']]);
  const ecdsaSig = t.composite('sp_core::ecdsa::Signature', [[null, u8x65, '[u8; 65]']]);
  const multiSignature = t.variant('sp_runtime::MultiSignature', [
    { name: 'Ed25519', index: 0, fields: [[null, ed25519Sig]] },
    { name: 'Sr25519', index: 1, fields: [[null, sr25519Sig]] },
    { name: 'Ecdsa', index: 2, fields: [[null, ecdsaSig]] },
  ]);
  const eraVariants: VariantSpec[] = [{ name: 'Immortal', index: 0 }];
  for (let i = 1; i <= 255; i++) eraVariants.push({ name: `Mortal${i}`, index: i, fields: [[null, u8]] });
  const era = t.variant('sp_runtime::generic::era::Era', eraVariants);

  // --- weights, dispatch info, errors -------------------------------------------------------------
  const weight = t.composite('sp_weights::weight_v2::Weight', [
    ['ref_time', compactU64, 'u64'],
    ['proof_size', compactU64, 'u64'],
  ]);
  const dispatchClass = t.variant('frame_support::dispatch::DispatchClass', [
    { name: 'Normal', index: 0 },
    { name: 'Operational', index: 1 },
    { name: 'Mandatory', index: 2 },
  ]);
  const pays = t.variant('frame_support::dispatch::Pays', [
    { name: 'Yes', index: 0 },
    { name: 'No', index: 1 },
  ]);
  const dispatchInfo = t.composite('frame_support::dispatch::DispatchInfo', [
    ['weight', weight, 'Weight'],
    ['class', dispatchClass, 'DispatchClass'],
    ['pays_fee', pays, 'Pays'],
  ]);
  const moduleError = t.composite('sp_runtime::ModuleError', [
    ['index', u8, 'u8'],
    ['error', u8x4, '[u8; MAX_MODULE_ERROR_ENCODED_SIZE]'],
  ]);
  const tokenError = t.variant(
    'sp_runtime::TokenError',
    TOKEN_ERRORS.map((name, index) => ({ name, index })),
  );
  const arithmeticError = t.variant('sp_arithmetic::ArithmeticError', [
    { name: 'Underflow', index: 0 },
    { name: 'Overflow', index: 1 },
    { name: 'DivisionByZero', index: 2 },
  ]);
  const transactionalError = t.variant('sp_runtime::TransactionalError', [
    { name: 'LimitReached', index: 0 },
    { name: 'NoLayer', index: 1 },
  ]);
  const dispatchError = t.variant('sp_runtime::DispatchError', [
    { name: 'Other', index: 0 },
    { name: 'CannotLookup', index: 1 },
    { name: 'BadOrigin', index: 2 },
    { name: 'Module', index: 3, fields: [[null, moduleError, 'ModuleError']] },
    { name: 'ConsumerRemaining', index: 4 },
    { name: 'NoProviders', index: 5 },
    { name: 'TooManyConsumers', index: 6 },
    { name: 'Token', index: 7, fields: [[null, tokenError, 'TokenError']] },
    { name: 'Arithmetic', index: 8, fields: [[null, arithmeticError, 'ArithmeticError']] },
    { name: 'Transactional', index: 9, fields: [[null, transactionalError, 'TransactionalError']] },
    { name: 'Exhausted', index: 10 },
    { name: 'Corruption', index: 11 },
    { name: 'Unavailable', index: 12 },
    { name: 'RootNotAllowed', index: 13 },
  ]);
  const dispatchResult = t.result(unit, dispatchError);
  const balanceStatus = t.variant('frame_support::traits::tokens::misc::BalanceStatus', [
    { name: 'Free', index: 0 },
    { name: 'Reserved', index: 1 },
  ]);

  // --- accounts ----------------------------------------------------------------------------------
  const extraFlags = t.composite('pallet_balances::types::ExtraFlags', [[null, u128, 'u128']]);
  const accountData = t.composite(
    'pallet_balances::types::AccountData',
    [
      ['free', u128, 'Balance'],
      ['reserved', u128, 'Balance'],
      ['frozen', u128, 'Balance'],
      ['flags', extraFlags, 'ExtraFlags'],
    ],
    { Balance: u128 },
  );
  const accountInfo = t.composite(
    'frame_system::AccountInfo',
    [
      ['nonce', u32, 'Nonce'],
      ['consumers', u32, 'RefCount'],
      ['providers', u32, 'RefCount'],
      ['sufficients', u32, 'RefCount'],
      ['data', accountData, 'AccountData'],
    ],
    { Nonce: u32, AccountData: accountData },
  );

  // --- livestream types --------------------------------------------------------------------------
  // One BoundedVec<u8, _> type serves every bound, as the bound is a type parameter without a type.
  const titleVec = t.composite('bounded_collections::bounded_vec::BoundedVec', [[null, bytes, 'Vec<T>']], {
    T: u8,
    S: null,
  });
  const optionBoundedBytes = t.option(titleVec);
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
      ['id', u64, 'u64'],
      ['host', accountId, 'AccountId'],
      ['title', titleVec, 'BoundedVec<u8, MaxTitleLen>'],
      ['description', optionBoundedBytes, 'Option<BoundedVec<u8, MaxDescriptionLen>>'],
      ['room_type', liveRoomType, 'LiveRoomType'],
      ['status', liveRoomStatus, 'LiveRoomStatus'],
      ['cover_cid', optionBoundedBytes, 'Option<BoundedVec<u8, MaxCidLen>>'],
      ['total_viewers', u64, 'u64'],
      ['peak_viewers', u32, 'u32'],
      ['total_gifts', u128, 'Balance'],
      ['ticket_price', optionU128, 'Option<Balance>'],
      ['created_at', u64, 'u64'],
      ['started_at', optionU64, 'Option<u64>'],
      ['ended_at', optionU64, 'Option<u64>'],
    ],
    { AccountId: accountId, Balance: u128, MaxTitleLen: null, MaxDescriptionLen: null, MaxCidLen: null },
  );
  const gift = t.composite(
    'pallet_livestream::types::Gift',
    [
      ['id', u32, 'u32'],
      ['name', titleVec, 'BoundedVec<u8, MaxGiftNameLen>'],
      ['price', u128, 'Balance'],
      ['icon_cid', titleVec, 'BoundedVec<u8, MaxCidLen>'],
      ['enabled', bool, 'bool'],
    ],
    { Balance: u128, MaxGiftNameLen: null, MaxCidLen: null },
  );
  const coHosts = t.composite(
    'bounded_collections::bounded_vec::BoundedVec',
    [[null, vecAccount, 'Vec<T>']],
    {
      T: accountId,
      S: null,
    },
  );
  const palletId = t.composite('frame_support::PalletId', [[null, u8x8, '[u8; 8]']]);

  // --- pallet events -----------------------------------------------------------------------------
  const systemEvent = t.variant(
    'frame_system::pallet::Event',
    [
      { name: 'ExtrinsicSuccess', index: 0, fields: [['dispatch_info', dispatchInfo, 'DispatchInfo']] },
      {
        name: 'ExtrinsicFailed',
        index: 1,
        fields: [
          ['dispatch_error', dispatchError, 'DispatchError'],
          ['dispatch_info', dispatchInfo, 'DispatchInfo'],
        ],
      },
      { name: 'CodeUpdated', index: 2 },
      { name: 'NewAccount', index: 3, fields: [['account', accountId, 'T::AccountId']] },
      { name: 'KilledAccount', index: 4, fields: [['account', accountId, 'T::AccountId']] },
      {
        name: 'Remarked',
        index: 5,
        fields: [
          ['sender', accountId, 'T::AccountId'],
          ['hash', h256, 'T::Hash'],
        ],
      },
    ],
    { T: null },
  );
  const who = (name = 'who'): [string, number, string] => [name, accountId, 'T::AccountId'];
  const amount: [string, number, string] = ['amount', u128, 'T::Balance'];
  const balancesEvent = t.variant(
    'pallet_balances::pallet::Event',
    [
      { name: 'Endowed', index: 0, fields: [who('account'), ['free_balance', u128, 'T::Balance']] },
      { name: 'DustLost', index: 1, fields: [who('account'), amount] },
      { name: 'Transfer', index: 2, fields: [who('from'), who('to'), amount] },
      { name: 'BalanceSet', index: 3, fields: [who(), ['free', u128, 'T::Balance']] },
      { name: 'Reserved', index: 4, fields: [who(), amount] },
      { name: 'Unreserved', index: 5, fields: [who(), amount] },
      {
        name: 'ReserveRepatriated',
        index: 6,
        fields: [who('from'), who('to'), amount, ['destination_status', balanceStatus, 'Status']],
      },
      { name: 'Deposit', index: 7, fields: [who(), amount] },
      { name: 'Withdraw', index: 8, fields: [who(), amount] },
      { name: 'Slashed', index: 9, fields: [who(), amount] },
    ],
    { T: null, I: null },
  );
  const sudoEvent = t.variant(
    'pallet_sudo::pallet::Event',
    [
      { name: 'Sudid', index: 0, fields: [['sudo_result', dispatchResult, 'DispatchResult']] },
      {
        name: 'KeyChanged',
        index: 1,
        fields: [
          ['old', optionAccount, 'Option<T::AccountId>'],
          ['new', accountId, 'T::AccountId'],
        ],
      },
      { name: 'KeyRemoved', index: 2 },
      { name: 'SudoAsDone', index: 3, fields: [['sudo_result', dispatchResult, 'DispatchResult']] },
    ],
    { T: null },
  );
  const roomId: [string, number, string] = ['room_id', u64, 'u64'];
  const balance = (name: string): [string, number, string] => [name, u128, 'BalanceOf<T>'];
  const livestreamEvent = t.variant(
    'pallet_livestream::pallet::Event',
    [
      {
        name: 'RoomCreated',
        index: 0,
        fields: [who('host'), roomId, ['room_type', liveRoomType, 'LiveRoomType']],
      },
      { name: 'LiveStarted', index: 1, fields: [roomId, ['started_at', u32, 'BlockNumberFor<T>']] },
      { name: 'LivePaused', index: 2, fields: [roomId] },
      { name: 'LiveResumed', index: 3, fields: [roomId] },
      {
        name: 'LiveEnded',
        index: 4,
        fields: [
          roomId,
          ['duration', u64, 'u64'],
          ['total_viewers', u64, 'u64'],
          ['peak_viewers', u32, 'u32'],
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
          ['gift_id', u32, 'u32'],
          ['quantity', u32, 'u32'],
          balance('value'),
        ],
      },
      { name: 'EarningsWithdrawn', index: 8, fields: [who('host'), balance('amount')] },
      { name: 'ViewerKicked', index: 9, fields: [roomId, who('viewer')] },
      { name: 'ViewerUnbanned', index: 10, fields: [roomId, who('viewer')] },
      { name: 'RoomBanned', index: 11, fields: [roomId, ['reason', bytes, 'Vec<u8>']] },
      { name: 'CoHostStarted', index: 12, fields: [roomId, who('co_host')] },
      { name: 'CoHostEnded', index: 13, fields: [roomId, who('co_host')] },
      { name: 'GiftCreated', index: 14, fields: [['gift_id', u32, 'u32'], balance('price')] },
      {
        name: 'GiftUpdated',
        index: 15,
        fields: [
          ['gift_id', u32, 'u32'],
          ['enabled', bool, 'bool'],
        ],
      },
      {
        name: 'LiveStatsSynced',
        index: 16,
        fields: [roomId, ['total_viewers', u64, 'u64'], ['peak_viewers', u32, 'u32']],
      },
    ],
    { T: null },
  );
  const runtimeEvent = t.variant('stardust_runtime::RuntimeEvent', [
    {
      name: 'System',
      index: PALLET_INDEX.System,
      fields: [[null, systemEvent, 'frame_system::Event<Runtime>']],
    },
    {
      name: 'Balances',
      index: PALLET_INDEX.Balances,
      fields: [[null, balancesEvent, 'pallet_balances::Event<Runtime>']],
    },
    { name: 'Sudo', index: PALLET_INDEX.Sudo, fields: [[null, sudoEvent, 'pallet_sudo::Event<Runtime>']] },
    {
      name: 'Livestream',
      index: PALLET_INDEX.Livestream,
      fields: [[null, livestreamEvent, 'pallet_livestream::Event<Runtime>']],
    },
  ]);
  const phase = t.variant('frame_system::Phase', [
    { name: 'ApplyExtrinsic', index: 0, fields: [[null, u32, 'u32']] },
    { name: 'Finalization', index: 1 },
    { name: 'Initialization', index: 2 },
  ]);
  const eventRecord = t.composite(
    'frame_system::EventRecord',
    [
      ['phase', phase, 'Phase'],
      ['event', runtimeEvent, 'E'],
      ['topics', vecH256, 'Vec<T>'],
    ],
    { E: runtimeEvent, T: h256 },
  );
  const eventRecords = t.sequence(eventRecord);

  // --- calls (RuntimeCall is recursive through Sudo) ----------------------------------------------
  const runtimeCall = t.reserve();
  const systemCall = t.variant(
    'frame_system::pallet::Call',
    [
      { name: 'remark', index: 0, fields: [['remark', bytes, 'Vec<u8>']] },
      { name: 'remark_with_event', index: 7, fields: [['remark', bytes, 'Vec<u8>']] },
    ],
    { T: null },
  );
  const timestampCall = t.variant(
    'pallet_timestamp::pallet::Call',
    [{ name: 'set', index: 0, fields: [['now', compactU64, 'T::Moment']] }],
    {
      T: null,
    },
  );
  const dest: [string, number, string] = ['dest', multiAddress, 'AccountIdLookupOf<T>'];
  const value: [string, number, string] = ['value', compactU128, 'T::Balance'];
  const balancesCall = t.variant(
    'pallet_balances::pallet::Call',
    [
      { name: 'transfer_allow_death', index: 0, fields: [dest, value] },
      { name: 'transfer_keep_alive', index: 3, fields: [dest, value] },
    ],
    { T: null, I: null },
  );
  const boxedCall: [string, number, string] = ['call', runtimeCall, 'Box<<T as Config>::RuntimeCall>'];
  const sudoCall = t.variant(
    'pallet_sudo::pallet::Call',
    [
      { name: 'sudo', index: 0, fields: [boxedCall] },
      { name: 'set_key', index: 2, fields: [['new', multiAddress, 'AccountIdLookupOf<T>']] },
    ],
    { T: null },
  );
  const optBytes = (name: string): [string, number, string] => [name, optionBytes, 'Option<Vec<u8>>'];
  const roomIdArg: [string, number, string] = ['room_id', u64, 'u64'];
  const account = (name: string): [string, number, string] => [name, accountId, 'T::AccountId'];
  const livestreamCall = t.variant(
    'pallet_livestream::pallet::Call',
    [
      {
        name: 'create_room',
        index: 0,
        fields: [
          ['title', bytes, 'Vec<u8>'],
          optBytes('description'),
          ['room_type', liveRoomType, 'LiveRoomType'],
          optBytes('cover_cid'),
          ['ticket_price', optionU128, 'Option<BalanceOf<T>>'],
        ],
      },
      { name: 'start_live', index: 1, fields: [roomIdArg] },
      { name: 'pause_live', index: 2, fields: [roomIdArg] },
      { name: 'resume_live', index: 3, fields: [roomIdArg] },
      { name: 'end_live', index: 4, fields: [roomIdArg] },
      {
        name: 'update_room',
        index: 5,
        fields: [roomIdArg, optBytes('title'), optBytes('description'), optBytes('cover_cid')],
      },
      { name: 'buy_ticket', index: 10, fields: [roomIdArg] },
      {
        name: 'send_gift',
        index: 20,
        fields: [roomIdArg, ['gift_id', u32, 'u32'], ['quantity', u32, 'u32']],
      },
      { name: 'withdraw_earnings', index: 21, fields: [['amount', u128, 'BalanceOf<T>']] },
      {
        name: 'sync_live_stats',
        index: 22,
        fields: [roomIdArg, ['total_viewers', u64, 'u64'], ['peak_viewers', u32, 'u32']],
      },
      { name: 'kick_viewer', index: 30, fields: [roomIdArg, account('viewer')] },
      { name: 'remove_from_blacklist', index: 31, fields: [roomIdArg, account('viewer')] },
      { name: 'ban_room', index: 40, fields: [roomIdArg, ['reason', bytes, 'Vec<u8>']] },
      { name: 'start_co_host', index: 50, fields: [roomIdArg, account('co_host')] },
      {
        name: 'end_co_host',
        index: 51,
        fields: [roomIdArg, ['co_host', optionAccount, 'Option<T::AccountId>']],
      },
      {
        name: 'create_gift',
        index: 60,
        fields: [
          ['name', bytes, 'Vec<u8>'],
          ['price', u128, 'BalanceOf<T>'],
          ['icon_cid', bytes, 'Vec<u8>'],
        ],
      },
      {
        name: 'update_gift',
        index: 61,
        fields: [
          ['gift_id', u32, 'u32'],
          ['enabled', bool, 'bool'],
        ],
      },
    ],
    { T: null },
  );
  t.fillVariant(runtimeCall, 'stardust_runtime::RuntimeCall', [
    {
      name: 'System',
      index: PALLET_INDEX.System,
      fields: [
        [
          null,
          systemCall,
          'self::sp_api_hidden_includes_construct_runtime::hidden_include::dispatch::CallableCallFor<System, Runtime>',
        ],
      ],
    },
    { name: 'Timestamp', index: PALLET_INDEX.Timestamp, fields: [[null, timestampCall]] },
    { name: 'Balances', index: PALLET_INDEX.Balances, fields: [[null, balancesCall]] },
    { name: 'Sudo', index: PALLET_INDEX.Sudo, fields: [[null, sudoCall]] },
    { name: 'Livestream', index: PALLET_INDEX.Livestream, fields: [[null, livestreamCall]] },
  ]);

  // --- errors ------------------------------------------------------------------------------------
  const errorEnum = (path: string, names: readonly string[]) =>
    t.variant(
      path,
      names.map((name, index) => ({ name, index })),
      { T: null },
    );
  const systemError = errorEnum('frame_system::pallet::Error', SYSTEM_ERRORS);
  const balancesError = errorEnum('pallet_balances::pallet::Error', BALANCES_ERRORS);
  const sudoError = errorEnum('pallet_sudo::pallet::Error', SUDO_ERRORS);
  const livestreamError = errorEnum('pallet_livestream::pallet::Error', LIVESTREAM_ERRORS);

  // --- signed extensions and the extrinsic type ----------------------------------------------------
  const ext = (path: string, fields: [string | null, number, string?][] = []) =>
    t.composite(path, fields, { T: null });
  const checkMetadataMode = t.variant('frame_metadata_hash_extension::Mode', [
    { name: 'Disabled', index: 0 },
    { name: 'Enabled', index: 1 },
  ]);
  const signedExtensions = [
    {
      identifier: 'CheckNonZeroSender',
      type: ext('frame_system::extensions::check_non_zero_sender::CheckNonZeroSender'),
      additionalSigned: unit,
    },
    {
      identifier: 'CheckSpecVersion',
      type: ext('frame_system::extensions::check_spec_version::CheckSpecVersion'),
      additionalSigned: u32,
    },
    {
      identifier: 'CheckTxVersion',
      type: ext('frame_system::extensions::check_tx_version::CheckTxVersion'),
      additionalSigned: u32,
    },
    {
      identifier: 'CheckGenesis',
      type: ext('frame_system::extensions::check_genesis::CheckGenesis'),
      additionalSigned: h256,
    },
    {
      identifier: 'CheckMortality',
      type: ext('frame_system::extensions::check_mortality::CheckMortality', [[null, era, 'Era']]),
      additionalSigned: h256,
    },
    {
      identifier: 'CheckNonce',
      type: ext('frame_system::extensions::check_nonce::CheckNonce', [[null, compactU32, 'T::Nonce']]),
      additionalSigned: unit,
    },
    {
      identifier: 'CheckWeight',
      type: ext('frame_system::extensions::check_weight::CheckWeight'),
      additionalSigned: unit,
    },
    {
      identifier: 'ChargeTransactionPayment',
      type: ext('pallet_transaction_payment::ChargeTransactionPayment', [
        [null, compactU128, 'BalanceOf<T>'],
      ]),
      additionalSigned: unit,
    },
    {
      identifier: 'CheckMetadataHash',
      type: ext('frame_metadata_hash_extension::CheckMetadataHash', [['mode', checkMetadataMode, 'Mode']]),
      additionalSigned: optionH256,
    },
    {
      identifier: 'WeightReclaim',
      type: ext('frame_system::extensions::weight_reclaim::WeightReclaim'),
      additionalSigned: unit,
    },
  ];
  const extra = t.tuple(signedExtensions.map((e) => e.type));
  const uncheckedExtrinsic = t.composite(
    'sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic',
    [[null, bytes]],
    {
      Address: multiAddress,
      Call: runtimeCall,
      Signature: multiSignature,
      Extra: extra,
    },
  );
  const runtime = t.composite('stardust_runtime::Runtime', []);

  // --- storage -----------------------------------------------------------------------------------
  const storage: Record<string, StorageItemDef> = {};
  const item = (
    pallet: PalletName,
    name: string,
    modifier: 'Optional' | 'Default',
    valueType: number,
    fallback: `0x${string}`,
    keyed: [Hasher, number][] = [],
  ): StorageItemDef => {
    const def: StorageItemDef = {
      pallet,
      name,
      modifier,
      hashers: keyed.map(([h]) => h),
      keys: keyed.map(([, k]) => k),
      value: valueType,
      fallback,
    };
    storage[`${pallet}.${name}`] = def;
    return def;
  };
  const B = 'Blake2_128Concat' as const;
  const systemStorage = [
    // `AccountInfo::default()`: zeros, except `ExtraFlags::default()` = IS_NEW_LOGIC (bit 127).
    item('System', 'Account', 'Default', accountInfo, `${ZERO(79)}80`, [[B, accountId]]),
    item('System', 'BlockHash', 'Default', h256, ZERO(32), [['Twox64Concat', u32]]),
    item('System', 'Number', 'Default', u32, ZERO(4)),
    item('System', 'ParentHash', 'Default', h256, ZERO(32)),
    item('System', 'Events', 'Default', eventRecords, '0x00'),
    item('System', 'EventCount', 'Default', u32, ZERO(4)),
  ];
  const timestampStorage = [item('Timestamp', 'Now', 'Default', u64, ZERO(8))];
  const balancesStorage = [item('Balances', 'TotalIssuance', 'Default', u128, ZERO(16))];
  const sudoStorage = [item('Sudo', 'Key', 'Optional', accountId, '0x00')];
  const livestreamStorage = [
    item('Livestream', 'LiveRooms', 'Optional', liveRoom, '0x00', [[B, u64]]),
    item('Livestream', 'HostRoom', 'Optional', u64, '0x00', [[B, accountId]]),
    item('Livestream', 'NextRoomId', 'Default', u64, ZERO(8)),
    item('Livestream', 'Gifts', 'Optional', gift, '0x00', [[B, u32]]),
    item('Livestream', 'NextGiftId', 'Default', u32, ZERO(4)),
    item('Livestream', 'UserRoomGifts', 'Default', u128, ZERO(16), [
      [B, u64],
      [B, accountId],
    ]),
    item('Livestream', 'HostEarnings', 'Default', u128, ZERO(16), [[B, accountId]]),
    item('Livestream', 'TicketHolders', 'Optional', u64, '0x00', [
      [B, u64],
      [B, accountId],
    ]),
    item('Livestream', 'RoomBlacklist', 'Optional', unit, '0x00', [
      [B, u64],
      [B, accountId],
    ]),
    item('Livestream', 'ActiveCoHosts', 'Default', coHosts, '0x00', [[B, u64]]),
  ];

  const palletIdBytes = Buffer.from(LIVESTREAM_CONSTANTS.PalletId, 'ascii').toString('hex');
  const pallets: PalletDef[] = [
    {
      name: 'System',
      index: PALLET_INDEX.System,
      storage: systemStorage,
      calls: systemCall,
      events: systemEvent,
      errors: systemError,
      constants: [
        { name: 'BlockHashCount', type: u32, value: le(BLOCK_HASH_COUNT, 4) },
        { name: 'SS58Prefix', type: u16, value: le(SS58_PREFIX, 2) },
      ],
    },
    {
      name: 'Timestamp',
      index: PALLET_INDEX.Timestamp,
      storage: timestampStorage,
      calls: timestampCall,
      events: null,
      errors: null,
      constants: [{ name: 'MinimumPeriod', type: u64, value: le(MINIMUM_PERIOD_MS, 8) }],
    },
    {
      name: 'Balances',
      index: PALLET_INDEX.Balances,
      storage: balancesStorage,
      calls: balancesCall,
      events: balancesEvent,
      errors: balancesError,
      constants: [{ name: 'ExistentialDeposit', type: u128, value: le(EXISTENTIAL_DEPOSIT, 16) }],
    },
    {
      name: 'Sudo',
      index: PALLET_INDEX.Sudo,
      storage: sudoStorage,
      calls: sudoCall,
      events: sudoEvent,
      errors: sudoError,
      constants: [],
    },
    {
      name: 'Livestream',
      index: PALLET_INDEX.Livestream,
      storage: livestreamStorage,
      calls: livestreamCall,
      events: livestreamEvent,
      errors: livestreamError,
      constants: [
        { name: 'MaxTitleLen', type: u32, value: le(LIVESTREAM_CONSTANTS.MaxTitleLen, 4) },
        { name: 'MaxDescriptionLen', type: u32, value: le(LIVESTREAM_CONSTANTS.MaxDescriptionLen, 4) },
        { name: 'MaxCidLen', type: u32, value: le(LIVESTREAM_CONSTANTS.MaxCidLen, 4) },
        { name: 'MaxGiftNameLen', type: u32, value: le(LIVESTREAM_CONSTANTS.MaxGiftNameLen, 4) },
        { name: 'MaxCoHostsPerRoom', type: u32, value: le(LIVESTREAM_CONSTANTS.MaxCoHostsPerRoom, 4) },
        { name: 'PlatformFeePercent', type: u8, value: le(LIVESTREAM_CONSTANTS.PlatformFeePercent, 1) },
        { name: 'MinWithdrawAmount', type: u128, value: le(LIVESTREAM_CONSTANTS.MinWithdrawAmount, 16) },
        { name: 'RoomDeposit', type: u128, value: le(LIVESTREAM_CONSTANTS.RoomDeposit, 16) },
        { name: 'PalletId', type: palletId, value: `0x${palletIdBytes}` },
      ],
    },
  ];

  const v14 = {
    lookup: { types: t.types },
    pallets: pallets.map((p) => ({
      name: p.name,
      index: p.index,
      storage: p.storage.length
        ? {
            prefix: p.name,
            items: p.storage.map((s) => ({
              name: s.name,
              modifier: s.modifier,
              type:
                s.keys.length === 0
                  ? { Plain: s.value }
                  : {
                      Map: {
                        hashers: s.hashers,
                        key: s.keys.length === 1 ? s.keys[0] : t.tuple(s.keys),
                        value: s.value,
                      },
                    },
              fallback: s.fallback,
              docs: [],
            })),
          }
        : null,
      calls: p.calls === null ? null : { type: p.calls },
      events: p.events === null ? null : { type: p.events },
      constants: p.constants.map((c) => ({ ...c, docs: [] })),
      errors: p.errors === null ? null : { type: p.errors },
    })),
    extrinsic: { type: uncheckedExtrinsic, version: 4, signedExtensions },
    type: runtime,
  };

  return {
    json: { magicNumber: 0x6174656d, metadata: { v14 } },
    storage,
    typeIds: {
      accountId,
      u32,
      u64,
      u128,
      h256,
      accountInfo,
      eventRecords,
      runtimeEvent,
      runtimeCall,
      dispatchError,
      dispatchInfo,
      liveRoom,
      gift,
      coHosts,
      palletEvent: {
        System: systemEvent,
        Balances: balancesEvent,
        Sudo: sudoEvent,
        Livestream: livestreamEvent,
      },
    },
  };
}
