import { hexToU8a } from '@polkadot/util';
import { blake2AsU8a, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { boundedMemo } from './boundedMemo.js';

/** A chain account: its 32-byte id and that id's SS58 form with the Stardust prefix. */
export interface Account {
  readonly accountId: Uint8Array;
  readonly address: string;
}

/** Stardust's SS58 prefix (generic Substrate), used for every address we hand out. */
export const SS58_PREFIX = 42;

const ACCOUNT_ID_BYTES = 32;
const COMPRESSED_ECDSA_KEY_BYTES = 33;
/** `0x` + the hex of a compressed ecdsa key is the longest accepted form; SS58 tops out near 51 chars. */
const MAX_ADDRESS_CHARS = 2 + 2 * COMPRESSED_ECDSA_KEY_BYTES;

const HEX_KEY = /^0x(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{66})$/;
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

/**
 * Reads an address as the app may send it: SS58 with any network prefix (checksum enforced) or the
 * 0x hex of a 32-byte account id / sr25519 / ed25519 key or a 33-byte compressed ecdsa key.
 * Returns null for anything else (other lengths, account indices, garbage); never throws.
 */
export function parseAccount(input: string): Account | null {
  // Length first: untrusted strings must not reach base58/hash work unbounded.
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_ADDRESS_CHARS) return null;
  const account = parseRemembered(input);
  return account && { accountId: account.accountId.slice(), address: account.address };
}

/**
 * Addresses already parsed (valid or not). Decoding and re-encoding SS58 costs two base58
 * conversions and two blake2 checksums (~5% of a token request's main-thread time, bench/), and the
 * same accounts come back again and again. Callers get copies of the ids, so none can change or
 * detach a remembered one.
 */
const MAX_REMEMBERED_ADDRESSES = 10_000;
const parseRemembered = boundedMemo(MAX_REMEMBERED_ADDRESSES, parseUncached);

function parseUncached(input: string): Account | null {
  try {
    const key = HEX_KEY.test(input) ? hexToU8a(input) : BASE58.test(input) ? decodeAddress(input) : null;
    const accountId = key === null ? null : toAccountId(key);
    return accountId === null ? null : { accountId, address: encodeAddress(accountId, SS58_PREFIX) };
  } catch {
    // decodeAddress throws on bad checksums and unknown payload lengths.
    return null;
  }
}

function toAccountId(key: Uint8Array): Uint8Array | null {
  // A copy: decodeAddress may hand back a view into a larger buffer, and callers may transfer the id.
  if (key.length === ACCOUNT_ID_BYTES) return key.slice();
  const isCompressedEcdsaKey =
    key.length === COMPRESSED_ECDSA_KEY_BYTES && (key[0] === 0x02 || key[0] === 0x03);
  // Substrate's MultiSigner turns an ecdsa key into an account id by hashing it with blake2-256.
  return isCompressedEcdsaKey ? blake2AsU8a(key, 256) : null;
}
