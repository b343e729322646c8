import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { MODULE_ERRORS } from '../palletErrors.js';
import { EXISTENTIAL_DEPOSIT, PALLET_INDEX } from '../runtimeConstants.js';
import { le, storageItem, zeroBytes } from '../storageItem.js';
import type { FieldSpec, TypeTable } from '../TypeTable.js';

export function balancesPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  const who = (name = 'who'): FieldSpec => [name, c.accountId, 'T::AccountId'];
  const amount: FieldSpec = ['amount', c.u128, 'T::Balance'];
  const events = t.variant(
    'pallet_balances::pallet::Event',
    [
      { name: 'Endowed', index: 0, fields: [who('account'), ['free_balance', c.u128, 'T::Balance']] },
      { name: 'DustLost', index: 1, fields: [who('account'), amount] },
      { name: 'Transfer', index: 2, fields: [who('from'), who('to'), amount] },
      { name: 'BalanceSet', index: 3, fields: [who(), ['free', c.u128, 'T::Balance']] },
      { name: 'Reserved', index: 4, fields: [who(), amount] },
      { name: 'Unreserved', index: 5, fields: [who(), amount] },
      {
        name: 'ReserveRepatriated',
        index: 6,
        fields: [who('from'), who('to'), amount, ['destination_status', c.balanceStatus, 'Status']],
      },
      { name: 'Deposit', index: 7, fields: [who(), amount] },
      { name: 'Withdraw', index: 8, fields: [who(), amount] },
      { name: 'Slashed', index: 9, fields: [who(), amount] },
    ],
    { T: null, I: null },
  );
  const dest: FieldSpec = ['dest', c.multiAddress, 'AccountIdLookupOf<T>'];
  const value: FieldSpec = ['value', c.compactU128, 'T::Balance'];
  const calls = t.variant(
    'pallet_balances::pallet::Call',
    [
      { name: 'transfer_allow_death', index: 0, fields: [dest, value] },
      { name: 'transfer_keep_alive', index: 3, fields: [dest, value] },
    ],
    { T: null, I: null },
  );
  const amountField: FieldSpec = ['amount', c.u128, 'Balance'];
  const reasons = t.unitVariants('pallet_balances::types::Reasons', ['Fee', 'Misc', 'All']);
  const balanceLock = t.composite(
    'pallet_balances::types::BalanceLock',
    [['id', c.u8x8, 'LockIdentifier'], amountField, ['reasons', reasons, 'Reasons']],
    { Balance: c.u128 },
  );
  const reserveData = t.composite(
    'pallet_balances::types::ReserveData',
    [['id', c.u8x8, 'ReserveIdentifier'], amountField],
    { ReserveIdentifier: c.u8x8, Balance: c.u128 },
  );
  // This runtime's pallets hold and freeze nothing: the reasons are enums without variants.
  const idAmount = (reason: number) =>
    t.composite('frame_support::traits::tokens::misc::IdAmount', [['id', reason, 'Id'], amountField], {
      Id: reason,
      Balance: c.u128,
    });
  const holdReason = t.variant('stardust_runtime::RuntimeHoldReason', []);
  const freezeReason = t.variant('stardust_runtime::RuntimeFreezeReason', []);
  /** A per-account list that is empty (`0x00`) by default, as the pallet's `ValueQuery` vectors. */
  const perAccountList = (name: string, element: number) =>
    storageItem('Balances', name, 'Default', t.sequence(element), zeroBytes(1), [
      ['Blake2_128Concat', c.accountId],
    ]);
  return {
    name: 'Balances',
    index: PALLET_INDEX.Balances,
    crate: 'pallet_balances',
    storage: [
      storageItem('Balances', 'TotalIssuance', 'Default', c.u128, zeroBytes(16)),
      storageItem('Balances', 'InactiveIssuance', 'Default', c.u128, zeroBytes(16)),
      perAccountList('Locks', balanceLock),
      perAccountList('Reserves', reserveData),
      perAccountList('Holds', idAmount(holdReason)),
      perAccountList('Freezes', idAmount(freezeReason)),
    ],
    calls,
    events,
    errors: t.unitVariants('pallet_balances::pallet::Error', MODULE_ERRORS.Balances, { T: null }),
    constants: [{ name: 'ExistentialDeposit', type: c.u128, value: le(EXISTENTIAL_DEPOSIT, 16) }],
  };
}
