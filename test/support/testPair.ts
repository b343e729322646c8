import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { KeypairType } from '@polkadot/util-crypto/types';

/**
 * A keyring pair of `type` derived from `//<name>`, SS58 prefix 42. Its `address` is the account
 * (for ecdsa: blake2-256 of the compressed key, as Substrate's MultiSigner maps it).
 * Needs `cryptoWaitReady()` (starting a dev chain awaits it).
 */
export function testPair(type: KeypairType, name: string): KeyringPair {
  return new Keyring({ type, ss58Format: 42 }).addFromUri(`//${name}`);
}
