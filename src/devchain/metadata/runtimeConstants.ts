import { blake2AsHex } from '@polkadot/util-crypto';

/** The Stardust runtime's version, pallet indices and currency constants (the dev preset's values). */
export const PALLET_INDEX = {
  System: 0,
  Timestamp: 1,
  Aura: 2,
  Grandpa: 3,
  Balances: 4,
  TransactionPayment: 5,
  Sudo: 6,
  /** The dev chain's own choice (see sessionPallet): the first index after Sudo. */
  Session: 7,
  Livestream: 43,
} as const;
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

/** Runtime APIs the dev chain answers through `state_call`, with their versions. */
export const RUNTIME_API_VERSIONS = {
  Core: 5,
  Metadata: 2,
  BlockBuilder: 6,
  TaggedTransactionQueue: 3,
  AccountNonceApi: 1,
  TransactionPaymentApi: 4,
} as const;
export type RuntimeApiName = keyof typeof RUNTIME_API_VERSIONS;

/** `RuntimeVersion.apis`: `[blake2_64(name), version]`. */
export const RUNTIME_APIS: readonly (readonly [string, number])[] = Object.entries(RUNTIME_API_VERSIONS).map(
  ([name, version]) => [blake2AsHex(name, 64), version] as const,
);

export const UNIT = 1_000_000_000_000n;
export const EXISTENTIAL_DEPOSIT = UNIT / 1000n;
/** `OperationalFeeMultiplier`: only raises operational transactions' priority. */
export const OPERATIONAL_FEE_MULTIPLIER = 5;
/** `ConstFeeMultiplier<Multiplier::one()>`, as a FixedU128 (18 decimals). */
export const FEE_MULTIPLIER_FIXED = 10n ** 18n;
export const BLOCK_HASH_COUNT = 2400;
export const MINIMUM_PERIOD_MS = 3000;
/** Aura's slot (the real chain's block time); a slot is the block timestamp divided by it. */
export const SLOT_DURATION_MS = 2 * MINIMUM_PERIOD_MS;
export const GRANDPA_MAX_AUTHORITIES = 32;
/** `*b"aura"`: the engine id of Aura's PreRuntime digest. */
export const AURA_ENGINE_ID = '0x61757261';
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
