import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { PALLET_INDEX, SLOT_DURATION_MS } from '../runtimeConstants.js';
import { le, storageItem, zeroBytes } from '../storageItem.js';
import type { TypeTable } from '../TypeTable.js';

/** `pallet_aura`: the block authors (sr25519) and the current slot; no calls, events or errors. */
export function auraPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  const sr25519Public = t.composite('sp_core::sr25519::Public', [[null, c.u8x32, '[u8; 32]']]);
  const authorityId = t.composite('sp_consensus_aura::sr25519::app_sr25519::Public', [
    [null, sr25519Public, 'sr25519::Public'],
  ]);
  const slot = t.composite('sp_consensus_slots::Slot', [[null, c.u64, 'u64']]);
  return {
    name: 'Aura',
    index: PALLET_INDEX.Aura,
    crate: 'pallet_aura',
    storage: [
      storageItem('Aura', 'Authorities', 'Default', t.sequence(authorityId), zeroBytes(1)),
      storageItem('Aura', 'CurrentSlot', 'Default', slot, zeroBytes(8)),
    ],
    calls: null,
    events: null,
    errors: null,
    constants: [{ name: 'SlotDuration', type: c.u64, value: le(SLOT_DURATION_MS, 8) }],
  };
}
