import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { MINIMUM_PERIOD_MS, PALLET_INDEX } from '../runtimeConstants.js';
import { le, storageItem, zeroBytes } from '../storageItem.js';
import type { TypeTable } from '../TypeTable.js';

export function timestampPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  return {
    name: 'Timestamp',
    index: PALLET_INDEX.Timestamp,
    crate: 'pallet_timestamp',
    storage: [storageItem('Timestamp', 'Now', 'Default', c.u64, zeroBytes(8))],
    calls: t.variant(
      'pallet_timestamp::pallet::Call',
      [{ name: 'set', index: 0, fields: [['now', c.compactU64, 'T::Moment']] }],
      { T: null },
    ),
    events: null,
    errors: null,
    constants: [{ name: 'MinimumPeriod', type: c.u64, value: le(MINIMUM_PERIOD_MS, 8) }],
  };
}
