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
  return {
    name: 'Balances',
    index: PALLET_INDEX.Balances,
    crate: 'pallet_balances',
    storage: [storageItem('Balances', 'TotalIssuance', 'Default', c.u128, zeroBytes(16))],
    calls,
    events,
    errors: t.unitVariants('pallet_balances::pallet::Error', MODULE_ERRORS.Balances, { T: null }),
    constants: [{ name: 'ExistentialDeposit', type: c.u128, value: le(EXISTENTIAL_DEPOSIT, 16) }],
  };
}
