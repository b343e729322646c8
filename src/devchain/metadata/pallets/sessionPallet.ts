import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { PALLET_INDEX } from '../runtimeConstants.js';
import { storageItem, zeroBytes } from '../storageItem.js';

/**
 * `pallet_session`, only its validator set and session index: polkadot.js's
 * `derive.chain.getHeader` and Sidecar's `authorId` map the Aura slot to an author through
 * `Session.Validators` (slot modulo their count), so without it they name no author.
 * Sessions never rotate here; no keys, calls, events or errors.
 */
export function sessionPallet(c: CommonTypes): PalletSpec {
  return {
    name: 'Session',
    index: PALLET_INDEX.Session,
    crate: 'pallet_session',
    storage: [
      storageItem('Session', 'Validators', 'Default', c.vecAccount, zeroBytes(1)),
      storageItem('Session', 'CurrentIndex', 'Default', c.u32, zeroBytes(4)),
    ],
    calls: null,
    events: null,
    errors: null,
    constants: [],
  };
}
