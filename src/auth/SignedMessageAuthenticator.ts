import { createHash } from 'node:crypto';
import { hexToU8a, stringToU8a } from '@polkadot/util';
import { AppError } from '../errors/AppError.js';
import type { ReplayGuard } from '../store/ReplayGuard.js';
import type { Account } from './parseAccount.js';
import { parseAccount } from './parseAccount.js';
import type { SignatureVerifier } from './SignatureVerifier.js';

/** Our own signed texts are ~40 chars; the bound keeps replay keys and worker messages small. */
const MAX_SIGNED_MESSAGE_CHARS = 256;

/**
 * `0x` + 64 bytes (sr25519/ed25519), 65 (ecdsa, or sr/ed25519 with a MultiSignature type byte)
 * or 66 (ecdsa with its type byte).
 */
const SIGNATURE_HEX = /^0x(?:[0-9a-fA-F]{2}){64,66}$/;
const MAX_SIGNATURE_HEX_CHARS = 2 + 2 * 66;

/**
 * A replay key is the first 16 bytes of SHA-256 over (account id, message), base64url: 22
 * characters instead of ~100, in memory and in Redis. No one can make another message's key collide
 * with a given one (a second preimage of 128 bits); the account id has a fixed length, so the pair
 * is read unambiguously.
 */
const REPLAY_KEY_BYTES = 16;

/** A replay key must outlive every moment its timestamp is accepted: from now − maxAge up to now + maxAge. */
const REPLAY_TTL_PER_MAX_AGE = 2;

export interface SignedMessageAuthenticatorOptions {
  verifier: SignatureVerifier;
  replayGuard: ReplayGuard;
  /** Accepted clock difference either way between the signed timestamp and now. */
  maxAgeMs: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

export interface SignedMessageInput {
  address: string;
  /** `parseAccount(address)` when the caller already did it (it keys a rate limit on it first). */
  account?: Account;
  /** 0x hex. */
  signature: string;
  /** ms since the epoch; the same value that is embedded in `message`. */
  timestamp: number;
  /** The exact text the wallet signed, built with roomMessage/authMessage. */
  message: string;
}

/** A signed message whose signature verified, not yet marked used (`consume`). */
export interface VerifiedMessage {
  readonly account: Account;
  readonly replayKey: string;
}

/**
 * Turns a wallet-signed message into the account that signed it: cheap checks first
 * (address, signature shape, time window, already used), then the signature, and only then is the
 * message consumed, so nobody can burn someone else's pending message with a bad signature.
 */
export class SignedMessageAuthenticator {
  readonly #verifier: SignatureVerifier;
  readonly #replayGuard: ReplayGuard;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: SignedMessageAuthenticatorOptions) {
    if (!Number.isFinite(options.maxAgeMs) || options.maxAgeMs <= 0) {
      throw new RangeError(`Invalid maxAgeMs: ${options.maxAgeMs}`);
    }
    this.#verifier = options.verifier;
    this.#replayGuard = options.replayGuard;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /** `verify`, then `consume`: the account that signed `input`, its message now used. */
  async authenticate(input: SignedMessageInput): Promise<Account> {
    return this.consume(await this.verify(input));
  }

  /**
   * Every check but the single use: the message is valid and not yet used, and its signature
   * verifies. Nothing is recorded, so a caller may refuse the request (a per-account limit) without
   * burning the message.
   */
  async verify(input: SignedMessageInput): Promise<VerifiedMessage> {
    const { address, signature, timestamp, message } = input;
    if (typeof message !== 'string' || message.length > MAX_SIGNED_MESSAGE_CHARS) {
      throw new AppError('VALIDATION_ERROR', 'Invalid signed message');
    }
    const account = input.account ?? parseAccount(address);
    if (account === null) throw new AppError('VALIDATION_ERROR', 'Invalid address');
    if (
      typeof signature !== 'string' ||
      signature.length > MAX_SIGNATURE_HEX_CHARS ||
      !SIGNATURE_HEX.test(signature)
    ) {
      throw new AppError('INVALID_SIGNATURE', 'Invalid signature');
    }
    if (!Number.isSafeInteger(timestamp)) throw new AppError('VALIDATION_ERROR', 'Invalid timestamp');
    if (Math.abs(this.#now() - timestamp) > this.#maxAgeMs) {
      throw new AppError('SIGNATURE_EXPIRED', 'Signature expired or timestamp out of range');
    }
    // Keyed on the message, never the signature: sr25519 signatures are randomized, so one message
    // has many valid signatures.
    const replayKey = replayKeyOf(account.accountId, message);
    if (await this.#replayGuard.has(replayKey)) {
      throw new AppError('SIGNATURE_REUSED', 'Signed message already used');
    }
    const valid = await this.#verifier.verify(stringToU8a(message), hexToU8a(signature), account.accountId);
    if (!valid) throw new AppError('INVALID_SIGNATURE', 'Invalid signature');
    return { account, replayKey };
  }

  /** Marks a verified message used: its account, or SIGNATURE_REUSED when it already was. */
  async consume(verified: VerifiedMessage): Promise<Account> {
    // Another request with the same message may have been verified meanwhile: the claim is the arbiter.
    if (!(await this.#replayGuard.claim(verified.replayKey, REPLAY_TTL_PER_MAX_AGE * this.#maxAgeMs))) {
      throw new AppError('SIGNATURE_REUSED', 'Signed message already used');
    }
    return verified.account;
  }
}

/** The single-use key of `message` signed by `accountId` (see REPLAY_KEY_BYTES). */
export function replayKeyOf(accountId: Uint8Array, message: string): string {
  return createHash('sha256')
    .update(accountId)
    .update(message)
    .digest()
    .toString('base64url', 0, REPLAY_KEY_BYTES);
}
