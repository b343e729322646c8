import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/auth/verifySignature.js';
import { AppError } from '../../src/errors/AppError.js';
import { SiwsAuthenticator } from '../../src/sessions/SiwsAuthenticator.js';
import { SiwsNonces } from '../../src/sessions/SiwsNonces.js';
import { sessionKey } from '../../src/sessions/sessionKeys.js';
import { MemoryReplayGuard } from '../../src/store/MemoryReplayGuard.js';
import { signText, siwsText, TEST_DOMAIN } from '../support/SiwsSigner.js';
import { testPair } from '../support/testPair.js';

const NONCE_TTL_MS = 5 * 60_000;
const verifier = {
  verify: async (m: Uint8Array, s: Uint8Array, a: Uint8Array) => verifySignature(m, s, a),
  close: async () => undefined,
};

function setup(usedNonces = new MemoryReplayGuard()) {
  const nonces = new SiwsNonces({ key: sessionKey('unit-test-secret', 'nonce'), ttlMs: NONCE_TTL_MS });
  const siws = new SiwsAuthenticator({
    verifier,
    nonces,
    usedNonces,
    domains: [TEST_DOMAIN],
    maxAgeMs: NONCE_TTL_MS,
  });
  return { nonces, siws };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppError ? `${error.status} ${error.code}` : String(error)),
  );

describe('SiwsAuthenticator', () => {
  beforeAll(() => cryptoWaitReady());

  it('bounds the spent-nonce store: when it is full, sign-ins get 429 with Retry-After, never unbounded memory', async () => {
    const { nonces, siws } = setup(new MemoryReplayGuard({ maxEntries: 2 }));
    const pair = testPair('sr25519', 'UnitBounded');
    const signIn = () => {
      const message = siwsText(pair, nonces.issue().nonce);
      return siws.authenticate({ message, signature: signText(pair, message) });
    };
    expect(await codeOf(signIn())).toBe('accepted');
    expect(await codeOf(signIn())).toBe('accepted');
    const refused = await signIn().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).code).toBe('RATE_LIMIT_EXCEEDED');
    expect((refused as AppError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('tells a forged, a tampered and an expired nonce apart', async () => {
    const pair = testPair('ed25519', 'UnitNonces');
    const { siws } = setup();
    const attempt = (nonce: string) => {
      const message = siwsText(pair, nonce);
      return codeOf(siws.authenticate({ message, signature: signText(pair, message) }));
    };
    const other = new SiwsNonces({ key: sessionKey('another-secret', 'nonce'), ttlMs: NONCE_TTL_MS });
    expect(await attempt(other.issue().nonce)).toBe('401 NONCE_INVALID');
    const issued = setup().nonces.issue().nonce;
    const tampered = `${issued.slice(0, 10)}${issued[10] === 'A' ? 'B' : 'A'}${issued.slice(11)}`;
    expect(await attempt(tampered)).toBe('401 NONCE_INVALID');
    const past = new SiwsNonces({
      key: sessionKey('unit-test-secret', 'nonce'),
      ttlMs: 1000,
      now: () => Date.now() - 60_000,
    });
    expect(await attempt(past.issue().nonce)).toBe('401 SIWS_EXPIRED');
  });

  it('compares the domain case-insensitively and wants the URI on the same host and port', async () => {
    const pair = testPair('sr25519', 'UnitDomains');
    const { nonces, siws } = setup();
    const attempt = (fields: { domain?: string; uri?: string }) => {
      const message = siwsText(pair, nonces.issue().nonce, fields);
      return codeOf(siws.authenticate({ message, signature: signText(pair, message) }));
    };
    expect(await attempt({ domain: 'LOCALHOST:3001' })).toBe('accepted');
    expect(await attempt({ uri: 'http://localhost:3002/' })).toBe('401 SIWS_DOMAIN_MISMATCH');
    expect(await attempt({ uri: 'not a url' })).toBe('401 SIWS_DOMAIN_MISMATCH');
    expect(await attempt({ domain: 'localhost:3001.evil.example' })).toBe('401 SIWS_DOMAIN_MISMATCH');
  });
});
