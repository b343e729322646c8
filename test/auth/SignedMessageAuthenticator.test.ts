import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureVerifier } from '../../src/auth/SignatureVerifier.js';
import { replayKeyOf, SignedMessageAuthenticator } from '../../src/auth/SignedMessageAuthenticator.js';
import { authMessage, roomMessage } from '../../src/auth/signedMessages.js';
import { WorkerSignatureVerifier } from '../../src/auth/WorkerSignatureVerifier.js';
import { MemoryReplayGuard } from '../../src/store/MemoryReplayGuard.js';

const NOW = 1_700_000_000_000;
const MAX_AGE_MS = 5 * 60_000;
const ROOM_ID = 7;

let alice: KeyringPair;
let bob: KeyringPair;
const workers = new WorkerSignatureVerifier({ size: 1 });

/** The real verifier, counting the checks that reach it. */
class CountingVerifier implements SignatureVerifier {
  calls = 0;
  async verify(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): Promise<boolean> {
    this.calls += 1;
    return workers.verify(message, signature, accountId);
  }
  async close(): Promise<void> {}
}

function setUp() {
  const clock = { time: NOW };
  const now = () => clock.time;
  const verifier = new CountingVerifier();
  const replayGuard = new MemoryReplayGuard({ now });
  const authenticator = new SignedMessageAuthenticator({ verifier, replayGuard, maxAgeMs: MAX_AGE_MS, now });
  return { clock, verifier, replayGuard, authenticator };
}

function signed(pair: KeyringPair, message: string, options: { wrap?: boolean; address?: string } = {}) {
  const bytes = stringToU8a(message);
  const signature = u8aToHex(pair.sign(options.wrap === true ? u8aWrapBytes(bytes) : bytes));
  return { address: options.address ?? pair.address, signature, message };
}

function roomRequest(pair: KeyringPair, timestamp = NOW, options: { wrap?: boolean; address?: string } = {}) {
  return { ...signed(pair, roomMessage(ROOM_ID, timestamp), options), timestamp };
}

beforeAll(async () => {
  await cryptoWaitReady();
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
});

afterAll(() => workers.close());

describe('SignedMessageAuthenticator', () => {
  it('returns the signing account, normalized to an SS58 address with prefix 42', async () => {
    const { authenticator } = setUp();
    const account = await authenticator.authenticate(
      roomRequest(alice, NOW, { address: encodeAddress(alice.publicKey, 0) }),
    );
    expect(account.address).toBe(alice.address);
    expect(u8aToHex(account.accountId)).toBe(u8aToHex(alice.publicKey));
  });

  it.each([
    ['sr25519 over the raw text, hex address', 'sr25519', false, 'hex'],
    ['ed25519 over the wrapped text, Kusama address', 'ed25519', true, 2],
    ['ecdsa over the raw text, 33-byte hex key', 'ecdsa', false, 'hex'],
    ['ecdsa over the wrapped text, SS58 address', 'ecdsa', true, 42],
  ] as const)('accepts %s', async (_name, type, wrap, addressForm) => {
    const { authenticator } = setUp();
    const pair = new Keyring({ type }).addFromUri('//Alice');
    const address =
      addressForm === 'hex' ? u8aToHex(pair.publicKey) : encodeAddress(pair.publicKey, addressForm);
    const account = await authenticator.authenticate(roomRequest(pair, NOW, { wrap, address }));
    expect(account.address).toBe(pair.address);
  });

  it('accepts the WebSocket auth text', async () => {
    const { authenticator } = setUp();
    const request = { ...signed(alice, authMessage(NOW)), timestamp: NOW };
    expect((await authenticator.authenticate(request)).address).toBe(alice.address);
  });

  it('rejects a malformed address as VALIDATION_ERROR', async () => {
    const { authenticator, verifier } = setUp();
    const request = roomRequest(alice, NOW, { address: `${alice.address.slice(0, -1)}X` });
    await expect(authenticator.authenticate(request)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(verifier.calls).toBe(0);
  });

  it.each([
    ['truncated hex', (hex: string) => hex.slice(0, -2)],
    ['odd-length hex', (hex: string) => hex.slice(0, -1)],
    ['non-hex characters', (hex: string) => `${hex.slice(0, -2)}zz`],
    ['no 0x prefix', (hex: string) => hex.slice(2)],
    ['an overlong signature', (hex: string) => `${hex}${'00'.repeat(3)}`],
  ])('rejects a signature with %s as INVALID_SIGNATURE before verifying', async (_name, mangle) => {
    const { authenticator, verifier } = setUp();
    const request = roomRequest(alice);
    await expect(
      authenticator.authenticate({ ...request, signature: mangle(request.signature) }),
    ).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    expect(verifier.calls).toBe(0);
  });

  it('rejects a wrong key, a wrong message and a tampered signature as INVALID_SIGNATURE', async () => {
    const { authenticator } = setUp();
    const byBob = roomRequest(bob);
    const tampered = roomRequest(alice);
    const flipped = tampered.signature.at(20) === '0' ? '1' : '0';
    const attempts = [
      { ...byBob, address: alice.address },
      { ...roomRequest(alice), message: roomMessage(ROOM_ID + 1, NOW) },
      {
        ...tampered,
        signature: `${tampered.signature.slice(0, 20)}${flipped}${tampered.signature.slice(21)}`,
      },
    ];
    for (const attempt of attempts) {
      await expect(authenticator.authenticate(attempt)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    }
  });

  it.each([
    ['too old', NOW - MAX_AGE_MS - 1],
    ['too far in the future', NOW + MAX_AGE_MS + 1],
  ])('rejects a timestamp %s as SIGNATURE_EXPIRED before verifying', async (_name, timestamp) => {
    const { authenticator, verifier } = setUp();
    await expect(authenticator.authenticate(roomRequest(alice, timestamp))).rejects.toMatchObject({
      code: 'SIGNATURE_EXPIRED',
    });
    expect(verifier.calls).toBe(0);
  });

  it('accepts timestamps right at either edge of the window', async () => {
    const { authenticator } = setUp();
    await authenticator.authenticate(roomRequest(alice, NOW - MAX_AGE_MS));
    await authenticator.authenticate(roomRequest(alice, NOW + MAX_AGE_MS));
  });

  it('rejects a used message as SIGNATURE_REUSED, even with a fresh signature, without verifying', async () => {
    const { authenticator, verifier } = setUp();
    await authenticator.authenticate(roomRequest(alice));
    // sr25519 signatures are randomized: a second signing of the same text differs.
    const again = roomRequest(alice);
    await expect(authenticator.authenticate(again)).rejects.toMatchObject({ code: 'SIGNATURE_REUSED' });
    expect(verifier.calls).toBe(1);
  });

  it("does not let a bad signature burn someone else's message", async () => {
    const { authenticator } = setUp();
    const forged = { ...roomRequest(bob), address: alice.address };
    await expect(authenticator.authenticate(forged)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    expect((await authenticator.authenticate(roomRequest(alice))).address).toBe(alice.address);
  });

  it('verifies without using the message: it is used only when consumed', async () => {
    const { authenticator } = setUp();
    const request = roomRequest(alice);
    const verified = await authenticator.verify(request);
    expect(verified.account.address).toBe(alice.address);
    // A caller that refuses the request after verifying (a per-account limit) leaves it usable.
    expect((await authenticator.verify(request)).replayKey).toBe(verified.replayKey);
    expect((await authenticator.consume(verified)).address).toBe(alice.address);
    await expect(authenticator.consume(verified)).rejects.toMatchObject({ code: 'SIGNATURE_REUSED' });
    await expect(authenticator.verify(request)).rejects.toMatchObject({ code: 'SIGNATURE_REUSED' });
  });

  it('lets exactly one of two concurrent uses of a message succeed', async () => {
    const { authenticator } = setUp();
    const results = await Promise.allSettled([
      authenticator.authenticate(roomRequest(alice)),
      authenticator.authenticate(roomRequest(alice)),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: 'SIGNATURE_REUSED' });
  });

  it('remembers a used message for twice the maximum age', async () => {
    const { clock, authenticator, replayGuard } = setUp();
    const request = roomRequest(alice, NOW - MAX_AGE_MS);
    const account = await authenticator.authenticate(request);
    const key = replayKeyOf(account.accountId, request.message);
    clock.time += 2 * MAX_AGE_MS - 1;
    expect(await replayGuard.has(key)).toBe(true);
    clock.time += 1;
    expect(await replayGuard.has(key)).toBe(false);
  });
});
