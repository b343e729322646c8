import { RistrettoPoint } from '@noble/curves/ed25519';
import { sr25519Verify as jsSr25519Verify } from '@polkadot/util-crypto';
import { isReady, sr25519Verify as polkadotWasmVerify } from '@polkadot/wasm-crypto';
import { sr25519_verify as schnorrkelVerify } from '@polkadot-labs/schnorrkel-wasm';
import { boundedMemo } from './boundedMemo.js';

const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 32;
/** schnorrkel marks its signatures with this bit of the last byte (and refuses any without it). */
export const SR25519_MARKER_BIT = 0x80;
/** The order ℓ of the Ristretto group: a signature's scalar must be below it. */
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
/**
 * Public keys whose validity is remembered (per thread): checking one costs ~0.1–0.2 ms of JS, and
 * the same accounts sign in again and again. Bounded, so random keys cannot grow it.
 */
const MAX_REMEMBERED_KEYS = 20_000;

/**
 * Verifies an sr25519 signature. Uses the schnorrkel build of @polkadot-labs/schnorrkel-wasm, which
 * verifies ~2× faster than @polkadot/wasm-crypto's (bench/micro/signatureVerify.bench.ts), but panics on
 * a malformed key or scalar, and after ~10k panics its memory is corrupt. So nothing malformed ever
 * reaches it: the scalar must be canonical and marked, and the key a valid Ristretto point (checked
 * here, in JS; a differential test holds both builds to the same answers on hostile input). Should
 * it still throw, this thread never calls it again and falls back to @polkadot/wasm-crypto.
 */
export function verifySr25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  if (!isCanonicalSignature(signature) || !isValidKey(publicKey)) return false;
  if (!fastBuildBroken) {
    try {
      return schnorrkelVerify(publicKey, message, signature);
    } catch {
      fastBuildBroken = true;
    }
  }
  return isReady()
    ? polkadotWasmVerify(signature, message, publicKey)
    : jsSr25519Verify(message, signature, publicKey);
}

// Per thread, like the wasm instance it guards (a module-level singleton of the package itself).
let fastBuildBroken = false;
/** Validity of public keys, by their bytes as a latin1 string. */
const isValidKeyText = boundedMemo(MAX_REMEMBERED_KEYS, (text) =>
  decodesToPoint(Buffer.from(text, 'latin1')),
);

function isCanonicalSignature(signature: Uint8Array): boolean {
  const last = signature[SIGNATURE_BYTES - 1] ?? 0;
  if ((last & SR25519_MARKER_BIT) === 0) return false;
  let scalar = BigInt(last & ~SR25519_MARKER_BIT);
  for (let i = SIGNATURE_BYTES - 2; i >= SIGNATURE_BYTES / 2; i -= 1) {
    scalar = (scalar << 8n) | BigInt(signature[i] ?? 0);
  }
  return scalar < GROUP_ORDER;
}

function isValidKey(publicKey: Uint8Array): boolean {
  return isValidKeyText(
    Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1'),
  );
}

function decodesToPoint(publicKey: Uint8Array): boolean {
  try {
    RistrettoPoint.fromHex(publicKey);
    return true;
  } catch {
    return false;
  }
}
