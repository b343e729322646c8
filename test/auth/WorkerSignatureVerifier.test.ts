import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authMessage } from '../../src/auth/signedMessages.js';
import { verifySignature as verifySignatureLocally } from '../../src/auth/verifySignature.js';
import { WorkerSignatureVerifier } from '../../src/auth/WorkerSignatureVerifier.js';
import { CRASH_MESSAGE } from './fixtures/crashMessage.js';

const message = stringToU8a(authMessage(1_700_000_000_000));
let alice: Record<'sr25519' | 'ed25519' | 'ecdsa', KeyringPair>;
let bob: KeyringPair;

function accountIdOf(pair: KeyringPair): Uint8Array {
  return decodeAddress(pair.address);
}

beforeAll(async () => {
  await cryptoWaitReady();
  alice = {
    sr25519: new Keyring({ type: 'sr25519' }).addFromUri('//Alice'),
    ed25519: new Keyring({ type: 'ed25519' }).addFromUri('//Alice'),
    ecdsa: new Keyring({ type: 'ecdsa' }).addFromUri('//Alice'),
  };
  bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
});

describe('WorkerSignatureVerifier', () => {
  const verifier = new WorkerSignatureVerifier({ size: 2 });
  afterAll(() => verifier.close());

  it('verifies every scheme and form in worker threads', async () => {
    const checks = Object.values(alice).flatMap((pair) => [
      verifier.verify(message, pair.sign(message), accountIdOf(pair)),
      verifier.verify(message, pair.sign(u8aWrapBytes(message)), accountIdOf(pair)),
      verifier.verify(message, pair.sign(message, { withType: true }), accountIdOf(pair)),
    ]);
    expect(await Promise.all(checks)).toEqual(Array(checks.length).fill(true));
  });

  it('rejects wrong keys, wrong messages and malformed signatures', async () => {
    const sr = alice.sr25519;
    const results = await Promise.all([
      verifier.verify(message, sr.sign(message), accountIdOf(bob)),
      verifier.verify(stringToU8a('another message'), sr.sign(message), accountIdOf(sr)),
      verifier.verify(message, sr.sign(message).subarray(0, 40), accountIdOf(sr)),
      verifier.verify(message, sr.sign(message), new Uint8Array(3)),
    ]);
    expect(results).toEqual([false, false, false, false]);
  });

  it('answers many concurrent checks, each with its own result', async () => {
    const sr = alice.sr25519;
    const good = sr.sign(message);
    const expected = Array.from({ length: 40 }, (_, i) => i % 3 !== 0);
    const results = await Promise.all(
      expected.map((valid) => verifier.verify(message, good, accountIdOf(valid ? sr : bob))),
    );
    expect(results).toEqual(expected);
  });

  it("leaves the caller's arrays intact", async () => {
    const signature = alice.sr25519.sign(message);
    const accountId = accountIdOf(alice.sr25519);
    const messageLength = message.length;
    expect(await verifier.verify(message, signature, accountId)).toBe(true);
    expect([message.length, signature.length, accountId.length]).toEqual([messageLength, 64, 32]);
    expect(verifySignatureLocally(message, signature, accountId)).toBe(true);
  });
});

describe('WorkerSignatureVerifier limits and lifecycle', () => {
  it('rejects checks beyond its pending bound with RATE_LIMIT_EXCEEDED', async () => {
    const verifier = new WorkerSignatureVerifier({ size: 1, maxPending: 2 });
    try {
      const sr = alice.sr25519;
      const signature = sr.sign(message);
      const first = verifier.verify(message, signature, accountIdOf(sr));
      const second = verifier.verify(message, signature, accountIdOf(sr));
      await expect(verifier.verify(message, signature, accountIdOf(sr))).rejects.toMatchObject({
        code: 'RATE_LIMIT_EXCEEDED',
        retryAfterSeconds: 1,
      });
      expect(await Promise.all([first, second])).toEqual([true, true]);
      // Room again once those finished.
      expect(await verifier.verify(message, signature, accountIdOf(sr))).toBe(true);
    } finally {
      await verifier.close();
    }
  });

  it('rejects pending and later checks once closed, and closes idempotently', async () => {
    const verifier = new WorkerSignatureVerifier({ size: 1 });
    const sr = alice.sr25519;
    const pending = verifier.verify(message, sr.sign(message), accountIdOf(sr));
    const closing = verifier.close();
    expect(verifier.close()).toBe(closing);
    await expect(pending).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    await closing;
    await expect(verifier.verify(message, sr.sign(message), accountIdOf(sr))).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
    });
    await verifier.close();
  });

  /** A one-worker pool whose worker dies on CRASH_MESSAGE; `valid` picks a check's expected answer. */
  async function withCrashingPool(
    use: (pool: {
      crash: () => Promise<boolean>;
      check: (valid: boolean) => Promise<boolean>;
    }) => Promise<void>,
  ): Promise<void> {
    const verifier = new WorkerSignatureVerifier({
      size: 1,
      workerUrl: new URL('./fixtures/crashingSignatureWorker.ts', import.meta.url),
    });
    const sr = alice.sr25519;
    const crashText = stringToU8a(CRASH_MESSAGE);
    try {
      await use({
        crash: () => verifier.verify(crashText, sr.sign(crashText), accountIdOf(sr)),
        check: (valid) => verifier.verify(message, sr.sign(message), accountIdOf(valid ? sr : bob)),
      });
    } finally {
      await verifier.close();
    }
  }

  it('fails only the check a crashing worker was running, retries the rest and replaces the worker', async () => {
    await withCrashingPool(async ({ crash, check }) => {
      const crashing = crash();
      // Sent to the same worker behind the crashing check, so they must be retried elsewhere.
      const queued = [true, false, true].map(check);
      await expect(crashing).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
      expect(await Promise.all(queued)).toEqual([true, false, true]);
    });
  });

  it('answers the checks of a batch before a crash, fails the crashing one and retries the rest', async () => {
    await withCrashingPool(async ({ crash, check }) => {
      // Asked before the worker is ready: they leave together, in one batch.
      const before = check(true);
      const crashing = crash();
      const after = [false, true].map(check);
      expect(await before).toBe(true);
      await expect(crashing).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
      expect(await Promise.all(after)).toEqual([false, true]);
    });
  });

  it('says when it can verify, and when its workers cannot start', async () => {
    const working = new WorkerSignatureVerifier({ size: 1 });
    await expect(working.whenReady()).resolves.toBeUndefined();
    await working.close();
    const broken = new WorkerSignatureVerifier({
      size: 1,
      workerUrl: new URL('./fixtures/failingSignatureWorker.ts', import.meta.url),
    });
    try {
      await expect(broken.whenReady()).rejects.toThrow('Signature workers cannot start');
    } finally {
      await broken.close();
    }
  });

  it('fails checks instead of respawning forever when workers cannot start', async () => {
    const verifier = new WorkerSignatureVerifier({
      size: 1,
      workerUrl: new URL('./fixtures/failingSignatureWorker.ts', import.meta.url),
    });
    try {
      const sr = alice.sr25519;
      await expect(verifier.verify(message, sr.sign(message), accountIdOf(sr))).rejects.toThrow(
        'Signature workers cannot start',
      );
      await expect(verifier.verify(message, sr.sign(message), accountIdOf(sr))).rejects.toThrow(
        'Signature workers cannot start',
      );
    } finally {
      await verifier.close();
    }
  });
});
