import { createHmac, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/AppError.js';

const RANDOM_BYTES = 16;
const EXPIRY_BYTES = 6;
const MAC_BYTES = 16;
const NONCE_BYTES = RANDOM_BYTES + EXPIRY_BYTES + MAC_BYTES;
/** base64url of NONCE_BYTES. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{51}$/;

export interface IssuedNonce {
  nonce: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface SiwsNoncesOptions {
  key: KeyObject;
  ttlMs: number;
  now?: () => number;
}

/**
 * Nonces for Sign-In with Substrate messages that need no storage until used: 16 random bytes and
 * the expiry, authenticated with an HMAC. Asking for nonces therefore costs no memory (a flood of
 * `POST /auth/nonce` cannot fill anything); single use is enforced where a nonce is spent, by the
 * replay guard (Redis when configured, so across instances).
 */
export class SiwsNonces {
  readonly #key: KeyObject;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: SiwsNoncesOptions) {
    this.#key = options.key;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  issue(): IssuedNonce {
    const expiresAt = this.#now() + this.#ttlMs;
    const body = Buffer.alloc(RANDOM_BYTES + EXPIRY_BYTES);
    randomBytes(RANDOM_BYTES).copy(body);
    body.writeUIntBE(expiresAt, RANDOM_BYTES, EXPIRY_BYTES);
    return { nonce: Buffer.concat([body, this.#mac(body)]).toString('base64url'), expiresAt };
  }

  /** The expiry (ms) of a nonce this service issued; NONCE_INVALID or SIWS_EXPIRED otherwise. */
  expiryOf(nonce: string): number {
    const bytes = NONCE_PATTERN.test(nonce) ? Buffer.from(nonce, 'base64url') : undefined;
    if (bytes?.length !== NONCE_BYTES) throw invalid();
    const body = bytes.subarray(0, RANDOM_BYTES + EXPIRY_BYTES);
    if (!timingSafeEqual(bytes.subarray(body.length), this.#mac(body))) throw invalid();
    const expiresAt = body.readUIntBE(RANDOM_BYTES, EXPIRY_BYTES);
    if (expiresAt <= this.#now())
      throw new AppError('SIWS_EXPIRED', 'the nonce has expired: ask for a new one');
    return expiresAt;
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, MAC_BYTES);
  }
}

function invalid(): AppError {
  return new AppError('NONCE_INVALID', 'the nonce was not issued by this service');
}
