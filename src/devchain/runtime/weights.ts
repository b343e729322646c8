/**
 * Weights as the Stardust runtime declares them: `ref_time` in picoseconds, `proof_size` in bytes.
 * Sources (polkadot-sdk, the `()`/`SubstrateWeight` impls the runtime configures, with RocksDbWeight):
 * `frame/support/src/weights/extrinsic_weights.rs`, `frame/system/src/extensions/weights.rs`,
 * `frame/system/src/weights.rs`, `frame/balances/src/weights.rs`, `frame/sudo/src/weights.rs`,
 * `frame/transaction-payment/src/weights.rs`; the livestream pallet's own `weights.rs` (`()` impl).
 */
export interface Weight {
  refTime: bigint;
  proofSize: bigint;
}

export type DispatchClass = 'Normal' | 'Operational' | 'Mandatory';
export type Pays = 'Yes' | 'No';

export const weight = (refTime: bigint | number, proofSize: bigint | number = 0n): Weight => ({
  refTime: BigInt(refTime),
  proofSize: BigInt(proofSize),
});

export function addWeights(...weights: Weight[]): Weight {
  return weights.reduce((a, b) => weight(a.refTime + b.refTime, a.proofSize + b.proofSize), weight(0));
}

/** `RocksDbWeight`: 25 µs a read, 100 µs a write. */
export const dbWeight = (reads: number, writes: number): Weight =>
  weight(BigInt(reads) * 25_000_000n + BigInt(writes) * 100_000_000n);

/** `ExtrinsicBaseWeight`: every class's `base_extrinsic` in `BlockWeights::with_sensible_defaults`. */
export const EXTRINSIC_BASE_WEIGHT = weight(115_480_000);

/** `BlockWeights::with_sensible_defaults(2 s of ref_time, u64::MAX proof size, …)`. */
export const MAX_BLOCK_WEIGHT = weight(2_000_000_000_000n, 2n ** 64n - 1n);

/**
 * The transaction extensions' own weights, in `TxExtension` order (CheckMetadataHash declares none).
 * A signed extrinsic's `total_weight` is its call weight plus these.
 */
export const EXTENSION_WEIGHTS = {
  CheckNonZeroSender: weight(527_000),
  CheckSpecVersion: weight(461_000),
  CheckTxVersion: weight(439_000),
  CheckGenesis: addWeights(weight(4_160_000, 3_509), dbWeight(1, 0)),
  CheckMortality: addWeights(weight(6_523_000, 3_509), dbWeight(1, 0)),
  CheckNonce: addWeights(weight(6_000_000, 3_593), dbWeight(1, 1)),
  CheckWeight: addWeights(weight(4_747_000, 1_489), dbWeight(1, 1)),
  ChargeTransactionPayment: addWeights(weight(51_786_000, 3_593), dbWeight(4, 1)),
  CheckMetadataHash: weight(0),
  WeightReclaim: addWeights(weight(4_747_000, 1_489), dbWeight(1, 1)),
} as const;

export const SIGNED_EXTENSIONS_WEIGHT = addWeights(...Object.values(EXTENSION_WEIGHTS));
