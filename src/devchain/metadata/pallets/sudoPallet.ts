import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { MODULE_ERRORS } from '../palletErrors.js';
import { PALLET_INDEX } from '../runtimeConstants.js';
import { storageItem } from '../storageItem.js';
import type { TypeTable } from '../TypeTable.js';

export function sudoPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  const events = t.variant(
    'pallet_sudo::pallet::Event',
    [
      { name: 'Sudid', index: 0, fields: [['sudo_result', c.dispatchResult, 'DispatchResult']] },
      {
        name: 'KeyChanged',
        index: 1,
        fields: [
          ['old', c.optionAccount, 'Option<T::AccountId>'],
          ['new', c.accountId, 'T::AccountId'],
        ],
      },
      { name: 'KeyRemoved', index: 2 },
      { name: 'SudoAsDone', index: 3, fields: [['sudo_result', c.dispatchResult, 'DispatchResult']] },
    ],
    { T: null },
  );
  const calls = t.variant(
    'pallet_sudo::pallet::Call',
    [
      { name: 'sudo', index: 0, fields: [['call', c.runtimeCall, 'Box<<T as Config>::RuntimeCall>']] },
      { name: 'set_key', index: 2, fields: [['new', c.multiAddress, 'AccountIdLookupOf<T>']] },
    ],
    { T: null },
  );
  return {
    name: 'Sudo',
    index: PALLET_INDEX.Sudo,
    crate: 'pallet_sudo',
    storage: [storageItem('Sudo', 'Key', 'Optional', c.accountId, '0x00')],
    calls,
    events,
    errors: t.unitVariants('pallet_sudo::pallet::Error', MODULE_ERRORS.Sudo, { T: null }),
    constants: [],
  };
}
