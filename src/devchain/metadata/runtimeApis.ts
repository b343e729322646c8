import type { CommonTypes } from './commonTypes.js';
import type { RuntimeApiName } from './runtimeConstants.js';
import type { TypeTable } from './TypeTable.js';

export interface RuntimeApiMethodJson {
  name: string;
  inputs: { name: string; type: number }[];
  output: number;
  docs: string[];
}

export interface RuntimeApiJson {
  name: RuntimeApiName;
  methods: RuntimeApiMethodJson[];
  docs: string[];
}

/** Variant names of `sp_runtime::transaction_validity::InvalidTransaction`, in index order. */
export const INVALID_TRANSACTION = [
  'Call',
  'Payment',
  'Future',
  'Stale',
  'BadProof',
  'AncientBirthBlock',
  'ExhaustsResources',
  'Custom',
  'BadMandatory',
  'MandatoryValidation',
  'BadSigner',
  'IndeterminateImplicit',
  'UnknownOrigin',
] as const;
export type InvalidTransactionKind = (typeof INVALID_TRANSACTION)[number];
/** Variant names of `UnknownTransaction`, in index order. */
export const UNKNOWN_TRANSACTION = ['CannotLookup', 'NoUnsignedValidator', 'Custom'] as const;
export type UnknownTransactionKind = (typeof UNKNOWN_TRANSACTION)[number];

/** The runtime APIs (metadata V15 `apis`) with their methods' argument and result types. */
export function buildRuntimeApis(t: TypeTable, c: CommonTypes, extrinsic: number): RuntimeApiJson[] {
  const block = t.composite(
    'sp_runtime::generic::block::Block',
    [
      ['header', c.header, 'Header'],
      ['extrinsics', t.sequence(extrinsic), 'Vec<Extrinsic>'],
    ],
    { Header: c.header, Extrinsic: extrinsic },
  );
  const opaqueMetadata = t.composite('sp_core::OpaqueMetadata', [[null, c.bytes, 'Vec<u8>']]);
  const inclusionMode = t.unitVariants('sp_runtime::ExtrinsicInclusionMode', [
    'AllExtrinsics',
    'OnlyInherents',
  ]);
  const withCustom = (path: string, names: readonly string[]) =>
    t.variant(
      path,
      names.map((name, index) => ({
        name,
        index,
        fields: name === 'Custom' ? [[null, c.u8, 'u8'] as const] : [],
      })),
    );
  const invalidTransaction = withCustom(
    'sp_runtime::transaction_validity::InvalidTransaction',
    INVALID_TRANSACTION,
  );
  const unknownTransaction = withCustom(
    'sp_runtime::transaction_validity::UnknownTransaction',
    UNKNOWN_TRANSACTION,
  );
  const validityError = t.variant('sp_runtime::transaction_validity::TransactionValidityError', [
    { name: 'Invalid', index: 0, fields: [[null, invalidTransaction, 'InvalidTransaction']] },
    { name: 'Unknown', index: 1, fields: [[null, unknownTransaction, 'UnknownTransaction']] },
  ]);
  const tags = t.sequence(c.bytes);
  const validTransaction = t.composite('sp_runtime::transaction_validity::ValidTransaction', [
    ['priority', c.u64, 'TransactionPriority'],
    ['requires', tags, 'Vec<TransactionTag>'],
    ['provides', tags, 'Vec<TransactionTag>'],
    ['longevity', c.u64, 'TransactionLongevity'],
    ['propagate', c.bool, 'bool'],
  ]);
  const source = t.unitVariants('sp_runtime::transaction_validity::TransactionSource', [
    'InBlock',
    'Local',
    'External',
  ]);
  const inherentData = t.composite('sp_inherents::InherentData', [
    [
      'data',
      t.composite('BTreeMap', [[null, t.sequence(t.tuple([c.u8x8, c.bytes]))]], { K: c.u8x8, V: c.bytes }),
      'BTreeMap<InherentIdentifier, Vec<u8>>',
    ],
  ]);
  const checkInherentsResult = t.composite('sp_inherents::CheckInherentsResult', [
    ['okay', c.bool, 'bool'],
    ['fatal_error', c.bool, 'bool'],
    ['errors', inherentData, 'InherentData'],
  ]);
  const dispatchInfo = t.composite(
    'pallet_transaction_payment::types::RuntimeDispatchInfo',
    [
      ['weight', c.weight, 'Weight'],
      ['class', c.dispatchClass, 'DispatchClass'],
      ['partial_fee', c.u128, 'Balance'],
    ],
    { Balance: c.u128, Weight: c.weight },
  );
  const inclusionFee = t.composite(
    'pallet_transaction_payment::types::InclusionFee',
    [
      ['base_fee', c.u128, 'Balance'],
      ['len_fee', c.u128, 'Balance'],
      ['adjusted_weight_fee', c.u128, 'Balance'],
    ],
    { Balance: c.u128 },
  );
  const feeDetails = t.composite(
    'pallet_transaction_payment::types::FeeDetails',
    [
      ['inclusion_fee', t.option(inclusionFee), 'Option<InclusionFee<Balance>>'],
      ['tip', c.u128, 'Balance'],
    ],
    { Balance: c.u128 },
  );

  const m = (name: string, inputs: [string, number][], output: number): RuntimeApiMethodJson => ({
    name,
    inputs: inputs.map(([n, type]) => ({ name: n, type })),
    output,
    docs: [],
  });
  const api = (name: RuntimeApiName, methods: RuntimeApiMethodJson[]): RuntimeApiJson => ({
    name,
    methods,
    docs: [],
  });
  return [
    api('Core', [
      m('version', [], c.runtimeVersion),
      m('execute_block', [['block', block]], c.unit),
      m('initialize_block', [['header', c.header]], inclusionMode),
    ]),
    api('Metadata', [
      m('metadata', [], opaqueMetadata),
      m('metadata_at_version', [['version', c.u32]], t.option(opaqueMetadata)),
      m('metadata_versions', [], t.sequence(c.u32)),
    ]),
    api('BlockBuilder', [
      m('apply_extrinsic', [['extrinsic', extrinsic]], t.result(c.dispatchResult, validityError)),
      m('finalize_block', [], c.header),
      m('inherent_extrinsics', [['inherent', inherentData]], t.sequence(extrinsic)),
      m(
        'check_inherents',
        [
          ['block', block],
          ['data', inherentData],
        ],
        checkInherentsResult,
      ),
    ]),
    api('TaggedTransactionQueue', [
      m(
        'validate_transaction',
        [
          ['source', source],
          ['tx', extrinsic],
          ['block_hash', c.h256],
        ],
        t.result(validTransaction, validityError),
      ),
    ]),
    api('AccountNonceApi', [m('account_nonce', [['account', c.accountId]], c.u32)]),
    api('TransactionPaymentApi', [
      m(
        'query_info',
        [
          ['uxt', extrinsic],
          ['len', c.u32],
        ],
        dispatchInfo,
      ),
      m(
        'query_fee_details',
        [
          ['uxt', extrinsic],
          ['len', c.u32],
        ],
        feeDetails,
      ),
      m('query_weight_to_fee', [['weight', c.weight]], c.u128),
      m('query_length_to_fee', [['length', c.u32]], c.u128),
    ]),
  ];
}
