import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { FEE_MULTIPLIER_FIXED, OPERATIONAL_FEE_MULTIPLIER, PALLET_INDEX } from '../runtimeConstants.js';
import { le, storageItem } from '../storageItem.js';
import type { TypeTable } from '../TypeTable.js';

/** `Releases::V2`, the storage version the pallet's genesis writes. */
export const TRANSACTION_PAYMENT_STORAGE_VERSION = 'V2';

export function transactionPaymentPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  const fixedU128 = t.composite('sp_arithmetic::fixed_point::FixedU128', [[null, c.u128, 'u128']]);
  const releases = t.unitVariants('pallet_transaction_payment::Releases', ['V1Ancient', 'V2']);
  const events = t.variant(
    'pallet_transaction_payment::pallet::Event',
    [
      {
        name: 'TransactionFeePaid',
        index: 0,
        fields: [
          ['who', c.accountId, 'T::AccountId'],
          ['actual_fee', c.u128, 'BalanceOf<T>'],
          ['tip', c.u128, 'BalanceOf<T>'],
        ],
      },
    ],
    { T: null },
  );
  return {
    name: 'TransactionPayment',
    index: PALLET_INDEX.TransactionPayment,
    crate: 'pallet_transaction_payment',
    storage: [
      storageItem(
        'TransactionPayment',
        'NextFeeMultiplier',
        'Default',
        fixedU128,
        le(FEE_MULTIPLIER_FIXED, 16),
      ),
      storageItem('TransactionPayment', 'StorageVersion', 'Default', releases, '0x00'),
    ],
    calls: null,
    events,
    errors: null,
    constants: [{ name: 'OperationalFeeMultiplier', type: c.u8, value: le(OPERATIONAL_FEE_MULTIPLIER, 1) }],
  };
}
