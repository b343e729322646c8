import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aConcat, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress, signatureVerify } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { roomMessage } from '../../src/auth/signedMessages.js';
import { verifySignature } from '../../src/auth/verifySignature.js';

const KEY_TYPES = ['sr25519', 'ed25519', 'ecdsa'] as const;
const message = stringToU8a(roomMessage(1, 1_700_000_000_000));

function pairOf(type: (typeof KEY_TYPES)[number], uri = '//Alice'): KeyringPair {
  return new Keyring({ type }).addFromUri(uri);
}

function accountIdOf(pair: KeyringPair): Uint8Array {
  return decodeAddress(pair.address);
}

function tampered(signature: Uint8Array): Uint8Array {
  const copy = signature.slice();
  copy[10] = (copy[10] ?? 0) ^ 0x01;
  return copy;
}

describe('verifySignature', () => {
  beforeAll(async () => {
    await cryptoWaitReady();
  });

  describe.each(KEY_TYPES)('with %s keys', (type) => {
    it('accepts a signature over the raw message', () => {
      const pair = pairOf(type);
      expect(verifySignature(message, pair.sign(message), accountIdOf(pair))).toBe(true);
    });

    it('accepts a signature over the <Bytes>-wrapped message', () => {
      const pair = pairOf(type);
      expect(verifySignature(message, pair.sign(u8aWrapBytes(message)), accountIdOf(pair))).toBe(true);
    });

    it('accepts a type-prefixed MultiSignature, raw and wrapped', () => {
      const pair = pairOf(type);
      const raw = pair.sign(message, { withType: true });
      const wrapped = pair.sign(u8aWrapBytes(message), { withType: true });
      expect(raw.length).toBe(type === 'ecdsa' ? 66 : 65);
      expect(verifySignature(message, raw, accountIdOf(pair))).toBe(true);
      expect(verifySignature(message, wrapped, accountIdOf(pair))).toBe(true);
    });

    it('accepts the raw signature when handed the wrapped message', () => {
      const pair = pairOf(type);
      expect(verifySignature(u8aWrapBytes(message), pair.sign(message), accountIdOf(pair))).toBe(true);
    });

    it('rejects a signature by another key', () => {
      const pair = pairOf(type);
      expect(verifySignature(message, pair.sign(message), accountIdOf(pairOf(type, '//Bob')))).toBe(false);
    });

    it('rejects a signature of another message', () => {
      const pair = pairOf(type);
      const other = stringToU8a(roomMessage(2, 1_700_000_000_000));
      expect(verifySignature(message, pair.sign(other), accountIdOf(pair))).toBe(false);
    });

    it('rejects a tampered signature', () => {
      const pair = pairOf(type);
      expect(verifySignature(message, tampered(pair.sign(message)), accountIdOf(pair))).toBe(false);
      expect(
        verifySignature(message, tampered(pair.sign(message, { withType: true })), accountIdOf(pair)),
      ).toBe(false);
    });

    it('agrees with util-crypto signatureVerify', () => {
      const pair = pairOf(type);
      const signature = pair.sign(u8aWrapBytes(message));
      expect(signatureVerify(message, signature, pair.address).isValid).toBe(true);
      expect(verifySignature(message, signature, accountIdOf(pair))).toBe(true);
    });
  });

  it('rejects a signature whose MultiSignature type byte names the wrong scheme', () => {
    const ed = pairOf('ed25519');
    const signature = ed.sign(message, { withType: true });
    signature[0] = 0x01;
    expect(verifySignature(message, signature, accountIdOf(ed))).toBe(false);
  });

  it('rejects an sr25519 signature without the schnorrkel marker bit', () => {
    const sr = pairOf('sr25519');
    const signature = sr.sign(message);
    signature[63] = (signature[63] ?? 0) & 0x7f;
    expect(verifySignature(message, signature, accountIdOf(sr))).toBe(false);
  });

  it('accepts an ecdsa signature whose recovery id carries the Ethereum offset of 27', () => {
    const ecdsa = pairOf('ecdsa');
    const signature = ecdsa.sign(message);
    signature[64] = (signature[64] ?? 0) + 27;
    expect(verifySignature(message, signature, accountIdOf(ecdsa))).toBe(true);
  });

  it('returns false for malformed input without throwing', () => {
    const sr = pairOf('sr25519');
    const signature = sr.sign(message);
    const accountId = accountIdOf(sr);
    expect(verifySignature(message, new Uint8Array(0), accountId)).toBe(false);
    expect(verifySignature(message, signature.subarray(0, 63), accountId)).toBe(false);
    expect(verifySignature(message, u8aConcat(signature, new Uint8Array(3)), accountId)).toBe(false);
    expect(verifySignature(message, signature, accountId.subarray(0, 31))).toBe(false);
    expect(verifySignature(message, new Uint8Array(64).fill(0xff), accountId)).toBe(false);
    expect(verifySignature(message, new Uint8Array(65).fill(0xff), accountId)).toBe(false);
    expect(verifySignature(message, new Uint8Array(66).fill(0x02), accountId)).toBe(false);
    expect(verifySignature(message, signature, new Uint8Array(32).fill(0xff))).toBe(false);
    expect(verifySignature(null as unknown as Uint8Array, signature, accountId)).toBe(false);
  });

  it('keeps working after many garbage ecdsa signatures', () => {
    // Regression: wasm secp256k1 recovery traps on these, and ~2,000 traps corrupt the shared wasm
    // instance so that sr25519 checks fail too.
    const sr = pairOf('sr25519');
    const accountId = accountIdOf(sr);
    for (let i = 0; i < 2_500; i += 1) {
      const garbage = new Uint8Array(65).fill(i % 256);
      garbage[0] = 0x05;
      expect(verifySignature(message, garbage, accountId)).toBe(false);
    }
    expect(verifySignature(message, sr.sign(message), accountId)).toBe(true);
  });
});
