import { hexToU8a, stringToU8a } from '@polkadot/util';
import type { SiwsMessage } from '@talismn/siws';
import { type Account, parseAccount } from '../auth/parseAccount.js';
import type { SignatureVerifier } from '../auth/SignatureVerifier.js';
import { AppError } from '../errors/AppError.js';
import type { ReplayGuard } from '../store/ReplayGuard.js';
import type { SiwsNonces } from './SiwsNonces.js';

/** A SIWS message is ~300 characters; statement and resources leave room, not a megabyte. */
export const MAX_SIWS_MESSAGE_CHARS = 4096;
const SIGNATURE_HEX = /^0x(?:[0-9a-fA-F]{2}){64,66}$/;
/** A used nonce is remembered a little past its expiry, so no clock step lets it back in. */
const USED_NONCE_MARGIN_MS = 60_000;

export interface SiwsAuthenticatorOptions {
  verifier: SignatureVerifier;
  nonces: SiwsNonces;
  /** Spent nonces (shared through Redis when configured). */
  usedNonces: ReplayGuard;
  /** Accepted `domain`s, lower case (`host[:port]`). */
  domains: readonly string[];
  /** Accepted clock difference between the message's `Issued At` and now. */
  maxAgeMs: number;
  now?: () => number;
}

export interface SiwsSignIn {
  /** The exact text the wallet signed (SIWS text format, or its JSON form). */
  message: string;
  /** 0x hex; of the raw text or of its `<Bytes>` wrapping, sr25519, ed25519 or ecdsa. */
  signature: string;
}

/**
 * Checks a signed Sign-In with Substrate message (`@talismn/siws` format) and returns the account
 * that signed it. Cheap checks first (shape, domain, times, nonce MAC, nonce already spent), then
 * the signature, and only then is the nonce spent, so a bad signature cannot burn someone's nonce.
 */
export class SiwsAuthenticator {
  readonly #options: SiwsAuthenticatorOptions;
  readonly #domains: ReadonlySet<string>;
  readonly #now: () => number;

  constructor(options: SiwsAuthenticatorOptions) {
    this.#options = options;
    this.#domains = new Set(options.domains);
    this.#now = options.now ?? Date.now;
  }

  async authenticate(input: SiwsSignIn): Promise<Account> {
    const { message, signature } = input;
    if (message.length > MAX_SIWS_MESSAGE_CHARS) {
      throw new AppError('VALIDATION_ERROR', `message: at most ${MAX_SIWS_MESSAGE_CHARS} characters`);
    }
    if (!SIGNATURE_HEX.test(signature)) throw new AppError('INVALID_SIGNATURE', 'Invalid signature');
    const { siws, account } = await readSiwsMessage(message);
    this.#checkDomain(siws);
    this.#checkTimes(siws);
    const nonceExpiresAt = this.#options.nonces.expiryOf(siws.nonce);
    const { usedNonces, verifier } = this.#options;
    if (await usedNonces.has(siws.nonce)) throw nonceReused();
    if (!(await verifier.verify(stringToU8a(message), hexToU8a(signature), account.accountId))) {
      throw new AppError('INVALID_SIGNATURE', 'Invalid signature');
    }
    const ttlMs = nonceExpiresAt - this.#now() + USED_NONCE_MARGIN_MS;
    if (!(await usedNonces.claim(siws.nonce, ttlMs))) throw nonceReused();
    return account;
  }

  #checkDomain(siws: SiwsMessage): void {
    const domain = siws.domain.toLowerCase();
    if (!this.#domains.has(domain)) {
      throw new AppError('SIWS_DOMAIN_MISMATCH', 'the message is for another domain');
    }
    let uriHost: string | undefined;
    try {
      uriHost = new URL(siws.uri).host.toLowerCase();
    } catch {
      uriHost = undefined;
    }
    if (uriHost !== domain)
      throw new AppError('SIWS_DOMAIN_MISMATCH', 'the message URI is not on its domain');
  }

  #checkTimes(siws: SiwsMessage): void {
    const now = this.#now();
    const { maxAgeMs } = this.#options;
    if (siws.issuedAt === undefined || !Number.isFinite(siws.issuedAt)) {
      throw new AppError('VALIDATION_ERROR', 'message: Issued At is required');
    }
    if (Math.abs(now - siws.issuedAt) > maxAgeMs) {
      throw new AppError('SIWS_EXPIRED', 'the message was issued too long ago (or in the future)');
    }
    if (siws.expirationTime !== undefined && siws.expirationTime <= now) {
      throw new AppError('SIWS_EXPIRED', 'the message has expired');
    }
    if (siws.notBefore !== undefined && siws.notBefore > now + maxAgeMs) {
      throw new AppError('SIWS_EXPIRED', 'the message is not valid yet');
    }
  }
}

/** The parsed message and the account it names, nothing verified yet. */
async function readSiwsMessage(message: string): Promise<{ siws: SiwsMessage; account: Account }> {
  const siws = await parse(message);
  const account = parseAccount(siws.address);
  if (account === null)
    throw new AppError('VALIDATION_ERROR', 'message: the address is not a Substrate account');
  return { siws, account };
}

async function parse(message: string): Promise<SiwsMessage> {
  // Loaded on the first sign-in, not at start: the library brings ethers along (~0.5 s to load).
  const { parseMessage } = await import('@talismn/siws');
  try {
    return parseMessage(message);
  } catch (error) {
    // The library checks Expiration Time against the clock while parsing.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    if (cause.includes('expired')) throw new AppError('SIWS_EXPIRED', 'the message has expired');
    throw new AppError('VALIDATION_ERROR', 'message: not a Sign-In with Substrate message', { cause: error });
  }
}

function nonceReused(): AppError {
  return new AppError('NONCE_REUSED', 'this nonce was already used: ask for a new one');
}
