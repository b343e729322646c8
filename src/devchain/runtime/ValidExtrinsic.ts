import type { Call } from '@polkadot/types/interfaces';
import type { Hex } from '../BlockStore.js';

/** A signed extrinsic the pool accepted: decoded, its signature checked. */
export interface ValidExtrinsic {
  hex: Hex;
  hash: Hex;
  signer: Uint8Array;
  nonce: number;
  /** `ChargeTransactionPayment`'s tip. */
  tip: bigint;
  /** Encoded length in bytes (with the compact length prefix), as the length fee counts it. */
  len: number;
  call: Call;
  /** Blocks the extrinsic stays valid for (CheckMortality; u64::MAX when immortal). */
  longevity: bigint;
}
