import type { Extrinsic } from '@polkadot/types/interfaces';
import type { Registry } from '@polkadot/types/types';
import { compactFromU8a } from '@polkadot/util';

const SIGNED_V4 = 0x84;
const ADDRESS_ID = 0;
const ACCOUNT_ID_BYTES = 32;
const SIGNATURE_BYTES: Record<number, number> = { 0: 64, 1: 64, 2: 65 };

/**
 * Decodes a length-prefixed extrinsic from the front of `input`. polkadot.js takes an all-zero
 * signature for "unsigned" and then misreads the bytes, while the runtime decodes it as any other:
 * wallets and polkadot-api estimate fees with exactly such a fake signature. So a zero signature is
 * decoded with one bit set (same length, still invalid as a signature).
 */
export function decodeExtrinsic(registry: Registry, input: Uint8Array): { ext: Extrinsic; size: number } {
  const [offset, length] = compactFromU8a(input);
  const size = offset + length.toNumber();
  let bytes = input.subarray(0, size);
  const at = offset + 1 + 1 + ACCOUNT_ID_BYTES;
  if (bytes[offset] === SIGNED_V4 && bytes[offset + 1] === ADDRESS_ID && bytes.length > at) {
    const sigLength = SIGNATURE_BYTES[bytes[at] ?? -1];
    if (sigLength && bytes.subarray(at + 1, at + 1 + sigLength).every((b) => b === 0)) {
      bytes = bytes.slice();
      bytes[at + sigLength] = 1;
    }
  }
  const ext = registry.createType('Extrinsic', bytes);
  return { ext, size: ext.encodedLength };
}
