/** The error enums of the runtime's pallets (variant index = position) and `sp_runtime::TokenError`. */
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
