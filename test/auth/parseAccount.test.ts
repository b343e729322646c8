import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAccount } from '../../src/auth/parseAccount.js';

const ALICE_SS58_42 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_ID = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';

describe('parseAccount', () => {
  beforeAll(async () => {
    await cryptoWaitReady();
  });

  it.each([0, 2, 42])('accepts an SS58 address with prefix %i and normalizes it to prefix 42', (prefix) => {
    const account = parseAccount(encodeAddress(ALICE_ID, prefix));
    expect(account).not.toBeNull();
    expect(u8aToHex(account?.accountId)).toBe(ALICE_ID);
    expect(account?.address).toBe(ALICE_SS58_42);
  });

  it('accepts the 0x hex of a 32-byte public key, in either case', () => {
    expect(parseAccount(ALICE_ID)?.address).toBe(ALICE_SS58_42);
    expect(parseAccount(`0x${ALICE_ID.slice(2).toUpperCase()}`)?.address).toBe(ALICE_SS58_42);
  });

  it('maps a 33-byte compressed ecdsa key, as hex or SS58, to the blake2-256 account id', () => {
    const pair = new Keyring({ type: 'ecdsa' }).addFromUri('//Alice');
    const expected = u8aToHex(decodeAddress(pair.address));
    expect(u8aToHex(blake2AsU8a(pair.publicKey, 256))).toBe(expected);
    expect(u8aToHex(parseAccount(u8aToHex(pair.publicKey))?.accountId)).toBe(expected);
    expect(u8aToHex(parseAccount(encodeAddress(pair.publicKey, 0))?.accountId)).toBe(expected);
    expect(parseAccount(pair.address)?.address).toBe(pair.address);
  });

  it('returns an account id the caller owns, not a view into a shared buffer', () => {
    const account = parseAccount(ALICE_SS58_42);
    expect(account?.accountId.byteOffset).toBe(0);
    expect(account?.accountId.buffer.byteLength).toBe(32);
  });

  it('rejects an SS58 address with a bad checksum', () => {
    const last = ALICE_SS58_42.at(-1) === 'Y' ? 'Z' : 'Y';
    expect(parseAccount(`${ALICE_SS58_42.slice(0, -1)}${last}`)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not an address'],
    ['base58 garbage', '5GrwvaEF5zXb26Fz9rcQpDWS57'],
    ['an account index', encodeAddress(new Uint8Array([1]), 42)],
    ['a 20-byte ethereum-style hex', `0x${'ab'.repeat(20)}`],
    ['a 31-byte hex', `0x${'ab'.repeat(31)}`],
    ['a 34-byte hex', `0x${'ab'.repeat(34)}`],
    ['odd-length hex', `${ALICE_ID}0`],
    ['hex without 0x', ALICE_ID.slice(2)],
    ['a 33-byte key that is not a compressed point', `0x04${'ab'.repeat(32)}`],
    ['an overlong string', `5${'a'.repeat(10_000)}`],
  ])('rejects %s', (_name, input) => {
    expect(parseAccount(input)).toBeNull();
  });

  it('never throws, even on non-string input or random text', () => {
    expect(parseAccount(42 as unknown as string)).toBeNull();
    expect(parseAccount(null as unknown as string)).toBeNull();
    const alphabet = '0x123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz!é';
    for (let i = 0; i < 500; i += 1) {
      const length = 1 + (i % 70);
      let input = '';
      for (let j = 0; j < length; j += 1) input += alphabet[(i * 31 + j * 17) % alphabet.length];
      expect(() => parseAccount(input)).not.toThrow();
    }
  });

  it('answers the same again for an address seen before, with an id the caller may change', () => {
    const first = parseAccount(ALICE_SS58_42);
    first?.accountId.fill(0);
    const again = parseAccount(ALICE_SS58_42);
    expect(u8aToHex(again?.accountId)).toBe(ALICE_ID);
    expect(again?.address).toBe(ALICE_SS58_42);
    expect(parseAccount(`${ALICE_SS58_42.slice(0, -1)}R`)).toBeNull();
    expect(parseAccount(`${ALICE_SS58_42.slice(0, -1)}R`)).toBeNull();
  });
});
