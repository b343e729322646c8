import { TOKEN_ERRORS } from './palletErrors.js';
import type { FieldSpec, TypeTable, VariantSpec } from './TypeTable.js';

/** Type ids shared by several pallets: primitives, accounts, dispatch results and the outer enums. */
export interface CommonTypes {
  u8: number;
  u16: number;
  u32: number;
  u64: number;
  u128: number;
  bool: number;
  bytes: number;
  unit: number;
  u8x8: number;
  u8x32: number;
  compactU32: number;
  compactU64: number;
  compactU128: number;
  accountId: number;
  h256: number;
  vecAccount: number;
  optionAccount: number;
  optionBytes: number;
  optionU128: number;
  optionU64: number;
  /** `Option<[u8; 32]>` (CheckMetadataHash's signed payload). */
  optionHash: number;
  multiAddress: number;
  multiSignature: number;
  era: number;
  weight: number;
  dispatchClass: number;
  dispatchInfo: number;
  dispatchError: number;
  dispatchResult: number;
  balanceStatus: number;
  accountInfo: number;
  /** `sp_version::RuntimeVersion` (System.Version, Core_version). */
  runtimeVersion: number;
  header: number;
  /** Reserved: filled with one variant per pallet once every pallet is built. */
  runtimeCall: number;
  /** Reserved: filled with one variant per pallet once every pallet is built. */
  runtimeEvent: number;
  eventRecords: number;
}

export function buildCommonTypes(t: TypeTable): CommonTypes {
  const u8 = t.primitive('U8');
  const u16 = t.primitive('U16');
  const u32 = t.primitive('U32');
  const u64 = t.primitive('U64');
  const u128 = t.primitive('U128');
  const bool = t.primitive('Bool');
  const str = t.primitive('Str');
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
  const optionHash = t.option(u8x32);

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

  const runtimeVersion = t.composite('sp_version::RuntimeVersion', [
    ['spec_name', str, "Cow<'static, str>"],
    ['impl_name', str, "Cow<'static, str>"],
    ['authoring_version', u32, 'u32'],
    ['spec_version', u32, 'u32'],
    ['impl_version', u32, 'u32'],
    ['apis', t.sequence(t.tuple([u8x8, u32])), 'ApisVec'],
    ['transaction_version', u32, 'u32'],
    ['system_version', u8, 'u8'],
  ]);
  // PreRuntime, Consensus and Seal all carry an engine id (e.g. `*b"aura"`) and its payload.
  const engineData: readonly FieldSpec[] = [
    [null, u8x4, 'ConsensusEngineId'],
    [null, bytes, 'Vec<u8>'],
  ];
  const digestItem = t.variant('sp_runtime::generic::digest::DigestItem', [
    { name: 'PreRuntime', index: 6, fields: engineData },
    { name: 'Consensus', index: 4, fields: engineData },
    { name: 'Seal', index: 5, fields: engineData },
    { name: 'Other', index: 0, fields: [[null, bytes, 'Vec<u8>']] },
    { name: 'RuntimeEnvironmentUpdated', index: 8 },
  ]);
  const digest = t.composite('sp_runtime::generic::digest::Digest', [
    ['logs', t.sequence(digestItem), 'Vec<DigestItem>'],
  ]);
  const header = t.composite(
    'sp_runtime::generic::header::Header',
    [
      ['parent_hash', h256, 'Hash::Output'],
      ['number', compactU32, 'Number'],
      ['state_root', h256, 'Hash::Output'],
      ['extrinsics_root', h256, 'Hash::Output'],
      ['digest', digest, 'Digest'],
    ],
    { Number: u32, Hash: null },
  );

  // RuntimeCall is recursive (Sudo holds a boxed RuntimeCall) and both outer enums list every
  // pallet: reserved here, filled when the pallets exist.
  const runtimeCall = t.reserve();
  const runtimeEvent = t.reserve();
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

  return {
    u8,
    u16,
    u32,
    u64,
    u128,
    bool,
    bytes,
    unit,
    u8x8,
    u8x32,
    compactU32,
    compactU64,
    compactU128,
    accountId,
    h256,
    vecAccount,
    optionAccount,
    optionBytes,
    optionU128,
    optionU64,
    optionHash,
    multiAddress,
    multiSignature,
    era,
    weight,
    dispatchClass,
    dispatchInfo,
    dispatchError,
    dispatchResult,
    balanceStatus,
    accountInfo,
    runtimeVersion,
    header,
    runtimeCall,
    runtimeEvent,
    eventRecords,
  };
}
