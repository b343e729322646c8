import { u8aToHex } from '@polkadot/util';
import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { MODULE_ERRORS } from '../palletErrors.js';
import { BLOCK_HASH_COUNT, PALLET_INDEX, SS58_PREFIX } from '../runtimeConstants.js';
import { encodeRuntimeVersion } from '../runtimeVersion.js';
import { le, storageItem, zeroBytes } from '../storageItem.js';
import type { TypeTable } from '../TypeTable.js';

export function systemPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  const events = t.variant(
    'frame_system::pallet::Event',
    [
      { name: 'ExtrinsicSuccess', index: 0, fields: [['dispatch_info', c.dispatchInfo, 'DispatchInfo']] },
      {
        name: 'ExtrinsicFailed',
        index: 1,
        fields: [
          ['dispatch_error', c.dispatchError, 'DispatchError'],
          ['dispatch_info', c.dispatchInfo, 'DispatchInfo'],
        ],
      },
      { name: 'CodeUpdated', index: 2 },
      { name: 'NewAccount', index: 3, fields: [['account', c.accountId, 'T::AccountId']] },
      { name: 'KilledAccount', index: 4, fields: [['account', c.accountId, 'T::AccountId']] },
      {
        name: 'Remarked',
        index: 5,
        fields: [
          ['sender', c.accountId, 'T::AccountId'],
          ['hash', c.h256, 'T::Hash'],
        ],
      },
    ],
    { T: null },
  );
  const calls = t.variant(
    'frame_system::pallet::Call',
    [
      { name: 'remark', index: 0, fields: [['remark', c.bytes, 'Vec<u8>']] },
      { name: 'remark_with_event', index: 7, fields: [['remark', c.bytes, 'Vec<u8>']] },
    ],
    { T: null },
  );
  const B = 'Blake2_128Concat';
  return {
    name: 'System',
    index: PALLET_INDEX.System,
    crate: 'frame_system',
    storage: [
      // `AccountInfo::default()`: zeros, except `ExtraFlags::default()` = IS_NEW_LOGIC (bit 127).
      storageItem('System', 'Account', 'Default', c.accountInfo, `${zeroBytes(79)}80`, [[B, c.accountId]]),
      storageItem('System', 'BlockHash', 'Default', c.h256, zeroBytes(32), [['Twox64Concat', c.u32]]),
      storageItem('System', 'Number', 'Default', c.u32, zeroBytes(4)),
      storageItem('System', 'ParentHash', 'Default', c.h256, zeroBytes(32)),
      storageItem('System', 'Events', 'Default', c.eventRecords, '0x00'),
      storageItem('System', 'EventCount', 'Default', c.u32, zeroBytes(4)),
    ],
    calls,
    events,
    errors: t.unitVariants('frame_system::pallet::Error', MODULE_ERRORS.System, { T: null }),
    constants: [
      { name: 'BlockHashCount', type: c.u32, value: le(BLOCK_HASH_COUNT, 4) },
      { name: 'Version', type: c.runtimeVersion, value: u8aToHex(encodeRuntimeVersion()) },
      { name: 'SS58Prefix', type: c.u16, value: le(SS58_PREFIX, 2) },
    ],
  };
}
