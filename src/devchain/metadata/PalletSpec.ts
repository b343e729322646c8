import type { PalletName } from './runtimeConstants.js';
import type { StorageItemDef } from './storageItem.js';

export interface ConstantSpec {
  name: string;
  type: number;
  value: `0x${string}`;
}

/** One pallet of the runtime as the metadata describes it; type ids point into the shared TypeTable. */
export interface PalletSpec {
  name: PalletName;
  index: number;
  /** The crate, for the outer enums' type names (`frame_system` → `frame_system::Event<Runtime>`). */
  crate: string;
  storage: StorageItemDef[];
  calls: number | null;
  events: number | null;
  errors: number | null;
  constants: ConstantSpec[];
}
