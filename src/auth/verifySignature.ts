import { u8aIsWrapped, u8aUnwrapBytes, u8aWrapBytes } from '@polkadot/util';
import { ed25519Verify as jsEd25519Verify, secp256k1Verify } from '@polkadot/util-crypto';
import { isReady, ed25519Verify as wasmEd25519Verify } from '@polkadot/wasm-crypto';
import { SR25519_MARKER_BIT, verifySr25519 } from './verifySr25519.js';

const ACCOUNT_ID_BYTES = 32;
const SCHNORR_SIGNATURE_BYTES = 64;
const ECDSA_SIGNATURE_BYTES = 65;
const PREFIXED_ECDSA_SIGNATURE_BYTES = 66;

/** Type byte of a SCALE-encoded `sp_runtime::MultiSignature`. */
const MULTI_SIGNATURE_TYPE = { ed25519: 0x00, sr25519: 0x01, ecdsa: 0x02 } as const;

/** Ethereum-style signers add 27 to the recovery id; Substrate uses the bare 0–3. */
const ETHEREUM_RECOVERY_OFFSET = 27;

type SchnorrVerify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/**
 * Checks a wallet signature of `message` by the account `accountId` (32 bytes): sr25519, ed25519 or
 * ecdsa (recoverable, account = blake2-256 of the compressed key), bare or as a type-prefixed
 * MultiSignature, over the message itself or its `<Bytes>…</Bytes>` wrapping. Synchronous and pure so
 * it can run inside worker threads. Never throws: malformed input is simply not a valid signature.
 *
 * sr25519 always runs in wasm (verifySr25519); ed25519 once `cryptoWaitReady()` has resolved, and in
 * pure JS before that instead of failing.
 */
export function verifySignature(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): boolean {
  try {
    return accountId.length === ACCOUNT_ID_BYTES && verifyAnyScheme(message, signature, accountId);
  } catch {
    // Only reachable with arguments that break the types (the schemes are guarded one by one).
    return false;
  }
}

function verifyAnyScheme(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): boolean {
  const messages = signedForms(message);
  switch (signature.length) {
    case SCHNORR_SIGNATURE_BYTES:
      return verifySchnorr(schemeOf(signature), messages, signature, accountId);
    case ECDSA_SIGNATURE_BYTES: {
      // 65 bytes is either a type-prefixed ed/sr25519 signature or a bare ecdsa one whose first byte
      // happens to be 0 or 1; try the prefixed reading, then the bare one.
      const body = signature.subarray(1);
      const prefixed =
        signature[0] === MULTI_SIGNATURE_TYPE.ed25519
          ? verifySchnorr(ed25519, messages, body, accountId)
          : signature[0] === MULTI_SIGNATURE_TYPE.sr25519 &&
            verifySchnorr(verifySr25519, messages, body, accountId);
      return prefixed || verifyEcdsa(messages, signature, accountId);
    }
    case PREFIXED_ECDSA_SIGNATURE_BYTES:
      return (
        signature[0] === MULTI_SIGNATURE_TYPE.ecdsa && verifyEcdsa(messages, signature.subarray(1), accountId)
      );
    default:
      return false;
  }
}

/**
 * Browser extensions sign the `<Bytes>`-wrapped message; the mobile app, our main client, signs the
 * bare one: try the form as given first, so a mobile signature costs one verification.
 */
function signedForms(message: Uint8Array): readonly Uint8Array[] {
  return u8aIsWrapped(message, false) ? [message, u8aUnwrapBytes(message)] : [message, u8aWrapBytes(message)];
}

/**
 * schnorrkel sets SR25519_MARKER_BIT in the last byte of every sr25519 signature and rejects
 * signatures without it; a canonical ed25519 signature never has it (its scalar S is below 2^253).
 * So the bit tells which of the two schemes can possibly match, and a 64-byte signature costs one
 * scheme, not two.
 */
function schemeOf(signature: Uint8Array): SchnorrVerify {
  return ((signature[SCHNORR_SIGNATURE_BYTES - 1] ?? 0) & SR25519_MARKER_BIT) !== 0 ? verifySr25519 : ed25519;
}

function verifySchnorr(
  verify: SchnorrVerify,
  messages: readonly Uint8Array[],
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  return messages.some((message) => attempt(() => verify(signature, message, publicKey)));
}

function ed25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return isReady()
    ? wasmEd25519Verify(signature, message, publicKey)
    : jsEd25519Verify(message, signature, publicKey);
}

function verifyEcdsa(messages: readonly Uint8Array[], signature: Uint8Array, accountId: Uint8Array): boolean {
  const recoveryId = signature[ECDSA_SIGNATURE_BYTES - 1] ?? 0;
  const normalized =
    recoveryId >= ETHEREUM_RECOVERY_OFFSET
      ? withRecoveryId(signature, recoveryId - ETHEREUM_RECOVERY_OFFSET)
      : signature;
  // Pure JS on purpose (the last argument): wasm-crypto's secp256k1Recover traps on an invalid
  // signature, and every trap leaks wasm stack until the shared instance corrupts and sr25519 starts
  // failing too (reproduced: ~2,000 garbage ecdsa signatures break it). Compares
  // blake2-256(recovered compressed key) with the account id.
  return messages.some((message) =>
    attempt(() => secp256k1Verify(message, normalized, accountId, 'blake2', true)),
  );
}

function withRecoveryId(signature: Uint8Array, recoveryId: number): Uint8Array {
  const copy = signature.slice();
  copy[ECDSA_SIGNATURE_BYTES - 1] = recoveryId;
  return copy;
}

function attempt(verify: () => boolean): boolean {
  try {
    return verify();
  } catch {
    // The JS implementations throw on encodings they cannot parse: not a valid signature.
    return false;
  }
}
