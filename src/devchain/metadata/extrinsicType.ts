import type { CommonTypes } from './commonTypes.js';
import type { FieldSpec, TypeTable } from './TypeTable.js';

export interface SignedExtensionJson {
  identifier: string;
  type: number;
  additionalSigned: number;
}

export interface ExtrinsicTypes {
  uncheckedExtrinsic: number;
  /** The tuple of the extensions' types (V15 `extraType`). */
  extra: number;
  signedExtensions: SignedExtensionJson[];
}

/** The signed extensions of the Stardust runtime, in order, and the `UncheckedExtrinsic` type. */
export function buildExtrinsicTypes(t: TypeTable, c: CommonTypes): ExtrinsicTypes {
  const ext = (path: string, fields: FieldSpec[] = []) => t.composite(path, fields, { T: null });
  const checkMetadataMode = t.variant('frame_metadata_hash_extension::Mode', [
    { name: 'Disabled', index: 0 },
    { name: 'Enabled', index: 1 },
  ]);
  const system = 'frame_system::extensions';
  const signedExtensions: SignedExtensionJson[] = [
    {
      identifier: 'CheckNonZeroSender',
      type: ext(`${system}::check_non_zero_sender::CheckNonZeroSender`),
      additionalSigned: c.unit,
    },
    {
      identifier: 'CheckSpecVersion',
      type: ext(`${system}::check_spec_version::CheckSpecVersion`),
      additionalSigned: c.u32,
    },
    {
      identifier: 'CheckTxVersion',
      type: ext(`${system}::check_tx_version::CheckTxVersion`),
      additionalSigned: c.u32,
    },
    {
      identifier: 'CheckGenesis',
      type: ext(`${system}::check_genesis::CheckGenesis`),
      additionalSigned: c.h256,
    },
    {
      identifier: 'CheckMortality',
      type: ext(`${system}::check_mortality::CheckMortality`, [[null, c.era, 'Era']]),
      additionalSigned: c.h256,
    },
    {
      identifier: 'CheckNonce',
      type: ext(`${system}::check_nonce::CheckNonce`, [[null, c.compactU32, 'T::Nonce']]),
      additionalSigned: c.unit,
    },
    {
      identifier: 'CheckWeight',
      type: ext(`${system}::check_weight::CheckWeight`),
      additionalSigned: c.unit,
    },
    {
      identifier: 'ChargeTransactionPayment',
      type: ext('pallet_transaction_payment::ChargeTransactionPayment', [
        [null, c.compactU128, 'BalanceOf<T>'],
      ]),
      additionalSigned: c.unit,
    },
    {
      identifier: 'CheckMetadataHash',
      type: ext('frame_metadata_hash_extension::CheckMetadataHash', [['mode', checkMetadataMode, 'Mode']]),
      additionalSigned: c.optionHash,
    },
    {
      identifier: 'WeightReclaim',
      type: ext(`${system}::weight_reclaim::WeightReclaim`),
      additionalSigned: c.unit,
    },
  ];
  const extra = t.tuple(signedExtensions.map((e) => e.type));
  const uncheckedExtrinsic = t.composite(
    'sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic',
    [[null, c.bytes]],
    { Address: c.multiAddress, Call: c.runtimeCall, Signature: c.multiSignature, Extra: extra },
  );
  return { uncheckedExtrinsic, extra, signedExtensions };
}
