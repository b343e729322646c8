import type { CommonTypes } from '../commonTypes.js';
import type { PalletSpec } from '../PalletSpec.js';
import { GRANDPA_MAX_AUTHORITIES, PALLET_INDEX } from '../runtimeConstants.js';
import { le, storageItem, zeroBytes } from '../storageItem.js';
import type { TypeTable } from '../TypeTable.js';

const GRANDPA_ERRORS = [
  'PauseFailed',
  'ResumeFailed',
  'ChangePending',
  'TooSoon',
  'InvalidKeyOwnershipProof',
  'InvalidEquivocationProof',
  'DuplicateOffenceReport',
] as const;

/**
 * `pallet_grandpa`: the finality authorities (ed25519, weighted) and the set id. Its calls report
 * equivocations, which a one-authority dev chain never has: none are listed.
 */
export function grandpaPallet(t: TypeTable, c: CommonTypes): PalletSpec {
  const ed25519Public = t.composite('sp_core::ed25519::Public', [[null, c.u8x32, '[u8; 32]']]);
  const authorityId = t.composite('sp_consensus_grandpa::app::Public', [
    [null, ed25519Public, 'ed25519::Public'],
  ]);
  const authorityList = t.sequence(t.tuple([authorityId, c.u64]));
  const events = t.variant(
    'pallet_grandpa::pallet::Event',
    [
      {
        name: 'NewAuthorities',
        index: 0,
        fields: [['authority_set', authorityList, 'AuthorityList']],
      },
      { name: 'Paused', index: 1 },
      { name: 'Resumed', index: 2 },
    ],
    { T: null },
  );
  return {
    name: 'Grandpa',
    index: PALLET_INDEX.Grandpa,
    crate: 'pallet_grandpa',
    storage: [
      storageItem('Grandpa', 'CurrentSetId', 'Default', c.u64, zeroBytes(8)),
      storageItem('Grandpa', 'Authorities', 'Default', authorityList, zeroBytes(1)),
    ],
    calls: null,
    events,
    errors: t.unitVariants('pallet_grandpa::pallet::Error', GRANDPA_ERRORS, { T: null }),
    constants: [
      { name: 'MaxAuthorities', type: c.u32, value: le(GRANDPA_MAX_AUTHORITIES, 4) },
      { name: 'MaxNominators', type: c.u32, value: le(0, 4) },
      { name: 'MaxSetIdSessionEntries', type: c.u64, value: le(0, 8) },
    ],
  };
}
