import { randomBytes } from 'node:crypto';
import { stringToU8a } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sr25519Verify as referenceVerify } from '@polkadot/wasm-crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifySr25519 } from '../../src/auth/verifySr25519.js';
import { testPair } from '../support/testPair.js';

const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const signers = ['Sr1', 'Sr2', 'Sr3'].map((name) => testPair('sr25519', name));

/** A signature whose scalar half is `scalar` (little endian), marked as schnorrkel marks it. */
function withScalar(signature: Uint8Array, scalar: bigint): Uint8Array {
  const copy = signature.slice();
  for (let i = 32; i < 64; i += 1) {
    copy[i] = Number((scalar >> BigInt(8 * (i - 32))) & 0xffn);
  }
  copy[63] = (copy[63] ?? 0) | 0x80;
  return copy;
}

/** Every kind of input an attacker controls: keys (the address), signatures, messages. */
function hostileCase(i: number): { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array } {
  const signer = signers[i % signers.length]!;
  const message = stringToU8a(`viewer-token:${i % 5}`);
  const publicKey = i % 4 === 0 ? randomBytes(32) : signer.publicKey;
  const valid = signer.sign(message);
  const variants = [
    () => valid,
    () => signer.sign(stringToU8a('another message')),
    () => Uint8Array.from(randomBytes(64), (byte, at) => (at === 63 ? byte | 0x80 : byte)),
    () => withScalar(valid, GROUP_ORDER + BigInt(i)),
    () => withScalar(valid, GROUP_ORDER - 1n - BigInt(i)),
    () => Uint8Array.from(valid, (byte, at) => (at === 3 ? byte ^ 0x01 : byte)),
    () => Uint8Array.from(valid, (byte, at) => (at === 63 ? byte & 0x7f : byte)),
  ];
  return { signature: variants[i % variants.length]!(), message, publicKey };
}

describe('verifySr25519', () => {
  beforeAll(async () => {
    await cryptoWaitReady();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('accepts a valid signature and refuses another message, key or tampered signature', () => {
    const [alice, bob] = signers as [(typeof signers)[0], (typeof signers)[0]];
    const message = stringToU8a('hello');
    const signature = alice.sign(message);
    expect(verifySr25519(signature, message, alice.publicKey)).toBe(true);
    expect(verifySr25519(signature, stringToU8a('hellO'), alice.publicKey)).toBe(false);
    expect(verifySr25519(signature, message, bob.publicKey)).toBe(false);
    expect(verifySr25519(signature.subarray(1), message, alice.publicKey)).toBe(false);
    expect(verifySr25519(signature, message, alice.publicKey.subarray(1))).toBe(false);
  });

  it('gives the same answer as @polkadot/wasm-crypto on hostile input, without ever panicking', () => {
    // The fast build reports each panic on console.error before it traps.
    const panics = vi.spyOn(console, 'error');
    const disagreements: number[] = [];
    let accepted = 0;
    for (let i = 0; i < 700; i += 1) {
      const { signature, message, publicKey } = hostileCase(i);
      const expected = referenceVerify(signature, message, publicKey);
      if (verifySr25519(signature, message, publicKey) !== expected) disagreements.push(i);
      if (expected) accepted += 1;
    }
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(50);
    expect(panics).not.toHaveBeenCalled();
    // Still healthy afterwards.
    const signer = signers[0]!;
    const message = stringToU8a('after the storm');
    expect(verifySr25519(signer.sign(message), message, signer.publicKey)).toBe(true);
  });
});
